#include "bench/storyline_bench/generate_run.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/storyline_bench/generate_jsonl.h"
#include "common/hash64.h"

namespace storyline::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kFlushBytes = 1 << 20;
constexpr uint32_t kMaxAttempts = 64;
constexpr auto kProgressEvery = std::chrono::seconds(2);

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

absl::Status Flush(std::string* buffer, std::FILE* out) {
  if (!buffer->empty() && std::fwrite(buffer->data(), 1, buffer->size(), out) != buffer->size()) {
    return absl::UnavailableError(absl::StrCat("cannot write the output: ", std::strerror(errno)));
  }
  buffer->clear();
  return absl::OkStatus();
}

// Remembers the bodies written so far, by hash.
class DistinctBodies {
 public:
  explicit DistinctBodies(int64_t count) { seen_.reserve(static_cast<size_t>(count)); }
  // True (and remembered) if no earlier body had this one's hash.
  bool Insert(absl::string_view body) { return seen_.insert(common::Fnv1a64(body)).second; }

 private:
  absl::flat_hash_set<uint64_t> seen_;
};

void ReportProgress(const GenerateSummary& done, int64_t count, Clock::time_point start,
                    std::ostream& progress) {
  progress << absl::StrFormat("generate: %d of %d articles (%.0f%%), %.1f MiB, %.1f s\n",
                              done.articles, count, 100.0 * done.articles / count,
                              done.bytes / 1048576.0, SecondsSince(start))
           << std::flush;
}

}  // namespace

absl::StatusOr<GenerateSummary> GenerateCorpus(const SourceCorpus& corpus,
                                               const GeneratorOptions& options, int64_t count,
                                               std::FILE* out, std::ostream* progress) {
  const Clock::time_point start = Clock::now();
  Clock::time_point next_report = start + kProgressEvery;
  const ArticleGenerator generator(corpus, options);
  DistinctBodies distinct(count);
  GenerateSummary summary;
  std::string buffer;
  for (int64_t i = 0; i < count; ++i) {
    uint32_t attempt = 0;
    GeneratedArticle article = generator.Make(i, attempt);
    while (!distinct.Insert(article.body)) {
      if (++attempt == kMaxAttempts) {
        return absl::ResourceExhaustedError(
            absl::StrCat("article ", i + 1, ": no distinct body after ", kMaxAttempts,
                         " attempts; the source corpus is too small for ", count, " articles"));
      }
      ++summary.redraws;
      article = generator.Make(i, attempt);
    }
    const size_t before = buffer.size();
    AppendArticleJsonLine(article, &buffer);
    summary.bytes += static_cast<int64_t>(buffer.size() - before);
    ++summary.articles;
    if (buffer.size() >= kFlushBytes) {
      if (absl::Status s = Flush(&buffer, out); !s.ok()) return s;
      if (progress != nullptr && Clock::now() >= next_report) {
        ReportProgress(summary, count, start, *progress);
        next_report = Clock::now() + kProgressEvery;
      }
    }
  }
  if (absl::Status s = Flush(&buffer, out); !s.ok()) return s;
  if (std::fflush(out) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot write the output: ", std::strerror(errno)));
  }
  summary.seconds = SecondsSince(start);
  return summary;
}

}  // namespace storyline::bench
