#include "client/cli/ingest_reader.h"

#include <cerrno>
#include <cstring>
#include <exception>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "client/cli/article_json.h"
#include "client/cli/output.h"
#include "common/article_jsonl.h"

namespace storyline::cli {
namespace {

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
// Appends the reader's current (non-blank) line to `batch`: its article,
// or why it is not one.
void AddLine(const common::JsonlArticleReader& reader, bool ignore_unknown_fields, Batch* batch) {
  absl::StatusOr<v1::Article> article = ParseArticleLine(reader.text(), ignore_unknown_fields);
  if (!article.ok()) {
    batch->errors.push_back({reader.line_number(), "", std::string(article.status().message())});
  } else if (const size_t size = article->ByteSizeLong(); size > kMaxArticleBytes) {
    batch->errors.push_back({reader.line_number(), article->id(),
                             absl::StrCat("article is ", size, " bytes encoded; the limit is ",
                                          kMaxArticleBytes, " (gRPC's default message size)")});
  } else {
    batch->articles.push_back(std::move(*article));
    batch->lines.push_back(reader.line_number());
  }
}

}  // namespace

// The line buffer is reused, so the only per-line allocations are the
// parsed Article's own.
void ReadArticles(std::istream& in, BatchQueue& queue, int64_t skip_through_line,
                  bool ignore_unknown_fields) {
  common::JsonlArticleReader reader(in);
  Batch batch;
  std::string read_error;
  try {
    while (reader.NextLine()) {
      if (reader.line_number() <= skip_through_line) continue;  // --resume: committed already
      if (!reader.blank()) AddLine(reader, ignore_unknown_fields, &batch);
      const size_t pending = batch.articles.size() + batch.errors.size();
      // Also hand over a partial batch when the next read would wait for
      // input (a slow pipe or a terminal): in_avail() is only <= 0 when the
      // buffer is drained and the OS has nothing ready. Holding articles
      // back would stall the stream, and its errors, behind the producer.
      if (pending >= kBatchLines || (pending > 0 && in.rdbuf()->in_avail() <= 0)) {
        batch.bytes_end = reader.bytes_read();
        if (!queue.Push(std::exchange(batch, Batch()))) return;
      }
    }
    if (in.bad()) {
      read_error =
          absl::StrCat("read error after line ", reader.line_number(), ": ", std::strerror(errno));
    }
  } catch (const std::exception& e) {
    // std::bad_alloc on an enormous line, for example. Report it like a
    // read error rather than letting the thread terminate the process.
    read_error = absl::StrCat("cannot read line ", reader.line_number() + 1, ": ", e.what());
  }
  batch.bytes_end = reader.bytes_read();
  if (!queue.Push(std::move(batch))) return;
  queue.Close(std::move(read_error));
}

bool BatchQueue::Push(Batch batch) {
  absl::MutexLock lock(&mu_);
  auto room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return cancelled_ || batches_.size() < kMaxQueuedBatches;
  };
  mu_.Await(absl::Condition(&room));
  if (cancelled_) return false;
  batches_.push_back(std::move(batch));
  return true;
}

void BatchQueue::Close(std::string read_error) {
  absl::MutexLock lock(&mu_);
  closed_ = true;
  read_error_ = std::move(read_error);
}

std::optional<Batch> BatchQueue::Pop() {
  absl::MutexLock lock(&mu_);
  auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return closed_ || !batches_.empty(); };
  mu_.Await(absl::Condition(&ready));
  if (batches_.empty()) return std::nullopt;
  Batch batch = std::move(batches_.front());
  batches_.pop_front();
  return batch;
}

void BatchQueue::Cancel() {
  absl::MutexLock lock(&mu_);
  cancelled_ = true;
  batches_.clear();
}

bool BatchQueue::closed() const {
  absl::MutexLock lock(&mu_);
  return closed_;
}

std::string BatchQueue::read_error() const {
  absl::MutexLock lock(&mu_);
  return read_error_;
}

ReaderThread::ReaderThread(std::istream& in, bool may_block, int64_t skip_through_line,
                           bool ignore_unknown_fields)
    : queue_(std::make_shared<BatchQueue>()),
      may_block_(may_block),
      thread_([queue = queue_, input = &in, skip_through_line, ignore_unknown_fields] {
        ReadArticles(*input, *queue, skip_through_line, ignore_unknown_fields);
      }) {}

void ReaderThread::Stop() {
  if (!thread_.joinable()) return;
  queue_->Cancel();
  if (may_block_ && !queue_->closed()) {
    thread_.detach();
  } else {
    thread_.join();
  }
}

}  // namespace storyline::cli
