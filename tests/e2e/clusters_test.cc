// TopicClusters end to end on the demo corpus: the contract (every article
// in exactly one place, distinct readable labels, determinism), every
// bad-input error, deadlines, and the CLI outline.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

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

// Article id -> cluster number (-1: unclustered).
std::map<std::string, int> Partition(const v1::TopicClustersResponse& resp) {
  std::map<std::string, int> out;
  for (int c = 0; c < resp.clusters_size(); ++c) {
    for (const auto& m : resp.clusters(c).members()) out[m.article_id()] = c;
  }
  for (const std::string& id : resp.unclustered()) out[id] = -1;
  return out;
}

// Adjusted Rand index of two partitions of the same articles.
double AdjustedRand(const std::map<std::string, int>& a, const std::map<std::string, int>& b) {
  std::map<std::pair<int, int>, double> joint;
  std::map<int, double> ra, rb;
  for (const auto& [id, x] : a) {
    const int y = b.at(id);
    ++joint[{x, y}];
    ++ra[x];
    ++rb[y];
  }
  auto c2 = [](double v) { return v * (v - 1) / 2; };
  double index = 0, sa = 0, sb = 0;
  for (const auto& [xy, v] : joint) index += c2(v);
  for (const auto& [x, v] : ra) sa += c2(v);
  for (const auto& [y, v] : rb) sb += c2(v);
  const double expected = sa * sb / c2(static_cast<double>(a.size()));
  const double max = (sa + sb) / 2;
  return max == expected ? 1.0 : (index - expected) / (max - expected);
}

// Sum of the members' cosines to their centroids: the k-means objective the
// server maximises (label-free).
double Cohesion(const v1::TopicClustersResponse& resp) {
  double sum = 0;
  for (const auto& c : resp.clusters()) {
    for (const auto& m : c.members()) sum += m.score();
  }
  return sum;
}

// TopicClusters of the whole of BBC News (2,225 articles, 5 topics), the
// issue 13 bars. On the demo corpus (96 articles, fewer than the model's
// 150 dimensions) every partition is about as cohesive as another and
// seeds disagree before and after issue 13 (ARI 0.13-0.5 between seeds),
// so seed robustness is tested here and on synthetic points
// (tests/index/kmeans_test.cc).
class BbcClustersTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer();
    ASSERT_TRUE(server_->ok());
    client_ = new Client({.target = server_->address(), .default_deadline = absl::Seconds(60)});
    ASSERT_THAT(IngestSharedJsonl(*client_, "bbc/articles.jsonl"), IsOk());
    ASSERT_TRUE(WaitForSemanticModel(*client_)) << "semantic model never covered BBC";
  }
  static void TearDownTestSuite() {
    delete client_;
    client_ = nullptr;
    delete server_;
    server_ = nullptr;
  }
  static v1::TopicClustersResponse Ask(int count, std::optional<uint64_t> seed) {
    v1::TopicClustersRequest req;
    req.set_max_documents(2225);
    req.set_cluster_count(count);
    if (seed.has_value()) req.set_seed(*seed);
    auto resp = client_->TopicClusters(req);
    EXPECT_THAT(resp, IsOk());
    return resp.ok() ? *resp : v1::TopicClustersResponse();
  }
  static inline TestServer* server_ = nullptr;
  static inline Client* client_ = nullptr;
};

// Seeds 0..9 and no seed find the same five topics: they differ only in a
// few boundary articles (ARI >= 0.95 to the unseeded answer; before issue
// 13 the unseeded answer merged business with technology and split sport,
// ARI 0.67 to the others), and the unseeded answer is as cohesive as the
// best seeded one (within 0.5%: boundary articles move the sum a little).
TEST_F(BbcClustersTest, EverySeedFindsTheSameTopics) {
  const v1::TopicClustersResponse unseeded = Ask(5, std::nullopt);
  ASSERT_EQ(unseeded.considered_documents(), 2225);
  const auto reference = Partition(unseeded);
  EXPECT_EQ(Partition(Ask(5, 0)), reference) << "no seed is seed 0";
  for (uint64_t seed = 1; seed < 10; ++seed) {
    const v1::TopicClustersResponse r = Ask(5, seed);
    EXPECT_EQ(r.clusters_size(), 5);
    EXPECT_GE(AdjustedRand(reference, Partition(r)), 0.95) << "seed " << seed;
    EXPECT_GE(Cohesion(unseeded), Cohesion(r) * 0.995) << "seed " << seed;
  }
}

// Automatic k: the same number of topics for at least 8 of seeds 0..9,
// between 5 and 7.
TEST_F(BbcClustersTest, AutomaticCountHoldsAcrossSeeds) {
  std::map<int, int> votes;
  for (uint64_t seed = 0; seed < 10; ++seed) {
    const int k = Ask(0, seed).clusters_size();
    EXPECT_GE(k, 5) << "seed " << seed;
    EXPECT_LE(k, 7) << "seed " << seed;
    ++votes[k];
  }
  int modal = 0;
  for (const auto& [k, n] : votes) modal = std::max(modal, n);
  EXPECT_GE(modal, 8);
}

// Seed robustness on the demo corpus. Its 96 articles (8 topics of 12) are
// too few for any fixed partition to hold across seeds (NMI against its
// topics is 0.32-0.48 over seeds 0..9 at k=8), but the number of topics
// the server chooses must not depend on the seed: the issue-13 bar for
// BBC (the same k for at least 8 of seeds 0..9), here in every CI run.
TEST_F(ClustersTest, AutomaticCountOfTheDemoHoldsAcrossSeeds) {
  std::map<int, int> votes;
  for (uint64_t seed = 0; seed < 10; ++seed) {
    v1::TopicClustersRequest req;
    req.set_seed(seed);
    auto resp = client().TopicClusters(req);
    ASSERT_THAT(resp, IsOk());
    ++votes[resp->clusters_size()];
  }
  int modal = 0;
  for (const auto& [k, n] : votes) modal = std::max(modal, n);
  EXPECT_GE(modal, 8) << ::testing::PrintToString(votes);
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
  // Each cluster's label heads its entry, as the RPC gives it (the CLI's
  // default --seed 0 is the RPC's default).
  v1::TopicClustersRequest same;
  same.set_cluster_count(4);
  same.set_stories_per_cluster(2);
  auto rpc = client().TopicClusters(same);
  ASSERT_THAT(rpc, IsOk());
  for (int c = 0; c < rpc->clusters_size(); ++c) {
    EXPECT_THAT(out.out, HasSubstr(absl::StrCat(c + 1, ". ", rpc->clusters(c).label(), "  (")));
  }

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
