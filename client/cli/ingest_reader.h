// The reader side of `storyline ingest`: a thread that reads the JSONL
// input line by line, parses it and hands batches of articles (and of
// malformed lines) to the gRPC stream through a bounded queue, so JSON
// parsing overlaps with sending and the file is never held in memory.
//
// Thread-safety: BatchQueue is thread-safe for one producer (the reader
// thread) and one consumer; ReaderThread is used by one thread.
#ifndef STORYLINE_CLIENT_CLI_INGEST_READER_H_
#define STORYLINE_CLIENT_CLI_INGEST_READER_H_

#include <cstdint>
#include <deque>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "storyline/v1/article.pb.h"

namespace storyline::cli {

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
  bool Push(Batch batch);

  // Producer. No more batches will come; `read_error` is empty unless the
  // input could not be read to the end.
  void Close(std::string read_error);

  // Consumer. The next batch, or nullopt once the queue is closed and empty.
  std::optional<Batch> Pop();

  // Consumer. Stops the producer: its pending and future Push calls fail.
  void Cancel();

  bool closed() const;
  std::string read_error() const;

 private:
  mutable absl::Mutex mu_;
  std::deque<Batch> batches_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  std::string read_error_ ABSL_GUARDED_BY(mu_);
};

// Reads `in` to the end (or until `queue` is cancelled), skipping lines up
// to `skip_through_line` (--resume), and hands batches to `queue`; then
// closes it. Malformed and oversized lines (and, unless
// `ignore_unknown_fields`, lines with a field Article lacks) go in the
// batches' `errors` as "line N: reason". The body of ReaderThread's thread.
void ReadArticles(std::istream& in, BatchQueue& queue, int64_t skip_through_line,
                  bool ignore_unknown_fields);

// Runs ReadArticles on its own thread. The destructor stops and reaps the
// thread, so no return (or exception) path can destroy a joinable
// std::thread, which would terminate the process.
class ReaderThread {
 public:
  // `in` must outlive this object; `may_block` is true for stdin, whose
  // reads can wait indefinitely on a slow producer or a terminal.
  ReaderThread(std::istream& in, bool may_block, int64_t skip_through_line,
               bool ignore_unknown_fields);

  ReaderThread(const ReaderThread&) = delete;
  ReaderThread& operator=(const ReaderThread&) = delete;

  ~ReaderThread() { Stop(); }

  BatchQueue& queue() { return *queue_; }

  // Cancels the reader and waits for it, except that a reader which may be
  // blocked in a read of stdin is detached instead: waiting could hang,
  // and it holds its own reference to the queue while std::cin lives until
  // exit, so it can finish on its own.
  void Stop();

 private:
  const std::shared_ptr<BatchQueue> queue_;
  const bool may_block_;
  std::thread thread_;  // declared last: it starts once the others exist
};

}  // namespace storyline::cli

#endif  // STORYLINE_CLIENT_CLI_INGEST_READER_H_
