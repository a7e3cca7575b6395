// Tests for index/xapian_status.cc: Xapian::Error -> absl::Status.
#include "index/xapian_status.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xapian.h>

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "tests/testing/status_matchers.h"

namespace storyline::index {
namespace {

using ::storyline::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct MappingCase {
  std::string name;
  std::function<void()> thrower;
  absl::StatusCode code;
};

class XapianStatusTest : public ::testing::TestWithParam<MappingCase> {};

TEST_P(XapianStatusTest, MapsErrorTypeToCode) {
  const MappingCase& c = GetParam();
  try {
    c.thrower();
    FAIL() << "thrower did not throw";
  } catch (const Xapian::Error& e) {
    EXPECT_THAT(XapianErrorToStatus(e), StatusIs(c.code, HasSubstr("boom")));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, XapianStatusTest,
    ::testing::Values(
        MappingCase{"InvalidArgument", [] { throw Xapian::InvalidArgumentError("boom"); },
                    absl::StatusCode::kInvalidArgument},
        MappingCase{"QueryParser", [] { throw Xapian::QueryParserError("boom"); },
                    absl::StatusCode::kInvalidArgument},
        MappingCase{"Range", [] { throw Xapian::RangeError("boom"); },
                    absl::StatusCode::kInvalidArgument},
        MappingCase{"DocNotFound", [] { throw Xapian::DocNotFoundError("boom"); },
                    absl::StatusCode::kNotFound},
        MappingCase{"DatabaseNotFound", [] { throw Xapian::DatabaseNotFoundError("boom"); },
                    absl::StatusCode::kNotFound},
        MappingCase{"DatabaseModified", [] { throw Xapian::DatabaseModifiedError("boom"); },
                    absl::StatusCode::kAborted},
        MappingCase{"DatabaseLock", [] { throw Xapian::DatabaseLockError("boom"); },
                    absl::StatusCode::kUnavailable},
        MappingCase{"DatabaseCorrupt", [] { throw Xapian::DatabaseCorruptError("boom"); },
                    absl::StatusCode::kDataLoss},
        MappingCase{"Internal", [] { throw Xapian::InternalError("boom"); },
                    absl::StatusCode::kInternal},
        MappingCase{"Unimplemented", [] { throw Xapian::UnimplementedError("boom"); },
                    absl::StatusCode::kInternal},
        MappingCase{"Network", [] { throw Xapian::NetworkError("boom"); },
                    absl::StatusCode::kInternal}),
    [](const ::testing::TestParamInfo<MappingCase>& info) { return info.param.name; });

TEST(XapianStatusContextTest, ContextPrefixesMessage) {
  const Xapian::DatabaseLockError e("lock held");
  const absl::Status s = XapianErrorToStatus(e, "opening index /x");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable, StartsWith("opening index /x: ")));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("lock held")));
}

TEST(XapianStatusContextTest, RealMissingDatabaseIsNotFound) {
  try {
    Xapian::Database db("/nonexistent/storyline/index", Xapian::DB_BACKEND_GLASS);
    FAIL() << "opened a database that does not exist";
  } catch (const Xapian::Error& e) {
    EXPECT_THAT(XapianErrorToStatus(e), StatusIs(absl::StatusCode::kNotFound, ::testing::_));
  }
}

}  // namespace
}  // namespace storyline::index
