#include "bench/storyline_bench/load_engine.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <random>
#include <set>
#include <thread>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"

namespace storyline::bench {

namespace {

using Clock = std::chrono::steady_clock;

// A Sender that completes calls on the calling thread would make the closed
// loop recurse (done -> Issue -> Send -> done ...); past this depth the next
// call is handed to the driver thread instead.
constexpr int kMaxInlineDepth = 16;
thread_local int inline_depth = 0;

bool IsRejection(const CallOutcome& out) {
  return out.code == grpc::StatusCode::RESOURCE_EXHAUSTED && out.retry_after.has_value();
}

void Count(const CallOutcome& out, int64_t nanos, SecondStats& s) {
  if (out.code == grpc::StatusCode::OK) {
    s.ok_latency.Record(nanos);
  } else if (IsRejection(out)) {
    ++s.rejected;
  } else {
    ++s.errors;
  }
}

void Count(const CallOutcome& out, int64_t nanos, MethodStats& m) {
  if (out.code == grpc::StatusCode::OK) {
    m.ok_latency.Record(nanos);
  } else if (IsRejection(out)) {
    ++m.rejected;
  } else {
    ++m.errors[out.code];
  }
}

class LoadRun {
 public:
  LoadRun(Sender& sender, const RequestSet& requests, const LoadOptions& options)
      : sender_(sender), requests_(requests), options_(options) {
    start_ = Clock::now();
    measure_start_ = start_ + absl::ToChronoNanoseconds(options.warmup);
    end_ = measure_start_ + absl::ToChronoNanoseconds(options.duration);
    result_.warmup_seconds = absl::ToDoubleSeconds(options.warmup);
    result_.measured_seconds = absl::ToDoubleSeconds(options.duration);
  }

  RunResult Run() {
    std::thread reporter([this] { ReportSeconds(); });
    if (options_.rate > 0) {
      RunOpen();
    } else {
      RunClosed();
    }
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](int64_t* n) { return *n == 0; }, &outstanding_));
    }
    finished_.Notify();
    reporter.join();
    absl::MutexLock lock(&mu_);
    return std::move(result_);
  }

 private:
  // Open loop: one call per scheduled time, sent at that time or, if this
  // thread fell behind, as soon as it can; latency from the schedule.
  void RunOpen() {
    std::mt19937 rng(options_.seed);
    std::exponential_distribution<double> poisson_gap(options_.rate);
    // The first call goes at the start, so a window of D seconds at R/s
    // schedules R * D calls (uniform), not one fewer.
    for (Clock::time_point at = start_; at < end_; at += NextGap(rng, poisson_gap)) {
      std::this_thread::sleep_until(at);
      {
        absl::MutexLock lock(&mu_);
        ++outstanding_;
        if (at >= measure_start_) {
          result_.send_lag.Record(
              std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - at).count());
        }
      }
      const PreparedRequest& request = requests_.at(next_.fetch_add(1));
      sender_.Send(request, [this, &request, at](const CallOutcome& out) {
        Record(request.method, at, out);
        Release();
      });
    }
  }

  Clock::duration NextGap(std::mt19937& rng, std::exponential_distribution<double>& poisson_gap) {
    const double gap = options_.poisson ? poisson_gap(rng) : 1.0 / options_.rate;
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(gap));
  }

  // Closed loop: `concurrency` slots, each sending its next call when the
  // last one ends; a rejected slot waits out the retry delay first.
  void RunClosed() {
    const int slots = std::max(1, options_.concurrency);
    {
      absl::MutexLock lock(&mu_);
      outstanding_ = slots;
    }
    for (int i = 0; i < slots; ++i) Issue();
    DriveDelayedSlots();
  }

  void Issue() {
    const Clock::time_point sent = Clock::now();
    if (sent >= end_) return Release();
    const PreparedRequest& request = requests_.at(next_.fetch_add(1));
    sender_.Send(request, [this, &request, sent](const CallOutcome& out) {
      const Clock::time_point done = Record(request.method, sent, out);
      if (IsRejection(out) && options_.honor_retry_after) {
        std::uniform_real_distribution<double> jitter(0.8, 1.2);
        thread_local std::mt19937 rng(std::random_device{}());
        return Delay(done + absl::ToChronoNanoseconds(*out.retry_after * jitter(rng)));
      }
      if (inline_depth >= kMaxInlineDepth) return Delay(done);
      ++inline_depth;
      Issue();
      --inline_depth;
    });
  }

  // Parks a closed-loop slot until `until`; a slot that could only resume
  // after the end (or once the driver has stopped) is released instead.
  void Delay(Clock::time_point until) {
    absl::MutexLock lock(&mu_);
    if (until >= end_ || Clock::now() >= end_) {
      --outstanding_;
      return;
    }
    delayed_.insert(until);
  }

  // Issues each delayed slot when its time comes; at the end of the run,
  // releases those still waiting.
  void DriveDelayedSlots() {
    for (;;) {
      size_t due = 0;
      Clock::time_point wake = end_;
      {
        absl::MutexLock lock(&mu_);
        const Clock::time_point now = Clock::now();
        while (!delayed_.empty() && (*delayed_.begin() <= now || now >= end_)) {
          ++due;
          delayed_.erase(delayed_.begin());
        }
        if (!delayed_.empty()) wake = std::min(wake, *delayed_.begin());
        if (due == 0 && now >= end_) return;
      }
      for (size_t i = 0; i < due; ++i) Issue();
      if (due == 0) {
        std::this_thread::sleep_until(std::min(wake, Clock::now() + std::chrono::milliseconds(1)));
      }
    }
  }

  // Counts `out` of a call timed from `from`; returns the time it ended.
  Clock::time_point Record(Method method, Clock::time_point from, const CallOutcome& out) {
    const Clock::time_point done = Clock::now();
    const int64_t nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(done - from).count();
    const size_t second = static_cast<size_t>(
        std::chrono::duration_cast<std::chrono::seconds>(done - start_).count());
    absl::MutexLock lock(&mu_);
    if (result_.seconds.size() <= second) result_.seconds.resize(second + 1);
    Count(out, nanos, result_.seconds[second]);
    if (from >= measure_start_) Count(out, nanos, result_.per_method[static_cast<int>(method)]);
    return done;
  }

  void Release() {
    absl::MutexLock lock(&mu_);
    --outstanding_;
  }

  // Once a second, hands the second just ended to options_.on_second.
  void ReportSeconds() {
    if (!options_.on_second) return;
    for (int k = 1;; ++k) {
      const auto tick = start_ + std::chrono::seconds(k);
      if (finished_.WaitForNotificationWithTimeout(absl::FromChrono(tick - Clock::now()))) return;
      SecondStats s;
      {
        absl::MutexLock lock(&mu_);
        if (result_.seconds.size() >= static_cast<size_t>(k)) s = result_.seconds[k - 1];
      }
      const bool warmup = std::chrono::seconds(k - 1) < measure_start_ - start_;
      options_.on_second(k, warmup, s);
    }
  }

  Sender& sender_;
  const RequestSet& requests_;
  const LoadOptions options_;
  Clock::time_point start_, measure_start_, end_;
  std::atomic<uint64_t> next_{0};
  absl::Notification finished_;
  absl::Mutex mu_;
  RunResult result_ ABSL_GUARDED_BY(mu_);
  int64_t outstanding_ ABSL_GUARDED_BY(mu_) = 0;  // open: calls; closed: live slots
  std::multiset<Clock::time_point> delayed_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

RunResult RunLoad(Sender& sender, const RequestSet& requests, const LoadOptions& options) {
  LoadRun run(sender, requests, options);
  return run.Run();
}

}  // namespace storyline::bench
