// Polling a server's health in integration tests.
#ifndef STORYLINE_TESTS_TESTING_HEALTH_WAIT_H_
#define STORYLINE_TESTS_TESTING_HEALTH_WAIT_H_

#include <string>

#include "absl/time/clock.h"
#include "storyline/client.h"

namespace storyline::testing {

// Waits until `service`'s health is `serving`; false if `timeout` passes first.
inline bool WaitForHealth(Client& client, const std::string& service, bool serving,
                          absl::Duration timeout) {
  const absl::Time give_up = absl::Now() + timeout;
  while (absl::Now() < give_up) {
    if (client.CheckHealth(service).ok() == serving) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

}  // namespace storyline::testing

#endif  // STORYLINE_TESTS_TESTING_HEALTH_WAIT_H_
