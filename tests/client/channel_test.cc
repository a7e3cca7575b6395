// storyline/channel.h: which addresses become a round-robin channel with
// read retries, and what such a channel does against two servers.
#include "storyline/channel.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "storyline/client.h"
#include "tests/client/fake_server.h"

namespace storyline {
namespace {

using ::testing::HasSubstr;

TEST(ReplicaChannelPlanTest, OneServerIsDialledAsGivenWithoutAServiceConfig) {
  for (const char* address : {"localhost:50051", "10.0.0.5:1", "unix:/tmp/s.sock", "[::1]:9"}) {
    absl::StatusOr<ChannelPlan> plan = PlanChannel(address);
    ASSERT_TRUE(plan.ok()) << address << ": " << plan.status();
    EXPECT_EQ(plan->target, address);
    EXPECT_EQ(plan->service_config, "") << address;
  }
}

TEST(ReplicaChannelPlanTest, ListsBecomeAddressTargetsWithRoundRobin) {
  struct Case {
    const char* address;
    const char* target;
  };
  for (const Case& c : {Case{"10.0.0.5:50051,10.0.0.6:50052", "ipv4:10.0.0.5:50051,10.0.0.6:50052"},
                        Case{"localhost:1, 127.0.0.2:2", "ipv4:127.0.0.1:1,127.0.0.2:2"},
                        Case{"[::1]:1,[fe80::1]:2", "ipv6:[::1]:1,[fe80::1]:2"}}) {
    absl::StatusOr<ChannelPlan> plan = PlanChannel(c.address);
    ASSERT_TRUE(plan.ok()) << c.address << ": " << plan.status();
    EXPECT_EQ(plan->target, c.target);
    EXPECT_EQ(plan->service_config, ReplicaServiceConfigJson());
  }
}

TEST(ReplicaChannelPlanTest, DnsNamesGetTheServiceConfig) {
  absl::StatusOr<ChannelPlan> plan = PlanChannel("dns:///storyline.internal:50051");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->target, "dns:///storyline.internal:50051");
  EXPECT_EQ(plan->service_config, ReplicaServiceConfigJson());
}

TEST(ReplicaChannelPlanTest, BadListsSayWhatToFix) {
  struct Case {
    const char* address;
    const char* says;
  };
  for (const Case& c :
       {Case{"10.0.0.5:1,", "empty element"}, Case{"10.0.0.5:1,10.0.0.6", "port from 1 to 65535"},
        Case{"10.0.0.5:1,10.0.0.6:70000", "port from 1 to 65535"},
        Case{"a.example:1,b.example:2", "dns:///NAME:PORT"},
        Case{"10.0.0.5:1,[::1]:2", "mixes IPv4 and IPv6"}}) {
    absl::StatusOr<ChannelPlan> plan = PlanChannel(c.address);
    EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument) << c.address;
    EXPECT_THAT(plan.status().message(), HasSubstr(c.says)) << c.address;
  }
}

TEST(ReplicaServiceConfigTest, RetriesOnlyStoryServiceOnUnavailableWithRoundRobin) {
  const std::string config = ReplicaServiceConfigJson();
  EXPECT_THAT(config, HasSubstr(R"("round_robin")"));
  EXPECT_THAT(config, HasSubstr(R"("service": "storyline.v1.StoryService")"));
  EXPECT_THAT(config, HasSubstr(R"("retryableStatusCodes": ["UNAVAILABLE"])"));
  EXPECT_THAT(config, HasSubstr(R"("healthCheckConfig")"));
  EXPECT_THAT(config, ::testing::Not(HasSubstr("IngestService")));
}

class ReplicaRoundRobinTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(a_.ok() && b_.ok()); }
  Client MakeClient() {
    return Client({.target = absl::StrCat(a_.target(), ",", b_.target()),
                   .default_deadline = absl::Seconds(5)});
  }
  testing::FakeServer a_, b_;
};

TEST_F(ReplicaRoundRobinTest, ReadsAreSpreadOverBothServers) {
  a_.script().AnswerFor("GetArticle", grpc::Status(grpc::StatusCode::NOT_FOUND, "on a"));
  Client client = MakeClient();
  int from_a = 0, from_b = 0;
  for (int i = 0; i < 20; ++i) {
    absl::StatusOr<v1::Article> got = client.GetArticle("x");
    (got.ok() ? from_b : from_a)++;
  }
  EXPECT_GT(from_a, 0);
  EXPECT_GT(from_b, 0);
}

TEST_F(ReplicaRoundRobinTest, ReadsAnsweredUnavailableAreRetriedOnTheOtherServer) {
  a_.script().Answer(grpc::Status(grpc::StatusCode::UNAVAILABLE, "a is going away"));
  Client client = MakeClient();
  for (int i = 0; i < 20; ++i) {
    v1::SearchRequest request;
    request.set_query("q");
    EXPECT_TRUE(client.Search(request).ok()) << "call " << i;
    EXPECT_TRUE(client.GetIndexStats().ok()) << "call " << i;
  }
}

TEST_F(ReplicaRoundRobinTest, ReadsKeepAnsweringWhenAServerStops) {
  Client client = MakeClient();
  ASSERT_TRUE(client.GetIndexStats().ok());
  a_.Shutdown();
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(client.GetIndexStats().ok()) << "call " << i;
}

TEST_F(ReplicaRoundRobinTest, WritesAreNeverRetried) {
  a_.script().Answer(grpc::Status(grpc::StatusCode::UNAVAILABLE, "a is going away"));
  Client client = MakeClient();
  int unavailable = 0;
  for (int i = 0; i < 20; ++i) {
    v1::DeleteArticlesRequest request;
    request.add_ids("x");
    if (absl::IsUnavailable(client.DeleteArticles(request).status())) ++unavailable;
  }
  EXPECT_GT(unavailable, 0);
}

}  // namespace
}  // namespace storyline
