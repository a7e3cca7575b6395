// Deadline checks shared by the index's long operations (search, similar
// stories, recommendations, topic clusters, the semantic model build), so
// every one of them fails the same way when its time is up.
//
// Thread-safety: pure functions (they read the clock).
#ifndef STORYLINE_INDEX_DEADLINE_H_
#define STORYLINE_INDEX_DEADLINE_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace storyline::index {

// True once the clock is past `deadline`.
bool DeadlinePassed(absl::Time deadline);

// kDeadlineExceeded: "<what> did not finish before the deadline" (just "did
// not finish before the deadline" when `what` is empty).
absl::Status DeadlineError(absl::string_view what);

// OK until `deadline` has passed, then DeadlineError(what). For the checks
// between the steps of an operation.
absl::Status CheckDeadline(absl::Time deadline, absl::string_view what);

// Like CheckDeadline, but also fails at `deadline` itself: for the check
// before any work starts (a request whose deadline is now does nothing).
absl::Status CheckDeadlineBeforeStart(absl::Time deadline, absl::string_view what);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_DEADLINE_H_
