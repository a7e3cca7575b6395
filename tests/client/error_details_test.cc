// Tests for client/error_details.cc (the google.rpc details a server sends
// in `grpc-status-details-bin`, kept by FromGrpcStatus and read back by
// GetErrorDetails) and for how the CLI prints them (ReportRpcError).
#include "storyline/error_details.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>
#include <sstream>
#include <string>

#include "client/cli/output.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "storyline/client.h"

namespace storyline {
namespace {

using ::testing::HasSubstr;

// A grpc::Status as a Storyline server sends a page_size refusal.
grpc::Status PageSizeRefusal() {
  google::rpc::Status details;
  details.set_code(3);
  details.set_message("page_size must be at most 100");
  google::rpc::ErrorInfo info;
  info.set_reason("PAGE_SIZE_OUT_OF_RANGE");
  info.set_domain("storyline.v1");
  details.add_details()->PackFrom(info);
  google::rpc::BadRequest bad;
  auto* v = bad.add_field_violations();
  v->set_field("page_size");
  v->set_description("must be at most 100");
  details.add_details()->PackFrom(bad);
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, details.message(),
                      details.SerializeAsString());
}

grpc::Status BusyRefusal() {
  google::rpc::Status details;
  details.set_code(8);
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_nanos(250000000);
  details.add_details()->PackFrom(retry);
  return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "server busy",
                      details.SerializeAsString());
}

TEST(ClientErrorDetailsTest, ReadsReasonAndFieldViolations) {
  const absl::Status status = FromGrpcStatus(PageSizeRefusal());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  const ErrorDetails d = GetErrorDetails(status);
  EXPECT_EQ(d.reason, "PAGE_SIZE_OUT_OF_RANGE");
  EXPECT_EQ(d.domain, "storyline.v1");
  ASSERT_EQ(d.field_violations.size(), 1u);
  EXPECT_EQ(d.field_violations[0].field, "page_size");
  EXPECT_EQ(d.field_violations[0].description, "must be at most 100");
  EXPECT_FALSE(d.retry_delay.has_value());
}

TEST(ClientErrorDetailsTest, ReadsTheRetryDelay) {
  const absl::Status status = FromGrpcStatus(BusyRefusal());
  EXPECT_EQ(GetErrorDetails(status).retry_delay, absl::Milliseconds(250));
  // RetryDelay() falls back on RetryInfo without `retry-after-ms`.
  EXPECT_EQ(RetryDelay(status), absl::Milliseconds(250));
}

TEST(ClientErrorDetailsTest, NoDetailsNoTrouble) {
  const ErrorDetails d =
      GetErrorDetails(FromGrpcStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down")));
  EXPECT_EQ(d.reason, "");
  EXPECT_TRUE(d.field_violations.empty());
  EXPECT_FALSE(d.retry_delay.has_value());
  // Details that are not a google.rpc.Status are ignored.
  EXPECT_EQ(
      GetErrorDetails(FromGrpcStatus(grpc::Status(grpc::StatusCode::INTERNAL, "x", "\xff"))).reason,
      "");
}

std::string ReportedError(const absl::Status& status) {
  std::ostringstream captured;
  std::streambuf* old = std::cerr.rdbuf(captured.rdbuf());
  cli::ReportRpcError(status);
  std::cerr.rdbuf(old);
  return captured.str();
}

TEST(ClientErrorDetailsTest, TheCliPrintsTheDetails) {
  const std::string bad = ReportedError(FromGrpcStatus(PageSizeRefusal()));
  EXPECT_THAT(bad, HasSubstr("storyline: INVALID_ARGUMENT: page_size must be at most 100\n"));
  EXPECT_THAT(bad, HasSubstr("  field page_size: must be at most 100\n"));
  EXPECT_THAT(bad, HasSubstr("  reason: PAGE_SIZE_OUT_OF_RANGE\n"));
  EXPECT_THAT(ReportedError(FromGrpcStatus(BusyRefusal())), HasSubstr("  retry after 250 ms\n"));
  EXPECT_EQ(ReportedError(absl::UnavailableError("down")), "storyline: UNAVAILABLE: down\n");
}

}  // namespace
}  // namespace storyline
