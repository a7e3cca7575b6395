#include "index/index_layout.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace storyline::index {
namespace {

constexpr char kStubName[] = "XAPIANDB";
constexpr int kMaxShards = 64;

}  // namespace

size_t ShardForId(absl::string_view id, size_t shards) {
  if (shards <= 1) return 0;
  uint64_t h = 1469598103934665603ULL;
  for (const char c : id) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return static_cast<size_t>(h % shards);
}

absl::StatusOr<std::vector<std::string>> ShardDirs(const std::string& dir) {
  const std::filesystem::path stub = std::filesystem::path(dir) / kStubName;
  std::ifstream in(stub);
  if (!in) {
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::path(dir) / "iamglass", ec)) {
      return std::vector<std::string>{dir};
    }
    return absl::NotFoundError(absl::StrCat("no Storyline index in ", dir));
  }
  std::vector<std::string> shards;
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view l = absl::StripAsciiWhitespace(line);
    if (l.empty() || l[0] == '#') continue;
    // "glass shard-00": backend, then a path relative to the stub.
    std::vector<absl::string_view> parts = absl::StrSplit(l, absl::MaxSplits(' ', 1));
    if (parts.size() != 2) {
      return absl::DataLossError(absl::StrCat(stub.string(), ": bad line \"", l, "\""));
    }
    shards.push_back((std::filesystem::path(dir) / std::string(parts[1])).string());
  }
  if (shards.empty()) return absl::DataLossError(absl::StrCat(stub.string(), " lists no shards"));
  return shards;
}

absl::StatusOr<std::vector<std::unique_ptr<IndexWriter>>> OpenShardWriters(
    const std::string& dir, int shards_if_new) {
  if (shards_if_new < 1 || shards_if_new > kMaxShards) {
    return absl::InvalidArgumentError(
        absl::StrCat("shard count must be 1 to ", kMaxShards, "; got ", shards_if_new));
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot create ", dir, ": ", ec.message()));

  absl::StatusOr<std::vector<std::string>> dirs = ShardDirs(dir);
  if (!dirs.ok() && dirs.status().code() == absl::StatusCode::kNotFound) {
    // New index: create the shards, then publish the stub (atomically, so a
    // reader never sees a stub naming shards that do not exist yet).
    std::vector<std::unique_ptr<IndexWriter>> writers;
    std::ostringstream stub;
    stub << "# Storyline index: " << shards_if_new << " glass shard(s)\n";
    for (int i = 0; i < shards_if_new; ++i) {
      const std::string name = absl::StrFormat("shard-%02d", i);
      absl::StatusOr<std::unique_ptr<IndexWriter>> w =
          IndexWriter::Open((std::filesystem::path(dir) / name).string());
      if (!w.ok()) return w.status();
      // Commit once so the empty shard is a valid database for readers.
      if (absl::StatusOr<uint64_t> r = (*w)->Commit(); !r.ok()) return r.status();
      writers.push_back(std::move(*w));
      stub << "glass " << name << "\n";
    }
    const std::filesystem::path tmp = std::filesystem::path(dir) / "XAPIANDB.tmp";
    {
      std::ofstream out(tmp);
      out << stub.str();
      if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", tmp.string()));
    }
    std::filesystem::rename(tmp, std::filesystem::path(dir) / kStubName, ec);
    if (ec) return absl::UnavailableError(absl::StrCat("cannot publish stub: ", ec.message()));
    return writers;
  }
  if (!dirs.ok()) return dirs.status();
  std::vector<std::unique_ptr<IndexWriter>> writers;
  for (const std::string& shard : *dirs) {
    absl::StatusOr<std::unique_ptr<IndexWriter>> w = IndexWriter::Open(shard);
    if (!w.ok()) return w.status();
    writers.push_back(std::move(*w));
  }
  return writers;
}

}  // namespace storyline::index
