// Tests for server/error_details.cc and its use at the edge
// (server/grpc_status.cc) and in the request checks: each error carries a
// google.rpc.Status with ErrorInfo (reason, domain "storyline.v1"),
// BadRequest (the field path) and RetryInfo where a retry may succeed.
#include "server/error_details.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "server/grpc_status.h"
#include "server/request_checks.h"

namespace storyline::server {
namespace {

struct Decoded {
  google::rpc::Status status;
  google::rpc::ErrorInfo info;
  google::rpc::BadRequest bad;
  google::rpc::RetryInfo retry;
  bool has_info = false, has_bad = false, has_retry = false;
};

// Decodes what the edge sends, the way a client of the trailer would.
Decoded Decode(const absl::Status& status) {
  Decoded d;
  const grpc::Status sent = ToGrpcStatus(status);
  EXPECT_TRUE(d.status.ParseFromString(sent.error_details()));
  for (const google::protobuf::Any& any : d.status.details()) {
    if (any.Is<google::rpc::ErrorInfo>()) d.has_info = any.UnpackTo(&d.info);
    if (any.Is<google::rpc::BadRequest>()) d.has_bad = any.UnpackTo(&d.bad);
    if (any.Is<google::rpc::RetryInfo>()) d.has_retry = any.UnpackTo(&d.retry);
  }
  return d;
}

TEST(ErrorDetailsTest, InvalidFieldErrorCarriesFieldReasonAndDomain) {
  const absl::Status s = InvalidFieldError("page_size", "PAGE_SIZE_OUT_OF_RANGE", "too big");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "too big");
  EXPECT_EQ(ErrorReason(s), "PAGE_SIZE_OUT_OF_RANGE");
  const Decoded d = Decode(s);
  EXPECT_EQ(d.status.code(), 3);
  EXPECT_EQ(d.status.message(), "too big");
  ASSERT_TRUE(d.has_info);
  EXPECT_EQ(d.info.reason(), "PAGE_SIZE_OUT_OF_RANGE");
  EXPECT_EQ(d.info.domain(), "storyline.v1");
  ASSERT_TRUE(d.has_bad);
  ASSERT_EQ(d.bad.field_violations_size(), 1);
  EXPECT_EQ(d.bad.field_violations(0).field(), "page_size");
  EXPECT_EQ(d.bad.field_violations(0).description(), "too big");
  EXPECT_FALSE(d.has_retry);
}

TEST(ErrorDetailsTest, TheFirstReasonStays) {
  absl::Status s = WithReason(absl::NotFoundError("gone"), "ARTICLE_NOT_FOUND");
  s = WithReason(s, "SOMETHING_ELSE");
  EXPECT_EQ(ErrorReason(s), "ARTICLE_NOT_FOUND");
  EXPECT_TRUE(WithReason(absl::OkStatus(), "X").ok());
  EXPECT_EQ(ErrorReason(absl::OkStatus()), "");
}

TEST(ErrorDetailsTest, EveryErrorHasAReasonAndUnavailableARetryDelay) {
  const Decoded d = Decode(absl::UnavailableError("shutting down"));
  ASSERT_TRUE(d.has_info);
  EXPECT_EQ(d.info.reason(), "UNAVAILABLE");
  ASSERT_TRUE(d.has_retry);
  EXPECT_EQ(d.retry.retry_delay().seconds(), 1);

  absl::Status busy = absl::ResourceExhaustedError("busy");
  SetRetryInfo(&busy, absl::Milliseconds(250));
  EXPECT_EQ(RetryInfoDelay(busy), absl::Milliseconds(250));
  const Decoded b = Decode(busy);
  ASSERT_TRUE(b.has_retry);
  EXPECT_EQ(b.retry.retry_delay().seconds(), 0);
  EXPECT_EQ(b.retry.retry_delay().nanos(), 250000000);
}

TEST(ErrorDetailsTest, OkSendsNoDetails) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).error_details().empty());
  EXPECT_EQ(SerializedStatusDetails(absl::OkStatus()), "");
}

// The request checks name the field at fault as a path into the request.
struct FieldCase {
  std::string what;
  std::function<absl::Status()> check;
  std::string field;
  std::string reason;
};

TEST(ErrorDetailsTest, RequestChecksNameTheFieldPathAndReason) {
  const std::vector<FieldCase> cases = {
      {"page_size",
       [] {
         v1::SearchRequest r;
         r.set_page_size(500);
         return CheckSearchRequest(r);
       },
       "page_size", "PAGE_SIZE_OUT_OF_RANGE"},
      {"timestamp",
       [] {
         v1::SearchRequest r;
         r.mutable_filter()->mutable_published_after()->set_seconds(-1000000000000LL);
         return CheckSearchRequest(r);
       },
       "filter.published_after", "TIMESTAMP_OUT_OF_RANGE"},
      {"history id",
       [] {
         v1::RecommendRequest r;
         for (int i = 0; i < 5; ++i) r.add_history()->set_article_id(i == 3 ? "" : "a");
         return CheckRecommendRequest(r);
       },
       "history[3].article_id", "ARTICLE_ID_EMPTY"},
      {"facet",
       [] {
         v1::SearchRequest r;
         r.add_facets("topic");
         r.add_facets("colour");
         return CheckSearchRequest(r);
       },
       "facets[1]", "FACET_FIELD_UNKNOWN"},
      {"window conflict",
       [] {
         v1::Filter f;
         f.mutable_publish_time()->mutable_start_time()->set_seconds(10);
         f.mutable_published_before()->set_seconds(20);
         return CheckFilter(f);
       },
       "filter.publish_time", "TIME_WINDOW_CONFLICT"},
      {"window empty",
       [] {
         v1::Filter f;
         f.mutable_publish_time()->mutable_start_time()->set_seconds(30);
         f.mutable_publish_time()->mutable_end_time()->set_seconds(20);
         return CheckFilter(f);
       },
       "filter.publish_time.start_time", "TIME_WINDOW_EMPTY"},
      {"delete id",
       [] {
         v1::DeleteArticlesRequest r;
         r.add_ids("a");
         r.add_ids("b");
         r.add_ids(std::string(300, 'x'));
         return CheckDeleteRequest(r);
       },
       "ids[2]", "ARTICLE_ID_TOO_LONG"},
      {"similar seed", [] { return CheckSimilarRequest(v1::SimilarStoriesRequest()); }, "seed",
       "SEED_MISSING"},
  };
  for (const FieldCase& c : cases) {
    SCOPED_TRACE(c.what);
    const absl::Status s = c.check();
    ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    const Decoded d = Decode(s);
    ASSERT_TRUE(d.has_bad);
    ASSERT_EQ(d.bad.field_violations_size(), 1);
    EXPECT_EQ(d.bad.field_violations(0).field(), c.field);
    EXPECT_EQ(d.bad.field_violations(0).description(), s.message());
    EXPECT_EQ(d.info.reason(), c.reason);
  }
}

}  // namespace
}  // namespace storyline::server
