// TopicClusters end to end on the demo corpus: the contract (every article
// in exactly one place, distinct readable labels, determinism), every
// bad-input error, deadlines, and the CLI outline.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "tests/e2e/cli_runner.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace storyline::testing {
namespace {

using ::testing::HasSubstr;
using Code = absl::StatusCode;

using ClustersTest = SemanticDemoServerTest;

std::string AllText(Client& client) {
  std::string text;
  v1::SearchRequest req;
  req.set_page_size(100);
  req.set_include_body(true);
  auto resp = client.Search(req);
  EXPECT_THAT(resp, IsOk());
  if (resp.ok()) {
    for (const auto& r : resp->results()) {
      absl::StrAppend(&text, r.article().title(), " ", r.article().body(), " ");
    }
  }
  return text;
}

TEST_F(ClustersTest, EveryArticleLandsInExactlyOnePlace) {
  v1::TopicClustersRequest req;  // empty query: everything
  auto resp = client().TopicClusters(req);
  ASSERT_THAT(resp, IsOk());
  EXPECT_EQ(resp->considered_documents(), 96);
  ASSERT_GE(resp->clusters_size(), 3);
  std::set<std::string> seen;
  int total = 0;
  for (const auto& c : resp->clusters()) {
    EXPECT_EQ(c.size(), c.members_size());
    EXPECT_GE(c.score(), 0.0);
    EXPECT_LE(c.score(), 1.0);
    EXPECT_LE(c.top_stories_size(), 3);
    double last = 2;
    for (const auto& m : c.members()) {
      EXPECT_TRUE(seen.insert(m.article_id()).second) << m.article_id() << " is in two clusters";
      EXPECT_LE(m.score(), last) << "members are most central first";
      last = m.score();
      ++total;
    }
    for (int i = 0; i < c.top_stories_size(); ++i) {
      EXPECT_EQ(c.top_stories(i).id(), c.members(i).article_id());
      EXPECT_TRUE(c.top_stories(i).body().empty());
      EXPECT_FALSE(c.top_stories(i).title().empty());
    }
  }
  for (const std::string& id : resp->unclustered()) {
    EXPECT_TRUE(seen.insert(id).second) << id << " is both clustered and unclustered";
    ++total;
  }
  EXPECT_EQ(total, resp->considered_documents());
  // Ordered by size, then score.
  for (int i = 1; i < resp->clusters_size(); ++i) {
    EXPECT_GE(resp->clusters(i - 1).size(), resp->clusters(i).size());
  }
}

TEST_F(ClustersTest, LabelsAreDistinctReadableWords) {
  v1::TopicClustersRequest req;
  req.set_cluster_count(8);
  auto resp = client().TopicClusters(req);
  ASSERT_THAT(resp, IsOk());
  ASSERT_GE(resp->clusters_size(), 4);
  const std::string text = absl::AsciiStrToLower(AllText(client()));
  std::set<std::string> labels;
  for (const auto& c : resp->clusters()) {
    ASSERT_FALSE(c.label().empty());
    EXPECT_TRUE(labels.insert(absl::AsciiStrToLower(c.label())).second)
        << "label \"" << c.label() << "\" used twice";
    // Surface forms, as written in the articles: never stems like "barrag".
    EXPECT_THAT(text, HasSubstr(absl::AsciiStrToLower(c.label()))) << c.label();
    EXPECT_FALSE(c.keywords().empty());
    for (const auto& k : c.keywords()) {
      EXPECT_THAT(text, HasSubstr(absl::AsciiStrToLower(k.term()))) << k.term();
      EXPECT_GT(k.weight(), 0);
      EXPECT_LE(k.weight(), 1.0);
    }
  }
}

TEST_F(ClustersTest, SameRequestSameAnswer) {
  v1::TopicClustersRequest req;
  req.set_seed(7);
  auto a = client().TopicClusters(req);
  auto b = client().TopicClusters(req);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(a->SerializeAsString(), b->SerializeAsString());
}

TEST_F(ClustersTest, QueryAndFilterNarrowWhatIsClustered) {
  v1::TopicClustersRequest req;
  req.set_query("tidal barrage OR interest rate OR festival");
  req.set_max_documents(20);
  req.set_stories_per_cluster(1);
  auto resp = client().TopicClusters(req);
  ASSERT_THAT(resp, IsOk());
  EXPECT_GT(resp->considered_documents(), 0);
  EXPECT_LE(resp->considered_documents(), 20);
  for (const auto& c : resp->clusters()) EXPECT_LE(c.top_stories_size(), 1);

  v1::TopicClustersRequest none;
  none.set_query("zyzzyvaqqq");
  auto empty = client().TopicClusters(none);
  ASSERT_THAT(empty, IsOk()) << "no matches is an empty answer, not an error";
  EXPECT_EQ(empty->clusters_size(), 0);
  EXPECT_EQ(empty->considered_documents(), 0);
  EXPECT_TRUE(empty->unclustered().empty());

  v1::TopicClustersRequest filtered;
  filtered.mutable_filter()->add_topics("sport");
  auto sport = client().TopicClusters(filtered);
  ASSERT_THAT(sport, IsOk());
  EXPECT_GT(sport->considered_documents(), 0);
  EXPECT_LT(sport->considered_documents(), 96);
}

TEST_F(ClustersTest, BadInputGetsClearErrors) {
  auto expect_invalid = [&](const v1::TopicClustersRequest& req, const std::string& field) {
    EXPECT_THAT(client().TopicClusters(req), StatusIs(Code::kInvalidArgument, HasSubstr(field)))
        << req.ShortDebugString();
  };
  v1::TopicClustersRequest r;
  r.set_max_documents(-1);
  expect_invalid(r, "max_documents");
  r.set_max_documents(10001);
  expect_invalid(r, "max_documents");
  r = {};
  r.set_cluster_count(-1);
  expect_invalid(r, "cluster_count");
  r.set_cluster_count(51);
  expect_invalid(r, "cluster_count");
  r = {};
  r.set_stories_per_cluster(-2);
  expect_invalid(r, "stories_per_cluster");
  r.set_stories_per_cluster(101);
  expect_invalid(r, "stories_per_cluster");
  r = {};
  r.set_query(std::string(5000, 'a'));
  expect_invalid(r, "query");
  r = {};
  r.mutable_filter()->mutable_published_after()->set_seconds(2000000000);
  r.mutable_filter()->mutable_published_before()->set_seconds(1000000000);
  expect_invalid(r, "published");
  // At the limits: fine.
  r = {};
  r.set_max_documents(10000);
  r.set_cluster_count(50);
  r.set_stories_per_cluster(100);
  EXPECT_THAT(client().TopicClusters(r), IsOk());
}

TEST_F(ClustersTest, ShortDeadlineIsNeverAnsweredLate) {
  v1::TopicClustersRequest req;
  req.set_max_documents(10000);
  for (int us : {1, 2000, 10000}) {
    const auto start = std::chrono::steady_clock::now();
    auto resp = client().TopicClusters(req, {.deadline = absl::Microseconds(us)});
    const auto took = std::chrono::steady_clock::now() - start;
    if (!resp.ok()) {
      // Or refused at once while the previous call (whose client has given
      // up) still holds the one TopicClusters slot of a small machine.
      EXPECT_THAT(resp.status().code(),
                  ::testing::AnyOf(Code::kDeadlineExceeded, Code::kResourceExhausted));
    }
    // Whatever the answer, it came about when the deadline said (loopback
    // and scheduling slack allowed).
    EXPECT_LT(took, std::chrono::microseconds(us) + std::chrono::milliseconds(500));
  }
}

TEST_F(ClustersTest, CliPrintsAnOutline) {
  TempDir tmp;
  const std::string addr = "--addr " + server().address() + " ";
  CliResult out = RunCli(addr + "-v clusters --k 4 --stories 2", tmp);
  ASSERT_EQ(out.exit_code, 0) << out.err;
  EXPECT_THAT(out.out, HasSubstr("1. "));
  EXPECT_THAT(out.out, HasSubstr("stories, score"));
  EXPECT_THAT(out.out, HasSubstr("keywords: "));
  EXPECT_THAT(out.out, HasSubstr("(demo-"));
  EXPECT_THAT(out.out, HasSubstr("clustered 96 matching articles into 4 topics"));
  EXPECT_THAT(out.err, HasSubstr("clusters: "));  // -v timing

  CliResult since = RunCli(addr + "clusters --since 36500d", tmp);
  EXPECT_EQ(since.exit_code, 0) << since.err;
  CliResult bad = RunCli(addr + "clusters --since yesterday", tmp);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--since"));
  CliResult too_many = RunCli(addr + "clusters --k 51", tmp);
  EXPECT_EQ(too_many.exit_code, 3);
  EXPECT_THAT(too_many.err, HasSubstr("cluster_count"));
}

}  // namespace
}  // namespace storyline::testing
