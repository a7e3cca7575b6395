// storyline-admin: offline maintenance of a Storyline index directory.
//
//   storyline-admin check --index_dir=DIR
//       Xapian's checker over every shard plus a read of every stored
//       article. Exit 0 if healthy, 1 if problems were found.
//   storyline-admin reshard --index_dir=DIR --shards=N
//       Moves every article to its shard under a new shard count. Stop the
//       server first; the switch to the new shards is atomic.
//
// Exit codes: 0 ok, 1 problems found or the operation failed, 2 usage.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <string>

#include "absl/time/clock.h"
#include "index/index_check.h"
#include "index/reshard.h"

namespace {

using namespace storyline;  // NOLINT: main file

int RunCheck(const std::string& dir) {
  const absl::Time start = absl::Now();
  absl::StatusOr<size_t> problems = index::FullCheck(dir, std::cout);
  if (!problems.ok()) {
    std::cerr << "storyline-admin: " << problems.status() << "\n";
    return 1;
  }
  std::cout << dir << ": " << (*problems == 0 ? "healthy" : "DAMAGED") << ", " << *problems
            << " problem(s), checked in " << absl::ToDoubleSeconds(absl::Now() - start) << " s\n";
  return *problems == 0 ? 0 : 1;
}

int RunReshard(const std::string& dir, int shards) {
  const absl::Time start = absl::Now();
  auto progress = [](uint64_t moved, uint64_t total) {
    std::fprintf(stderr, "\rmoved %llu of %llu articles", static_cast<unsigned long long>(moved),
                 static_cast<unsigned long long>(total));
  };
  absl::StatusOr<index::ReshardResult> r = index::Reshard(dir, shards, progress);
  std::fprintf(stderr, "\n");
  if (!r.ok()) {
    std::cerr << "storyline-admin: reshard failed, the index is unchanged: " << r.status() << "\n";
    return 1;
  }
  std::cout << dir << ": " << r->old_shards << " -> " << r->new_shards << " shards, " << r->articles
            << " articles (" << r->duplicates << " duplicate copies merged) in "
            << absl::ToDoubleSeconds(absl::Now() - start) << " s\n";
  return 0;
}

}  // namespace

// CLI11_PARSE catches parse errors; what else escapes (std::bad_alloc)
// should terminate.
// NOLINTNEXTLINE(bugprone-exception-escape)
int main(int argc, char** argv) {
  CLI::App app{"Offline maintenance of a Storyline index directory."};
  app.require_subcommand(1);
  std::string dir;
  int shards = 0;
  CLI::App* check = app.add_subcommand("check", "Check every shard; exit 1 if damaged.");
  check->add_option("--index_dir,--index-dir", dir, "Index directory")->required();
  CLI::App* reshard = app.add_subcommand("reshard", "Change the shard count (server stopped).");
  reshard->add_option("--index_dir,--index-dir", dir, "Index directory")->required();
  reshard->add_option("--shards", shards, "New shard count (1-64)")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  spdlog::set_level(spdlog::level::warn);
  if (check->parsed()) return RunCheck(dir);
  return RunReshard(dir, shards);
}
