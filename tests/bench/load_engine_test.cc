// The load engine against fake senders: what it counts (OK, rejections,
// errors by code, warm-up left out), the closed loop's concurrency, the
// open loop's rate, and coordinated omission: a stall in sending shows in
// the open loop's percentiles because latency runs from scheduled times.
#include "bench/storyline_bench/load_engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "bench/storyline_bench/run_report.h"

namespace storyline::bench {
namespace {

using std::chrono::milliseconds;

RequestSet SearchRequests() {
  WorkloadSource src{.queries = {"interest rates", "central bank"}, .ids = {"a1", "a2"}};
  return *RequestSet::Build(src, {{Method::kSearch, 1}}, {}, 42, 16);
}

// Answers every call at once, on the calling thread, with `outcome`; once,
// at call number `stall_at`, it first blocks for `stall` (a sender stuck,
// as on a full socket).
class InlineSender : public Sender {
 public:
  explicit InlineSender(CallOutcome outcome = {}, int stall_at = -1,
                        milliseconds stall = milliseconds(0))
      : outcome_(outcome), stall_at_(stall_at), stall_(stall) {}
  void Send(const PreparedRequest&, std::function<void(const CallOutcome&)> done) override {
    if (calls_++ == stall_at_) std::this_thread::sleep_for(stall_);
    done(outcome_);
  }
  int calls() const { return calls_; }

 private:
  CallOutcome outcome_;
  int stall_at_;
  milliseconds stall_;
  std::atomic<int> calls_{0};
};

// Answers each call `delay` after it was sent, from a thread of its own,
// and records the most calls it ever held at once.
class DelayedSender : public Sender {
 public:
  explicit DelayedSender(milliseconds delay) : delay_(delay), worker_([this] { Work(); }) {}
  ~DelayedSender() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }
  void Send(const PreparedRequest&, std::function<void(const CallOutcome&)> done) override {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back({std::chrono::steady_clock::now() + delay_, std::move(done)});
    max_held_ = std::max(max_held_, queue_.size());
    cv_.notify_all();
  }
  size_t max_held() {
    std::lock_guard<std::mutex> lock(mu_);
    return max_held_;
  }

 private:
  struct Pending {
    std::chrono::steady_clock::time_point due;
    std::function<void(const CallOutcome&)> done;
  };
  void Work() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_ || !queue_.empty()) {
      if (queue_.empty()) {
        cv_.wait(lock);
        continue;
      }
      if (cv_.wait_until(lock, queue_.front().due) == std::cv_status::no_timeout) continue;
      Pending p = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      p.done(CallOutcome{});
      lock.lock();
    }
  }
  milliseconds delay_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  size_t max_held_ = 0;
  bool stop_ = false;
  std::thread worker_;
};

const MethodStats& Search(const RunResult& r) {
  return r.per_method[static_cast<int>(Method::kSearch)];
}

TEST(LoadEngineTest, ClosedLoopCountsOkCallsAfterTheWarmUp) {
  InlineSender sender;
  const RunResult r = RunLoad(
      sender, SearchRequests(),
      {.concurrency = 2, .duration = absl::Milliseconds(300), .warmup = absl::Milliseconds(200)});
  EXPECT_GT(Search(r).ok(), 0u);
  EXPECT_LT(Search(r).ok(), static_cast<uint64_t>(sender.calls()));  // the warm-up's left out
  EXPECT_EQ(r.Overall().error_count(), 0u);
  EXPECT_EQ(r.per_method[static_cast<int>(Method::kGet)].calls(), 0u);
}

TEST(LoadEngineTest, FailuresAreCountedByCodeAndRejectionsApart) {
  InlineSender unavailable({.code = grpc::StatusCode::UNAVAILABLE});
  RunResult r = RunLoad(unavailable, SearchRequests(),
                        {.concurrency = 1, .duration = absl::Milliseconds(100), .warmup = {}});
  EXPECT_EQ(Search(r).ok(), 0u);
  EXPECT_GT(Search(r).errors.at(grpc::StatusCode::UNAVAILABLE), 0u);
  EXPECT_EQ(Search(r).rejected, 0u);

  InlineSender rejecting(
      {.code = grpc::StatusCode::RESOURCE_EXHAUSTED, .retry_after = absl::Milliseconds(1)});
  r = RunLoad(rejecting, SearchRequests(),
              {.concurrency = 1, .duration = absl::Milliseconds(100), .warmup = {}});
  EXPECT_GT(Search(r).rejected, 0u);
  EXPECT_EQ(Search(r).error_count(), 0u);
  // A rejected slot waits the retry delay: far fewer calls than inline ones.
  EXPECT_LT(Search(r).rejected, 150u);

  InlineSender exhausted({.code = grpc::StatusCode::RESOURCE_EXHAUSTED});  // no retry delay
  r = RunLoad(exhausted, SearchRequests(),
              {.concurrency = 1, .duration = absl::Milliseconds(50), .warmup = {}});
  EXPECT_EQ(Search(r).rejected, 0u);
  EXPECT_GT(Search(r).errors.at(grpc::StatusCode::RESOURCE_EXHAUSTED), 0u);
}

TEST(LoadEngineTest, ClosedLoopKeepsConcurrencyCallsOutstanding) {
  DelayedSender sender(milliseconds(5));
  const RunResult r =
      RunLoad(sender, SearchRequests(),
              {.concurrency = 4, .duration = absl::Milliseconds(300), .warmup = {}});
  EXPECT_EQ(sender.max_held(), 4u);
  EXPECT_GE(Search(r).ok_latency.ValueAtQuantile(0.5), 5'000'000);
  // 4 slots of ~5 ms calls for 0.3 s: about 240 calls, never more.
  EXPECT_LE(Search(r).ok(), 4u * 300 / 5 + 4);
  EXPECT_GT(Search(r).ok(), 4u * 300 / 5 / 3);
}

TEST(LoadEngineTest, OpenLoopSendsAtTheOfferedRate) {
  InlineSender sender;
  const RunResult r =
      RunLoad(sender, SearchRequests(),
              {.rate = 400, .poisson = false, .duration = absl::Milliseconds(1000), .warmup = {}});
  // 0, 2.5, ..., 997.5 ms: exactly 400 calls in the 1 s window.
  EXPECT_EQ(Search(r).ok(), 400u);
}

// Coordinated omission: at 1,000/s, the sender stalls 200 ms once. The
// ~200 requests scheduled during the stall go out late; counted from their
// scheduled times, the top latencies are 200, 199, 198 ... ms, so p99.9
// (the 3rd largest of ~2,000) is near 200 ms. Counted from the actual send,
// only the one stalled call would be slow and p99.9 would be well under.
TEST(LoadEngineTest, OpenLoopLatencyRunsFromTheScheduleSoAStallShows) {
  InlineSender sender({}, /*stall_at=*/500, milliseconds(200));
  const RunResult r =
      RunLoad(sender, SearchRequests(),
              {.rate = 1000, .poisson = false, .duration = absl::Seconds(2), .warmup = {}});
  const LatencyHistogram& h = Search(r).ok_latency;
  EXPECT_GE(h.max(), 200'000'000);
  EXPECT_GE(h.ValueAtQuantile(0.999), 190'000'000) << FormatRunTable(r);
  EXPECT_GE(h.ValueAtQuantile(0.99), 150'000'000) << FormatRunTable(r);
  // The sender's stall is the client's own lateness, and is reported so.
  EXPECT_GE(r.send_lag.max(), 190'000'000);
  EXPECT_EQ(r.send_lag.count(), h.count());
}

TEST(LoadEngineTest, EachSecondIsReported) {
  InlineSender sender;
  std::vector<std::pair<int, bool>> seen;
  RunLoad(sender, SearchRequests(),
          {.rate = 100,
           .duration = absl::Milliseconds(1500),
           .warmup = absl::Seconds(1),
           .on_second = [&](int second, bool warmup, const SecondStats&) {
             seen.emplace_back(second, warmup);
           }});
  ASSERT_GE(seen.size(), 2u);
  EXPECT_EQ(seen[0], std::make_pair(1, true));
  EXPECT_EQ(seen[1], std::make_pair(2, false));
}

}  // namespace
}  // namespace storyline::bench
