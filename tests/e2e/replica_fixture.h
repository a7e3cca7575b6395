// Shared set-up of the read-replica integration tests: a writer publishing
// its shards (--replication_listen) on a free loopback port, replicas
// pulling from it (--read_only --replicate_from), and polling helpers that
// wait for an event up to a deadline instead of sleeping.
#ifndef STORYLINE_TESTS_E2E_REPLICA_FIXTURE_H_
#define STORYLINE_TESTS_E2E_REPLICA_FIXTURE_H_

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storyline/client.h"
#include "tests/testing/loopback_port.h"
#include "tests/testing/test_server.h"

namespace storyline::testing {

// Calls `done` every 50 ms until it returns true or `timeout` passes;
// returns whether it did.
inline bool WaitUntil(const std::function<bool()>& done,
                      absl::Duration timeout = absl::Seconds(30)) {
  const absl::Time give_up = absl::Now() + timeout;
  while (absl::Now() < give_up) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return done();
}

inline std::unique_ptr<TestServer> StartWriter(int replication_port,
                                               std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {
      std::string("--seed_jsonl=") + STORYLINE_DEMO_JSONL,
      absl::StrCat("--replication_listen=127.0.0.1:", replication_port), "--semantic_rank=0"};
  args.insert(args.end(), extra.begin(), extra.end());
  return std::make_unique<TestServer>(args, /*capture_log=*/true);
}

inline std::unique_ptr<TestServer> StartReplica(int replication_port,
                                                std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {
      "--read_only", absl::StrCat("--replicate_from=127.0.0.1:", replication_port),
      "--replica_sync_interval_ms=200", "--semantic_rank=0", "--log_level=info"};
  args.insert(args.end(), extra.begin(), extra.end());
  return std::make_unique<TestServer>(args, /*capture_log=*/true);
}

inline Client ClientFor(const std::string& target) {
  return Client({.target = target, .default_deadline = absl::Seconds(10)});
}

// The replica's stats once its revision reached `revision`; false on
// timeout.
inline bool WaitForRevision(Client& replica, uint64_t revision,
                            absl::Duration timeout = absl::Seconds(30)) {
  return WaitUntil(
      [&] {
        absl::StatusOr<v1::IndexStats> stats = replica.GetIndexStats();
        return stats.ok() && stats->revision() >= revision;
      },
      timeout);
}

}  // namespace storyline::testing

#endif  // STORYLINE_TESTS_E2E_REPLICA_FIXTURE_H_
