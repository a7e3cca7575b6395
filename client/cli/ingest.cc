#include "client/cli/ingest.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "client/cli/ingest_checkpoint.h"
#include "client/cli/progress_bar.h"

namespace storyline::cli {
namespace {

using Clock = std::chrono::steady_clock;

// gRPC servers refuse messages over 4 MiB unless configured otherwise, and
// one refused message fails the whole stream. Oversized articles are
// therefore rejected here, as one bad line, before they are sent.
constexpr size_t kMaxArticleBytes = size_t{4} << 20;
// Lines handed from the reader thread to the stream at a time: large enough
// that locking is negligible, small enough that progress stays smooth.
constexpr size_t kBatchLines = 128;
// Bound on parsed-but-unsent batches, so a slow server throttles reading
// instead of the whole file ending up in memory.
constexpr size_t kMaxQueuedBatches = 8;
constexpr size_t kReadBufferBytes = size_t{1} << 20;
constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";

// A line that was not indexed.
struct LineError {
  int64_t line = 0;  // 1-based; 0 if the server named a position we never sent
  std::string id;
  std::string reason;
};

// Consecutive input lines, parsed.
struct Batch {
  std::vector<v1::Article> articles;
  std::vector<int64_t> lines;     // the line number of each article
  std::vector<LineError> errors;  // malformed lines, not to be sent
  uint64_t bytes_end = 0;         // input bytes consumed through this batch
};

// Single-producer, single-consumer queue from the reader thread to the
// gRPC stream.
class BatchQueue {
 public:
  // Producer. Blocks while the queue is full; false once Cancel() was called.
  bool Push(Batch batch) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return cancelled_ || batches_.size() < kMaxQueuedBatches; });
    if (cancelled_) return false;
    batches_.push_back(std::move(batch));
    cv_.notify_all();
    return true;
  }

  // Producer. No more batches will come; `read_error` is empty unless the
  // input could not be read to the end.
  void Close(std::string read_error) {
    std::lock_guard lock(mu_);
    closed_ = true;
    read_error_ = std::move(read_error);
    cv_.notify_all();
  }

  // Consumer. The next batch, or nullopt once the queue is closed and empty.
  std::optional<Batch> Pop() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return closed_ || !batches_.empty(); });
    if (batches_.empty()) return std::nullopt;
    Batch batch = std::move(batches_.front());
    batches_.pop_front();
    cv_.notify_all();
    return batch;
  }

  // Consumer. Stops the producer: its pending and future Push calls fail.
  void Cancel() {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    batches_.clear();
    cv_.notify_all();
  }

  bool closed() const {
    std::lock_guard lock(mu_);
    return closed_;
  }

  std::string read_error() const {
    std::lock_guard lock(mu_);
    return read_error_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> batches_;  // guarded by mu_
  bool closed_ = false;        // guarded by mu_
  bool cancelled_ = false;     // guarded by mu_
  std::string read_error_;     // guarded by mu_
};

// Body of the reader thread: reads `in` line by line, parses each line and
// hands batches to `queue`. The line buffer is reused, so the only per-line
// allocations are the parsed Article's own.
void ReadArticles(std::istream& in, BatchQueue& queue, int64_t skip_through_line) {
  std::string line;
  int64_t line_number = 0;
  uint64_t bytes = 0;
  Batch batch;
  std::string read_error;
  try {
    while (std::getline(in, line)) {
      ++line_number;
      bytes += line.size() + 1;
      if (line_number <= skip_through_line) continue;  // --resume: committed already
      absl::string_view text = line;
      if (line_number == 1) absl::ConsumePrefix(&text, kUtf8Bom);
      // Also drops the '\r' of CRLF files.
      text = absl::StripAsciiWhitespace(text);
      if (!text.empty()) {
        absl::StatusOr<v1::Article> article = ParseArticleJson(text);
        if (!article.ok()) {
          batch.errors.push_back(
              {line_number, "", std::string(FirstLine(article.status().message()))});
        } else if (const size_t size = article->ByteSizeLong(); size > kMaxArticleBytes) {
          batch.errors.push_back(
              {line_number, article->id(),
               absl::StrCat("article is ", size, " bytes encoded; the limit is ", kMaxArticleBytes,
                            " (gRPC's default message size)")});
        } else {
          batch.articles.push_back(std::move(*article));
          batch.lines.push_back(line_number);
        }
      }
      const size_t pending = batch.articles.size() + batch.errors.size();
      // Also hand over a partial batch when the next read would wait for
      // input (a slow pipe or a terminal): in_avail() is only <= 0 when the
      // buffer is drained and the OS has nothing ready. Holding articles
      // back would stall the stream, and its errors, behind the producer.
      if (pending >= kBatchLines || (pending > 0 && in.rdbuf()->in_avail() <= 0)) {
        batch.bytes_end = bytes;
        if (!queue.Push(std::exchange(batch, Batch()))) return;
      }
    }
    if (in.bad()) {
      read_error = absl::StrCat("read error after line ", line_number, ": ", std::strerror(errno));
    }
  } catch (const std::exception& e) {
    // std::bad_alloc on an enormous line, for example. Report it like a
    // read error rather than letting the thread terminate the process.
    read_error = absl::StrCat("cannot read line ", line_number + 1, ": ", e.what());
  }
  batch.bytes_end = bytes;
  if (!queue.Push(std::move(batch))) return;
  queue.Close(std::move(read_error));
}

// Runs ReadArticles on its own thread. The destructor stops and reaps the
// thread, so no return (or exception) path can destroy a joinable
// std::thread, which would terminate the process.
class ReaderThread {
 public:
  // `in` must outlive this object; `may_block` is true for stdin, whose
  // reads can wait indefinitely on a slow producer or a terminal.
  ReaderThread(std::istream& in, bool may_block, int64_t skip_through_line)
      : queue_(std::make_shared<BatchQueue>()),
        may_block_(may_block),
        thread_([queue = queue_, input = &in, skip_through_line] {
          ReadArticles(*input, *queue, skip_through_line);
        }) {}

  ReaderThread(const ReaderThread&) = delete;
  ReaderThread& operator=(const ReaderThread&) = delete;

  ~ReaderThread() { Stop(); }

  BatchQueue& queue() { return *queue_; }

  // Cancels the reader and waits for it, except that a reader which may be
  // blocked in a read of stdin is detached instead: waiting could hang,
  // and it holds its own reference to the queue while std::cin lives until
  // exit, so it can finish on its own.
  void Stop() {
    if (!thread_.joinable()) return;
    queue_->Cancel();
    if (may_block_ && !queue_->closed()) {
      thread_.detach();
    } else {
      thread_.join();
    }
  }

 private:
  const std::shared_ptr<BatchQueue> queue_;
  const bool may_block_;
  std::thread thread_;  // declared last: it starts once the others exist
};

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

}  // namespace

// Where an ingest of a file stands: the checkpoint it keeps up to date
// from the acknowledgement thread, and the stream positions' lines.
class IngestState {
 public:
  IngestState(std::string file, IngestCheckpoint start)
      : file_(std::move(file)), checkpoint_(std::move(start)) {}

  void Sent(int64_t position, int64_t line) {
    std::lock_guard<std::mutex> lock(mu_);
    lines_.Add(position, line);
  }
  std::optional<int64_t> LineOf(int64_t position) const {
    std::lock_guard<std::mutex> lock(mu_);
    return lines_.LineOf(position);
  }
  // On the acknowledgement thread: records the line committed through.
  void Acknowledged(const v1::IngestProgress& progress) {
    std::lock_guard<std::mutex> lock(mu_);
    const std::optional<int64_t> line = lines_.LineOf(progress.committed_through());
    if (!line.has_value() || *line <= checkpoint_.line) return;
    checkpoint_.line = *line;
    Save();
  }
  int64_t committed_line() const {
    std::lock_guard<std::mutex> lock(mu_);
    return checkpoint_.line;
  }
  void Save() {  // mu_ held
    if (file_.empty()) return;
    if (absl::Status s = SaveCheckpoint(file_, checkpoint_); !s.ok() && !warned_) {
      std::cerr << "storyline: " << s.message() << " (--resume will not work)\n";
      warned_ = true;
    }
  }
  void SaveNow() {
    std::lock_guard<std::mutex> lock(mu_);
    Save();
  }
  void Remove() {
    if (!file_.empty()) std::remove(file_.c_str());
  }

 private:
  const std::string file_;  // "" for stdin: no checkpoint
  mutable std::mutex mu_;
  IngestCheckpoint checkpoint_;  // guarded by mu_
  LineMap lines_;                // guarded by mu_
  bool warned_ = false;          // guarded by mu_
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

// Opens `path` with a large buffer; "" on success, else what went wrong.
std::string OpenInput(const std::string& path, std::ifstream& file, std::unique_ptr<char[]>& buffer,
                      uint64_t* total_bytes) {
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::is_directory(status)) return absl::StrCat(path, " is a directory");
  // Only a regular file has a size to measure progress against; for pipes
  // and devices (e.g. <(zcat ...)) there is no ETA.
  if (!ec && std::filesystem::is_regular_file(status)) {
    const uintmax_t size = std::filesystem::file_size(path, ec);
    if (!ec) *total_bytes = size;
  }
  // libstdc++ only honours pubsetbuf before open().
  buffer = std::make_unique<char[]>(kReadBufferBytes);
  file.rdbuf()->pubsetbuf(buffer.get(), kReadBufferBytes);
  file.open(path, std::ios::in | std::ios::binary);
  if (!file.is_open()) return absl::StrCat("cannot open ", path, ": ", std::strerror(errno));
  return "";
}

// Prints the per-line errors and the summary; returns the exit code.
int ReportIngest(const GlobalFlags& global, const v1::IngestProgress& response,
                 const IngestState& state, int64_t sent, int64_t malformed, double seconds,
                 const std::string& read_error, std::vector<LineError>& json_errors) {
  for (const v1::IndexError& error : response.errors()) {
    const std::optional<int64_t> line = state.LineOf(error.position());
    std::string where = line.has_value() ? absl::StrCat("line ", *line)
                                         : absl::StrCat("position ", error.position());
    if (!error.id().empty()) absl::StrAppend(&where, " (id ", Sanitize(error.id()), ")");
    std::cerr << where << ": " << Sanitize(error.reason()) << "\n";
    if (global.json) json_errors.push_back({line.value_or(0), error.id(), error.reason()});
  }
  if (response.omitted_error_count() > 0) {
    std::cerr << "... and " << FormatCount(response.omitted_error_count())
              << " more rejected articles the server did not list\n";
  }
  const int64_t rejected = malformed + response.errors_size() + response.omitted_error_count();
  const double rate = seconds > 0 ? static_cast<double>(sent) / seconds : 0;
  std::cerr << "indexed " << FormatCount(response.indexed_count()) << " new, "
            << FormatCount(response.updated_count()) << " updated, " << FormatCount(rejected)
            << " rejected in " << FormatFixed(seconds, 1) << " s ("
            << FormatCount(std::llround(rate)) << " articles/s), revision " << response.revision()
            << "\n";
  if (global.json) {
    std::string json = absl::StrCat(
        "{\"indexed_count\":", response.indexed_count(),
        ",\"updated_count\":", response.updated_count(), ",\"rejected_count\":", rejected,
        ",\"revision\":", response.revision(), ",\"seconds\":", FormatFixed(seconds, 3),
        ",\"articles_per_second\":", std::llround(rate));
    if (!read_error.empty()) absl::StrAppend(&json, ",\"read_error\":", JsonQuote(read_error));
    absl::StrAppend(&json, ",\"errors\":[");
    for (size_t i = 0; i < json_errors.size(); ++i) {
      absl::StrAppend(&json, i > 0 ? "," : "", ErrorJson(json_errors[i]));
    }
    absl::StrAppend(&json, "]}");
    std::cout << json << '\n';
  }
  return rejected > 0 || !read_error.empty() ? kExitRejected : kExitOk;
}

int RunIngest(Client& client, const GlobalFlags& global, const IngestFlags& flags) {
  const bool from_stdin = flags.path == "-";
  const std::string name = from_stdin ? std::string("stdin") : flags.path;
  std::ifstream file;
  std::unique_ptr<char[]> file_buffer;
  uint64_t total_bytes = 0;
  if (!from_stdin) {
    if (std::string error = OpenInput(flags.path, file, file_buffer, &total_bytes);
        !error.empty()) {
      return ReportUsageError(absl::StrCat("ingest: ", error));
    }
  }
  absl::StatusOr<std::unique_ptr<IngestState>> state = StartCheckpoint(flags);
  if (!state.ok()) return ReportUsageError(std::string(state.status().message()));
  const int64_t skip = (*state)->committed_line();
  std::istream& in = from_stdin ? std::cin : file;

  const bool show_progress = !flags.no_progress && (flags.progress || IsTerminal(STDERR_FILENO));
  ProgressBar bar(show_progress, total_bytes);
  ReaderThread reader(in, /*may_block=*/from_stdin, skip);
  BatchQueue& queue = reader.queue();

  // State of the ArticleSource; only the gRPC calling thread touches it.
  Batch current;
  size_t next_in_batch = 0;
  int64_t sent = 0;
  int64_t malformed = 0;
  uint64_t bytes_done = 0;
  std::vector<LineError> json_errors;  // only kept for --json output

  const Client::ArticleSource source = [&](v1::Article* out) -> bool {
    while (next_in_batch >= current.articles.size()) {
      std::optional<Batch> batch = queue.Pop();
      if (!batch.has_value()) {
        bar.Finish(sent, bytes_done);
        return false;
      }
      current = std::move(*batch);
      next_in_batch = 0;
      bytes_done = current.bytes_end;
      for (LineError& error : current.errors) {
        bar.Clear();
        std::cerr << "line " << error.line;
        if (!error.id.empty()) std::cerr << " (id " << Sanitize(error.id) << ")";
        std::cerr << ": " << Sanitize(error.reason) << "\n";
        ++malformed;
        if (global.json) json_errors.push_back(std::move(error));
      }
    }
    (*state)->Sent(sent, current.lines[next_in_batch]);
    *out = std::move(current.articles[next_in_batch]);
    ++next_in_batch;
    ++sent;
    bar.Update(sent, bytes_done);
    return true;
  };

  Client::CallOptions call;
  if (global.deadline_given) call.deadline = absl::Seconds(global.deadline_seconds);
  if (skip > 0) std::cerr << "resuming after line " << skip << " (committed before)\n";

  const Clock::time_point start = Clock::now();
  absl::StatusOr<v1::IngestProgress> response = TimedCall(global, "ingest", [&] {
    absl::StatusOr<v1::IngestProgress> result = client.IngestArticles(
        source, [&](const v1::IngestProgress& p) { (*state)->Acknowledged(p); }, call);
    bar.Clear();
    return result;
  });
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  reader.Stop();

  const std::string read_error = queue.read_error();
  if (!read_error.empty()) std::cerr << "storyline: " << name << ": " << read_error << "\n";
  if (!response.ok()) {
    if (!from_stdin) {
      std::cerr << "storyline: committed through line " << (*state)->committed_line()
                << "; send the rest with: storyline ingest " << flags.path << " --resume\n";
    }
    return ReportRpcError(response.status());
  }
  (*state)->Remove();
  return ReportIngest(global, *response, **state, sent, malformed, seconds, read_error,
                      json_errors);
}

}  // namespace storyline::cli
