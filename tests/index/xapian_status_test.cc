// Tests for index/xapian_status.cc: Xapian::Error -> absl::Status.
#include "index/xapian_status.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xapian.h>

#include <cerrno>
#include <filesystem>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace storyline::index {
namespace {

using ::storyline::testing::StatusIs;
using ::testing::AllOf;
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
                    absl::StatusCode::kUnavailable},
        MappingCase{"NetworkTimeout", [] { throw Xapian::NetworkTimeoutError("boom"); },
                    absl::StatusCode::kUnavailable},
        MappingCase{"DatabaseClosed", [] { throw Xapian::DatabaseClosedError("boom"); },
                    absl::StatusCode::kUnavailable},
        MappingCase{"DiskFull", [] { throw Xapian::DatabaseError("boom", "", ENOSPC); },
                    absl::StatusCode::kResourceExhausted},
        MappingCase{"FileSizeLimit", [] { throw Xapian::DatabaseError("boom", "", EFBIG); },
                    absl::StatusCode::kResourceExhausted},
        MappingCase{"OutOfFds", [] { throw Xapian::DatabaseOpeningError("boom", "", EMFILE); },
                    absl::StatusCode::kResourceExhausted},
        MappingCase{"WrappedOutOfFds",
                    [] {
                      throw Xapian::DatabaseError(
                          "boom: Modifications failed (DatabaseOpeningError: Couldn't write new "
                          "rev file (Too many open files))");
                    },
                    absl::StatusCode::kResourceExhausted},
        MappingCase{"OtherErrno", [] { throw Xapian::DatabaseError("boom", "", EIO); },
                    absl::StatusCode::kInternal}),
    [](const ::testing::TestParamInfo<MappingCase>& info) { return info.param.name; });

TEST(XapianStatusContextTest, LostRemoteShardIsNamedByItsContext) {
  const Xapian::NetworkError e("Couldn't connect", "remote:tcp(127.0.0.1:7001)", ECONNREFUSED);
  EXPECT_THAT(XapianErrorToStatus(e, "search"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("127.0.0.1:7001")));
}

TEST(XapianStatusContextTest, ContextPrefixesMessage) {
  const Xapian::DatabaseLockError e("lock held");
  const absl::Status s = XapianErrorToStatus(e, "opening index /x");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable, StartsWith("opening index /x: ")));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("lock held")));
}

TEST(XapianStatusContextTest, DiskFullSaysSo) {
  const Xapian::DatabaseError e("Error writing block 7", "", ENOSPC);
  EXPECT_THAT(XapianErrorToStatus(e, "committing /idx/shard-00"),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       AllOf(StartsWith("disk full: "), HasSubstr("/idx/shard-00"))));
}

// A table file cut short on disk: Xapian reads past its end.
TEST(XapianStatusContextTest, TruncatedTableIsDataLoss) {
  storyline::testing::TempDir dir;
  {
    Xapian::WritableDatabase db(dir.path(), Xapian::DB_CREATE_OR_OPEN);
    for (int i = 0; i < 3000; ++i) {
      Xapian::Document doc;
      doc.add_term("Zword" + std::to_string(i % 300));
      doc.set_data(std::string(200, 'x'));
      db.add_document(doc);
    }
    db.commit();
  }
  std::filesystem::resize_file(dir.Sub("postlist.glass"), 8192);
  try {
    Xapian::Database db(dir.path());
    for (int i = 0; i < 300; ++i) db.get_termfreq("Zword" + std::to_string(i));
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query("Zword7"));
    enquire.get_mset(0, 10);
    FAIL() << "read a truncated table without an error";
  } catch (const Xapian::Error& e) {
    EXPECT_THAT(XapianErrorToStatus(e), StatusIs(absl::StatusCode::kDataLoss, ::testing::_))
        << e.get_description();
  }
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
