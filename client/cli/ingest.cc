#include "client/cli/ingest.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "client/cli/ingest_checkpoint.h"
#include "client/cli/ingest_reader.h"
#include "client/cli/progress_bar.h"

namespace storyline::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kReadBufferBytes = size_t{1} << 20;

// Maps stream positions back to input line numbers. Both advance together
// except across blank and malformed lines, so only the positions where
// (line - position) changes are kept: memory grows with skipped lines, not
// with the size of the file.
class LineMap {
 public:
  // Records that stream position `position` (0, 1, 2, ... in order) came
  // from line `line`.
  void Add(int64_t position, int64_t line) {
    const int64_t skipped = line - position;
    if (steps_.empty() || steps_.back().second != skipped) steps_.emplace_back(position, skipped);
    size_ = position + 1;
  }

  // The line of `position`, or nullopt for a position that was never sent.
  std::optional<int64_t> LineOf(int64_t position) const {
    if (position < 0 || position >= size_) return std::nullopt;
    // The first step is always at position 0, so `it` is never begin().
    auto it = std::upper_bound(
        steps_.begin(), steps_.end(), position,
        [](int64_t p, const std::pair<int64_t, int64_t>& step) { return p < step.first; });
    --it;
    return position + it->second;
  }

 private:
  std::vector<std::pair<int64_t, int64_t>> steps_;  // (first position, line - position)
  int64_t size_ = 0;
};

std::string ErrorJson(const LineError& e) {
  return absl::StrCat("{\"line\":", e.line > 0 ? absl::StrCat(e.line) : "null",
                      ",\"id\":", JsonQuote(e.id), ",\"reason\":", JsonQuote(e.reason), "}");
}

// Where an ingest of a file stands: the checkpoint it keeps up to date
// from the acknowledgement thread, and the stream positions' lines.
class IngestState {
 public:
  IngestState(std::string file, IngestCheckpoint start)
      : file_(std::move(file)), checkpoint_(std::move(start)) {}

  void Sent(int64_t position, int64_t line) {
    absl::MutexLock lock(&mu_);
    lines_.Add(position, line);
  }
  std::optional<int64_t> LineOf(int64_t position) const {
    absl::MutexLock lock(&mu_);
    return lines_.LineOf(position);
  }
  // On the acknowledgement thread: records the line committed through.
  void Acknowledged(const v1::IngestProgress& progress) {
    absl::MutexLock lock(&mu_);
    const std::optional<int64_t> line = lines_.LineOf(progress.committed_through());
    if (!line.has_value() || *line <= checkpoint_.line) return;
    checkpoint_.line = *line;
    Save();
  }
  int64_t committed_line() const {
    absl::MutexLock lock(&mu_);
    return checkpoint_.line;
  }
  void Save() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (file_.empty()) return;
    if (absl::Status s = SaveCheckpoint(file_, checkpoint_); !s.ok() && !warned_) {
      std::cerr << "storyline: " << s.message() << " (--resume will not work)\n";
      warned_ = true;
    }
  }
  void SaveNow() {
    absl::MutexLock lock(&mu_);
    Save();
  }
  void Remove() {
    if (!file_.empty()) std::remove(file_.c_str());
  }

 private:
  const std::string file_;  // "" for stdin: no checkpoint
  mutable absl::Mutex mu_;
  IngestCheckpoint checkpoint_ ABSL_GUARDED_BY(mu_);
  LineMap lines_ ABSL_GUARDED_BY(mu_);
  bool warned_ ABSL_GUARDED_BY(mu_) = false;
};

// Prepares the checkpoint of a file ingest: a fresh one, or with --resume
// the saved one (if it is for this file, unchanged). Returns a usage error
// message on failure.
absl::StatusOr<std::unique_ptr<IngestState>> StartCheckpoint(const IngestFlags& flags) {
  if (flags.path == "-") {
    if (flags.resume) return absl::InvalidArgumentError("ingest: --resume needs a file, not stdin");
    return std::make_unique<IngestState>("", IngestCheckpoint{});
  }
  const std::string file =
      flags.checkpoint.empty() ? DefaultCheckpointPath(flags.path) : flags.checkpoint;
  absl::StatusOr<IngestCheckpoint> now = DescribeInput(flags.path);
  if (!now.ok()) return now.status();
  if (flags.resume) {
    absl::StatusOr<IngestCheckpoint> saved = LoadCheckpoint(file);
    if (!saved.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("ingest --resume: ", saved.status().message(),
                       "; run without --resume (re-sending converges)"));
    }
    if (absl::Status s = CheckSameInput(*saved, *now); !s.ok()) return s;
    now->line = saved->line;
  }
  auto state = std::make_unique<IngestState>(file, *now);
  state->SaveNow();
  return state;
}

// The input file of an ingest (not stdin), with its large read buffer.
struct InputFile {
  std::ifstream file;
  std::unique_ptr<char[]> buffer;  // the file's buffer; outlives reading
  uint64_t total_bytes = 0;        // 0 unless a regular file
};

// Opens `path` with a large buffer; "" on success, else what went wrong.
std::string OpenInput(const std::string& path, InputFile* input) {
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::is_directory(status)) return absl::StrCat(path, " is a directory");
  // Only a regular file has a size to measure progress against; for pipes
  // and devices (e.g. <(zcat ...)) there is no ETA.
  if (!ec && std::filesystem::is_regular_file(status)) {
    const uintmax_t size = std::filesystem::file_size(path, ec);
    if (!ec) input->total_bytes = size;
  }
  // libstdc++ only honours pubsetbuf before open().
  input->buffer = std::make_unique<char[]>(kReadBufferBytes);
  input->file.rdbuf()->pubsetbuf(input->buffer.get(), kReadBufferBytes);
  input->file.open(path, std::ios::in | std::ios::binary);
  if (!input->file.is_open()) return absl::StrCat("cannot open ", path, ": ", std::strerror(errno));
  return "";
}

// The stream's ArticleSource: hands out the reader thread's batches one
// article at a time and keeps their malformed lines for the report. Only
// the gRPC calling thread uses it.
class ArticleFeed {
 public:
  ArticleFeed(BatchQueue& queue, ProgressBar& bar, IngestState& state)
      : queue_(queue), bar_(bar), state_(state) {}

  // Client::ArticleSource: the next article, or false at the end.
  bool Next(v1::Article* out) {
    while (next_in_batch_ >= current_.articles.size()) {
      if (!NextBatch()) {
        bar_.Finish(sent_, bytes_done_);
        return false;
      }
    }
    state_.Sent(sent_, current_.lines[next_in_batch_]);
    *out = std::move(current_.articles[next_in_batch_]);
    ++next_in_batch_;
    ++sent_;
    bar_.Update(sent_, bytes_done_);
    return true;
  }

  int64_t sent() const { return sent_; }
  // The malformed lines, in input order.
  std::vector<LineError>& malformed() { return malformed_; }

 private:
  // Takes the next batch and keeps its malformed lines; false at the end.
  bool NextBatch() {
    std::optional<Batch> batch = queue_.Pop();
    if (!batch.has_value()) return false;
    current_ = std::move(*batch);
    next_in_batch_ = 0;
    bytes_done_ = current_.bytes_end;
    for (LineError& error : current_.errors) malformed_.push_back(std::move(error));
    return true;
  }

  BatchQueue& queue_;
  ProgressBar& bar_;
  IngestState& state_;
  Batch current_;
  size_t next_in_batch_ = 0;
  int64_t sent_ = 0;
  uint64_t bytes_done_ = 0;
  std::vector<LineError> malformed_;
};

// Streams the feed's articles through IngestArticles, keeping the
// checkpoint up to date from the acknowledgements.
absl::StatusOr<v1::IngestProgress> StreamArticles(Client& client, const GlobalFlags& global,
                                                  ArticleFeed& feed, ProgressBar& bar,
                                                  IngestState& state) {
  Client::CallOptions call;
  if (global.deadline_given) call.deadline = absl::Seconds(global.deadline_seconds);
  return TimedCall(global, "ingest", [&] {
    absl::StatusOr<v1::IngestProgress> result = client.IngestArticles(
        Client::ArticleSource([&feed](v1::Article* out) { return feed.Next(out); }),
        [&state](const v1::IngestProgress& p) { state.Acknowledged(p); }, call);
    bar.Clear();
    return result;
  });
}

// Every line that was not indexed, by line number: the malformed lines
// (`errors` on entry) and the articles the server rejected. Rejections at a
// position never sent (line 0) come last.
void AddRejections(const v1::IngestProgress& response, const IngestState& state,
                   std::vector<LineError>& errors) {
  for (const v1::IndexError& error : response.errors()) {
    errors.push_back({state.LineOf(error.position()).value_or(0), error.id(), error.reason()});
  }
  std::stable_sort(errors.begin(), errors.end(), [](const LineError& a, const LineError& b) {
    return (a.line == 0 ? INT64_MAX : a.line) < (b.line == 0 ? INT64_MAX : b.line);
  });
}

// "line N (id X): reason" for each error, on stderr.
void PrintLineErrors(const std::vector<LineError>& errors, int64_t omitted) {
  for (const LineError& error : errors) {
    std::cerr << (error.line > 0 ? absl::StrCat("line ", error.line) : std::string("line ?"));
    if (!error.id.empty()) std::cerr << " (id " << Sanitize(error.id) << ")";
    std::cerr << ": " << Sanitize(error.reason) << "\n";
  }
  if (omitted > 0) {
    std::cerr << "... and " << FormatCount(omitted)
              << " more rejected articles the server did not list\n";
  }
}

std::string SummaryJson(const v1::IngestProgress& response, int64_t rejected, double seconds,
                        int64_t rate, const std::string& read_error,
                        const std::vector<LineError>& errors) {
  std::string json =
      absl::StrCat("{\"indexed_count\":", response.indexed_count(),
                   ",\"updated_count\":", response.updated_count(),
                   ",\"rejected_count\":", rejected, ",\"revision\":", response.revision(),
                   ",\"seconds\":", FormatFixed(seconds, 3), ",\"articles_per_second\":", rate);
  if (!read_error.empty()) absl::StrAppend(&json, ",\"read_error\":", JsonQuote(read_error));
  absl::StrAppend(&json, ",\"errors\":[");
  for (size_t i = 0; i < errors.size(); ++i) {
    absl::StrAppend(&json, i > 0 ? "," : "", ErrorJson(errors[i]));
  }
  absl::StrAppend(&json, "]}");
  return json;
}

// Prints the per-line errors (stderr, by line) and the summary, the
// command's result (stdout: text, or one JSON object with --json); returns
// the exit code.
int ReportIngest(const GlobalFlags& global, const v1::IngestProgress& response,
                 const IngestState& state, int64_t sent, double seconds,
                 const std::string& read_error, std::vector<LineError>& errors) {
  const int64_t malformed = static_cast<int64_t>(errors.size());
  AddRejections(response, state, errors);
  PrintLineErrors(errors, response.omitted_error_count());
  const int64_t rejected = malformed + response.errors_size() + response.omitted_error_count();
  const int64_t rate = std::llround(seconds > 0 ? static_cast<double>(sent) / seconds : 0);
  if (global.json) {
    std::cout << SummaryJson(response, rejected, seconds, rate, read_error, errors) << '\n';
  } else {
    std::cout << "indexed " << FormatCount(response.indexed_count()) << " new, "
              << FormatCount(response.updated_count()) << " updated, " << FormatCount(rejected)
              << " rejected in " << FormatFixed(seconds, 1) << " s (" << FormatCount(rate)
              << " articles/s), revision " << response.revision() << "\n";
  }
  return rejected > 0 || !read_error.empty() ? kExitRejected : kExitOk;
}

// After the stream: reports a read error, or a failed stream with how to
// resume, or else the summary; removes the finished checkpoint. Returns the
// exit code.
int FinishIngest(const GlobalFlags& global, const IngestFlags& flags,
                 const absl::StatusOr<v1::IngestProgress>& response, IngestState& state,
                 ArticleFeed& feed, double seconds, const std::string& read_error) {
  const bool from_stdin = flags.path == "-";
  const std::string name = from_stdin ? std::string("stdin") : flags.path;
  if (!read_error.empty()) std::cerr << "storyline: " << name << ": " << read_error << "\n";
  if (!response.ok()) {
    PrintLineErrors(feed.malformed(), 0);
    if (!from_stdin) {
      std::cerr << "storyline: committed through line " << state.committed_line()
                << "; send the rest with: storyline ingest " << flags.path << " --resume\n";
    }
    return ReportRpcError(response.status());
  }
  state.Remove();
  return ReportIngest(global, *response, state, feed.sent(), seconds, read_error, feed.malformed());
}

}  // namespace

int RunIngest(Client& client, const GlobalFlags& global, const IngestFlags& flags) {
  const bool from_stdin = flags.path == "-";
  InputFile input;
  if (!from_stdin) {
    if (std::string error = OpenInput(flags.path, &input); !error.empty()) {
      return ReportUsageError(absl::StrCat("ingest: ", error));
    }
  }
  absl::StatusOr<std::unique_ptr<IngestState>> state = StartCheckpoint(flags);
  if (!state.ok()) return ReportUsageError(std::string(state.status().message()));
  const int64_t skip = (*state)->committed_line();
  std::istream& in = from_stdin ? std::cin : input.file;

  const bool show_progress = !flags.no_progress && (flags.progress || IsTerminal(STDERR_FILENO));
  ProgressBar bar(show_progress, input.total_bytes);
  ReaderThread reader(in, /*may_block=*/from_stdin, skip, flags.ignore_unknown_fields);
  ArticleFeed feed(reader.queue(), bar, **state);
  if (skip > 0) std::cerr << "resuming after line " << skip << " (committed before)\n";

  const Clock::time_point start = Clock::now();
  const absl::StatusOr<v1::IngestProgress> response =
      StreamArticles(client, global, feed, bar, **state);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  reader.Stop();
  return FinishIngest(global, flags, response, **state, feed, seconds, reader.queue().read_error());
}

}  // namespace storyline::cli
