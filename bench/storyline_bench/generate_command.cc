#include "bench/storyline_bench/generate_command.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "bench/storyline_bench/generate_run.h"
#include "bench/storyline_bench/generate_source.h"

namespace storyline::bench {
namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int64_t kMaxCount = 99'999'999;  // ids have 8 digits

struct GenerateFlags {
  int64_t count = 0;
  uint64_t seed = 1;
  std::string out = "-";
  std::string data = "../shared/data";
  std::string from = "2015-01-01";
  std::string to = "2026-11-30";
};

[[noreturn]] void UsageError(absl::string_view message) {
  throw CLI::ValidationError(std::string(message), kExitUsage);
}

[[noreturn]] void Failed(absl::string_view message) {
  std::cerr << "storyline-bench generate: " << message << '\n';
  throw CLI::RuntimeError(kExitFailed);
}

GeneratorOptions CheckedOptions(const GenerateFlags& flags) {
  GeneratorOptions options{.seed = flags.seed};
  absl::StatusOr<int64_t> from = ParseDayOrTime("--from", flags.from, /*end_of_day=*/false);
  if (!from.ok()) UsageError(from.status().message());
  absl::StatusOr<int64_t> to = ParseDayOrTime("--to", flags.to, /*end_of_day=*/true);
  if (!to.ok()) UsageError(to.status().message());
  if (*from > *to) {
    UsageError(absl::StrCat("--from ", flags.from, " is after --to ", flags.to,
                            "; give a --from no later than --to"));
  }
  options.from_seconds = *from;
  options.to_seconds = *to;
  return options;
}

SourceCorpus LoadCorpusOrThrow(const std::string& data) {
  absl::StatusOr<SourceCorpus> corpus = LoadSourceCorpus(data);
  if (corpus.ok()) return *std::move(corpus);
  const std::string message = absl::StrCat("--data ", corpus.status().message());
  if (corpus.status().code() == absl::StatusCode::kUnavailable) Failed(message);
  UsageError(message);  // missing, or no usable article
}

void Run(const GenerateFlags& flags) {
  const GeneratorOptions options = CheckedOptions(flags);
  const SourceCorpus corpus = LoadCorpusOrThrow(flags.data);
  std::cerr << absl::StrFormat("generate: %d sentences in %d topics from %d articles of %s\n",
                               corpus.sentences, corpus.pools.size(), corpus.patterns.size(),
                               flags.data);
  const bool to_stdout = flags.out == "-";
  std::FILE* out = to_stdout ? stdout : std::fopen(flags.out.c_str(), "wb");
  if (out == nullptr) Failed(absl::StrCat("--out ", flags.out, ": cannot create the file"));
  absl::StatusOr<GenerateSummary> summary =
      GenerateCorpus(corpus, options, flags.count, out, &std::cerr);
  const bool closed = to_stdout || std::fclose(out) == 0;
  if (!summary.ok()) Failed(summary.status().message());
  if (!closed) Failed(absl::StrCat("--out ", flags.out, ": cannot write the file"));
  std::cerr << absl::StrFormat(
      "generated %d articles, %.1f MiB, in %.1f s (%.0f articles/s); %d redrawn for distinct "
      "bodies\n",
      summary->articles, summary->bytes / 1048576.0, summary->seconds,
      summary->articles / std::max(summary->seconds, 1e-9), summary->redraws);
}

}  // namespace

absl::StatusOr<int64_t> ParseDayOrTime(absl::string_view flag, absl::string_view value,
                                       bool end_of_day) {
  absl::Time t;
  std::string error;
  if (absl::ParseTime("%Y-%m-%d", value, absl::UTCTimeZone(), &t, &error)) {
    return absl::ToUnixSeconds(t) + (end_of_day ? 86399 : 0);
  }
  if (absl::ParseTime(absl::RFC3339_full, value, &t, &error)) return absl::ToUnixSeconds(t);
  return absl::InvalidArgumentError(
      absl::StrCat(flag, " ", value, " is not a day or a time; use YYYY-MM-DD or RFC 3339 (",
                   "2015-01-01T00:00:00Z)"));
}

void AddGenerateCommand(CLI::App& app) {
  auto flags = std::make_shared<GenerateFlags>();
  CLI::App* sub = app.add_subcommand(
      "generate",
      "Write --count distinct articles made from the sentences, titles and topics of the "
      "articles under --data, as JSONL for `storyline ingest`. The same --seed and data give "
      "the same bytes.");
  sub->add_option("--count", flags->count, "Number of articles to write (1 to 99999999)")
      ->required()
      ->check(CLI::Range(int64_t{1}, kMaxCount));
  sub->add_option("--seed", flags->seed, "Seed of every random choice; ids are gen<seed>-<n>")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  sub->add_option("--out", flags->out, "Output file, or - for stdout")->capture_default_str();
  sub->add_option("--data", flags->data,
                  "Folder of JSONL articles (every *.jsonl under it) or one file to learn from; "
                  "articles without a topic take their folder's name")
      ->capture_default_str();
  sub->add_option("--from", flags->from,
                  "Earliest publish time: YYYY-MM-DD (its first second) or RFC 3339")
      ->capture_default_str();
  sub->add_option("--to", flags->to,
                  "Latest publish time: YYYY-MM-DD (its last second) or RFC 3339")
      ->capture_default_str();
  sub->callback([flags] { Run(*flags); });
}

}  // namespace storyline::bench
