#include "index/deadline.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace storyline::index {

bool DeadlinePassed(absl::Time deadline) { return absl::Now() > deadline; }

absl::Status DeadlineError(absl::string_view what) {
  if (what.empty()) return absl::DeadlineExceededError("did not finish before the deadline");
  return absl::DeadlineExceededError(absl::StrCat(what, " did not finish before the deadline"));
}

absl::Status CheckDeadline(absl::Time deadline, absl::string_view what) {
  return DeadlinePassed(deadline) ? DeadlineError(what) : absl::OkStatus();
}

absl::Status CheckDeadlineBeforeStart(absl::Time deadline, absl::string_view what) {
  return absl::Now() >= deadline ? DeadlineError(what) : absl::OkStatus();
}

}  // namespace storyline::index
