// Tests for index/deadline.
#include "index/deadline.h"

#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "tests/testing/status_matchers.h"

namespace storyline::index {
namespace {

using ::storyline::testing::IsOk;
using ::storyline::testing::StatusIs;

TEST(DeadlineTest, PassedOnlyAfterTheDeadline) {
  EXPECT_TRUE(DeadlinePassed(absl::InfinitePast()));
  EXPECT_TRUE(DeadlinePassed(absl::Now() - absl::Seconds(1)));
  EXPECT_FALSE(DeadlinePassed(absl::Now() + absl::Hours(1)));
  EXPECT_FALSE(DeadlinePassed(absl::InfiniteFuture()));
}

TEST(DeadlineTest, ErrorNamesWhatDidNotFinish) {
  EXPECT_THAT(DeadlineError("search"), StatusIs(absl::StatusCode::kDeadlineExceeded,
                                                "search did not finish before the deadline"));
  EXPECT_THAT(DeadlineError(""),
              StatusIs(absl::StatusCode::kDeadlineExceeded, "did not finish before the deadline"));
}

TEST(DeadlineTest, CheckDeadline) {
  EXPECT_THAT(CheckDeadline(absl::InfiniteFuture(), "x"), IsOk());
  EXPECT_THAT(CheckDeadline(absl::Now() - absl::Seconds(1), "topic clustering"),
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       "topic clustering did not finish before the deadline"));
}

TEST(DeadlineTest, BeforeStartAlsoFailsAtTheDeadlineItself) {
  // InfinitePast is not after itself, but it is reached.
  EXPECT_THAT(CheckDeadline(absl::InfinitePast(), "x"),
              StatusIs(absl::StatusCode::kDeadlineExceeded, ::testing::_));
  EXPECT_THAT(CheckDeadlineBeforeStart(absl::InfinitePast(), "x"),
              StatusIs(absl::StatusCode::kDeadlineExceeded, ::testing::_));
  EXPECT_THAT(CheckDeadlineBeforeStart(absl::InfiniteFuture(), "x"), IsOk());
}

}  // namespace
}  // namespace storyline::index
