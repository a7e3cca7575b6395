// Remote shards end to end: BBC ingested into a local two-shard index and
// into a server whose two shards are served by xapian-tcpsrv on loopback
// answer a fixed set of reads identically; losing a shard's server is
// UNAVAILABLE naming it, with health NOT_SERVING, and both recover when it
// comes back.
#include <gmock/gmock.h>
#include <google/protobuf/util/field_comparator.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/hash64.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/testing/health_wait.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/tcpsrv.h"
#include "tests/testing/temp_dir.h"

namespace storyline::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
constexpr char kStory[] = "storyline.v1.StoryService";
constexpr char kIngest[] = "storyline.v1.IngestService";

// Equal protos, or a readable difference. `approximate` lets doubles
// differ in their last bits (relative 1e-9): similar-story cosines summed
// over statistics that the remote backend merges in another order.
template <typename Message>
::testing::AssertionResult SameMessage(const Message& local, const Message& remote,
                                       bool approximate = false) {
  std::string diff;
  google::protobuf::util::MessageDifferencer differ;
  google::protobuf::util::DefaultFieldComparator comparator;
  if (approximate) {
    comparator.set_float_comparison(google::protobuf::util::DefaultFieldComparator::APPROXIMATE);
    comparator.SetDefaultFractionAndMargin(1e-9, 1e-12);
    differ.set_field_comparator(&comparator);
  }
  differ.ReportDifferencesToString(&diff);
  if (differ.Compare(local, remote)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << diff.substr(0, 2000);
}

class RemoteShardTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new TempDir();
    for (int i = 0; i < 2; ++i) {
      shards_[i] = new RemoteShard(root_->Sub(absl::StrCat("tcpsrv-shard-", i)));
      ASSERT_TRUE(shards_[i]->Start()) << "xapian-tcpsrv did not start";
    }
    local_ = new TestServer({"--shards=2"});
    remote_ = new TestServer({absl::StrCat("--remote_shards=", shards_[0]->reader.endpoint(), ",",
                                           shards_[1]->reader.endpoint()),
                              absl::StrCat("--remote_writers=", shards_[0]->writer.endpoint(), ",",
                                           shards_[1]->writer.endpoint())});
    ASSERT_TRUE(local_->ok() && remote_->ok()) << "storyline-server did not start";
    local_client_ =
        new Client({.target = local_->address(), .default_deadline = absl::Seconds(60)});
    remote_client_ =
        new Client({.target = remote_->address(), .default_deadline = absl::Seconds(60)});
    ASSERT_THAT(IngestSharedJsonl(*local_client_, "bbc/articles.jsonl",
                                  [](const v1::Article& a) { ids_.push_back(a.id()); }),
                IsOk());
    ASSERT_THAT(IngestSharedJsonl(*remote_client_, "bbc/articles.jsonl"), IsOk());
    ASSERT_TRUE(WaitForSemanticModel(*local_client_, absl::Seconds(120)));
    ASSERT_TRUE(WaitForSemanticModel(*remote_client_, absl::Seconds(120)));
  }
  static void TearDownTestSuite() {
    delete local_client_;
    delete remote_client_;
    delete local_;
    delete remote_;
    for (RemoteShard*& shard : shards_) {
      delete shard;
      shard = nullptr;
    }
    delete root_;
  }
  void SetUp() override {
    ASSERT_NE(remote_client_, nullptr);
    ASSERT_EQ(ids_.size(), 2225u) << "../shared/data/bbc/articles.jsonl not as expected";
  }

  static std::vector<v1::SearchRequest> SearchRequests();
  static void ExpectPartialResultsFromShardZero(const std::string& lost);

  static TempDir* root_;
  static RemoteShard* shards_[2];
  static TestServer* local_;
  static TestServer* remote_;
  static Client* local_client_;
  static Client* remote_client_;
  static std::vector<std::string> ids_;
};

TempDir* RemoteShardTest::root_ = nullptr;
RemoteShard* RemoteShardTest::shards_[2] = {nullptr, nullptr};
TestServer* RemoteShardTest::local_ = nullptr;
TestServer* RemoteShardTest::remote_ = nullptr;
Client* RemoteShardTest::local_client_ = nullptr;
Client* RemoteShardTest::remote_client_ = nullptr;
std::vector<std::string> RemoteShardTest::ids_;

// 30 searches: plain words, a phrase, field prefixes, misspellings,
// filters, the newest-first order, recency, facets, explain, snippets.
std::vector<v1::SearchRequest> RemoteShardTest::SearchRequests() {
  const std::vector<std::string> queries = {"election",
                                            "mobile phone",
                                            "\"prime minister\"",
                                            "oil prices",
                                            "football manager",
                                            "film award",
                                            "broadband internet",
                                            "interest rates",
                                            "tax",
                                            "olympic athlete",
                                            "music album",
                                            "chelsea",
                                            "goverment spending",
                                            "technolgy companies",
                                            "economy growth",
                                            "title:england",
                                            "iraq war",
                                            "microsoft software",
                                            "box office",
                                            "champions league"};
  std::vector<v1::SearchRequest> out;
  for (const std::string& q : queries) {
    v1::SearchRequest r;
    r.set_query(q);
    r.set_page_size(10);
    out.push_back(r);
  }
  auto with = [&](const std::string& q, auto&& change) {
    v1::SearchRequest r;
    r.set_query(q);
    r.set_page_size(10);
    change(r);
    out.push_back(r);
  };
  with("market", [](auto& r) { r.mutable_filter()->add_topics("business"); });
  with("game", [](auto& r) { r.mutable_filter()->add_topics("sport"); });
  with("government", [](auto& r) { r.set_order_by(v1::ORDER_BY_NEWEST); });
  with("bank", [](auto& r) { r.set_order_by(v1::ORDER_BY_RELEVANCE_RECENCY); });
  with("world", [](auto& r) { r.add_facets("topic"); });
  with("", [](auto& r) {
    r.add_facets("topic");
    r.add_facets("source");
  });
  with("strike", [](auto& r) { r.set_explain(true); });
  with("labour party", [](auto& r) {
    r.set_include_body(true);
    r.set_explain(true);
  });
  with("\"world cup\"", [](auto& r) {
    r.set_page_size(5);
    r.add_facets("topic");
  });
  with("record", [](auto& r) { r.set_typo_tolerance(false); });
  return out;
}

TEST_F(RemoteShardTest, SearchMatchesTheLocalIndexIncludingTheSecondPage) {
  const std::vector<v1::SearchRequest> requests = SearchRequests();
  ASSERT_EQ(requests.size(), 30u);
  int identical = 0;
  for (const v1::SearchRequest& req : requests) {
    auto local = local_client_->Search(req);
    auto remote = remote_client_->Search(req);
    ASSERT_THAT(local, IsOk()) << req.ShortDebugString();
    ASSERT_THAT(remote, IsOk()) << req.ShortDebugString();
    EXPECT_FALSE(local->results().empty()) << req.ShortDebugString();
    // Each server mints its own page tokens: follow each to page 2.
    v1::SearchRequest next_local = req, next_remote = req;
    next_local.set_page_token(local->next_page_token());
    next_remote.set_page_token(remote->next_page_token());
    local->clear_next_page_token();
    remote->clear_next_page_token();
    const bool same = SameMessage(*local, *remote);
    EXPECT_TRUE(SameMessage(*local, *remote)) << req.ShortDebugString();
    identical += same;
    if (next_local.page_token().empty()) continue;
    auto local2 = local_client_->Search(next_local);
    auto remote2 = remote_client_->Search(next_remote);
    ASSERT_THAT(local2, IsOk());
    ASSERT_THAT(remote2, IsOk());
    local2->clear_next_page_token();
    remote2->clear_next_page_token();
    EXPECT_TRUE(SameMessage(*local2, *remote2)) << "page 2 of " << req.ShortDebugString();
  }
  RecordProperty("identical_searches", identical);
}

TEST_F(RemoteShardTest, MisspellingIsCorrectedFromTheLocalSpellingDictionary) {
  v1::SearchRequest req;
  req.set_query("goverment");
  auto remote = remote_client_->Search(req);
  ASSERT_THAT(remote, IsOk());
  EXPECT_EQ(remote->corrected_query(), "government");
  EXPECT_FALSE(remote->results().empty());
}

TEST_F(RemoteShardTest, GetArticleMatchesTheLocalIndex) {
  for (size_t i = 0; i < 20; ++i) {
    const std::string& id = ids_[i * 111];
    auto local = local_client_->GetArticle(id);
    auto remote = remote_client_->GetArticle(id);
    ASSERT_THAT(local, IsOk());
    ASSERT_THAT(remote, IsOk());
    EXPECT_TRUE(SameMessage(*local, *remote)) << id;
  }
}

TEST_F(RemoteShardTest, SimilarStoriesAndRecommendMatchTheLocalIndex) {
  int exact = 0;
  for (size_t i = 0; i < 20; ++i) {
    v1::SimilarStoriesRequest req;
    req.set_article_id(ids_[i * 107 + 3]);
    req.set_page_size(10);
    auto local = local_client_->SimilarStories(req);
    auto remote = remote_client_->SimilarStories(req);
    ASSERT_THAT(local, IsOk());
    ASSERT_THAT(remote, IsOk());
    local->clear_next_page_token();
    remote->clear_next_page_token();
    EXPECT_TRUE(SameMessage(*local, *remote, /*approximate=*/true)) << req.article_id();
    exact += SameMessage(*local, *remote) ? 1 : 0;
  }
  RecordProperty("similar_bit_identical", exact);
  v1::RecommendRequest rec;
  for (size_t i = 0; i < 5; ++i) rec.add_history()->set_article_id(ids_[i * 300 + 7]);
  auto local = local_client_->Recommend(rec);
  auto remote = remote_client_->Recommend(rec);
  ASSERT_THAT(local, IsOk());
  ASSERT_THAT(remote, IsOk());
  local->clear_next_page_token();
  remote->clear_next_page_token();
  EXPECT_TRUE(SameMessage(*local, *remote, /*approximate=*/true));
}

TEST_F(RemoteShardTest, TopicClustersMatchTheLocalIndex) {
  v1::TopicClustersRequest req;
  req.set_cluster_count(5);
  req.set_seed(1);
  auto local = local_client_->TopicClusters(req);
  auto remote = remote_client_->TopicClusters(req);
  ASSERT_THAT(local, IsOk());
  ASSERT_THAT(remote, IsOk());
  EXPECT_EQ(local->clusters_size(), 5);
  EXPECT_TRUE(SameMessage(*local, *remote));
}

// With shard 1 lost, a Search that allows partial results answers from
// shard 0 alone, marked partial and naming the lost shard. Its scores use
// shard 0's statistics only, so the order may differ a little from the
// complete answer's; the top shard-0 articles must all be there.
void RemoteShardTest::ExpectPartialResultsFromShardZero(const std::string& lost) {
  v1::SearchRequest search;
  search.set_query("government");
  search.set_page_size(100);
  search.set_allow_partial_results(true);
  auto partial = remote_client_->Search(search);
  ASSERT_THAT(partial, IsOk());
  EXPECT_TRUE(partial->partial());
  EXPECT_THAT(partial->missing_shards(), ElementsAre(lost));
  auto complete = local_client_->Search(search);
  ASSERT_THAT(complete, IsOk());
  EXPECT_FALSE(complete->partial());
  std::vector<std::string> expected;  // the complete top 100's shard-0 articles
  for (const auto& r : complete->results()) {
    if (common::Fnv1a64(r.article().id()) % 2 == 0) expected.push_back(r.article().id());
  }
  absl::flat_hash_set<std::string> got;
  for (const auto& r : partial->results()) {
    EXPECT_EQ(common::Fnv1a64(r.article().id()) % 2, 0u) << r.article().id() << " is on shard 1";
    got.insert(r.article().id());
  }
  ASSERT_GE(expected.size(), 20u);
  size_t found = 0;
  for (const std::string& id : expected) found += got.contains(id) ? 1 : 0;
  EXPECT_GE(found * 10, expected.size() * 9) << found << " of " << expected.size();
}

// Runs last in the suite (gtest keeps declaration order): it takes shard 1
// away and brings it back.
TEST_F(RemoteShardTest, LosingAShardIsUnavailableNamingItThenRecovers) {
  const std::string lost = shards_[1]->reader.endpoint();
  shards_[1]->reader.Stop();
  v1::SearchRequest search;
  search.set_query("election");
  auto s = remote_client_->Search(search);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kUnavailable) << s.status();
  EXPECT_THAT(s.status().message(), HasSubstr(lost));
  auto g = remote_client_->GetArticle(ids_[0]);
  EXPECT_EQ(g.status().code(), absl::StatusCode::kUnavailable) << g.status();
  EXPECT_THAT(g.status().message(), HasSubstr(lost));
  v1::SimilarStoriesRequest similar;
  similar.set_article_id(ids_[1]);
  auto sim = remote_client_->SimilarStories(similar);
  EXPECT_EQ(sim.status().code(), absl::StatusCode::kUnavailable) << sim.status();
  EXPECT_THAT(sim.status().message(), HasSubstr(lost));
  v1::TopicClustersRequest clusters;
  auto c = remote_client_->TopicClusters(clusters);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kUnavailable) << c.status();
  EXPECT_THAT(c.status().message(), HasSubstr(lost));
  EXPECT_TRUE(WaitForHealth(*remote_client_, kStory, false, absl::Seconds(10)));
  ExpectPartialResultsFromShardZero(lost);

  // The writable server too: writes that reach shard 1 are refused, naming it.
  const std::string lost_writer = shards_[1]->writer.endpoint();
  shards_[1]->writer.Stop();
  std::vector<v1::Article> batch;
  for (int i = 0; i < 8; ++i) {
    batch.push_back(MakeArticle(absl::StrCat("remote-lost-", i), "Tidal barrage", "A barrage."));
  }
  auto w = remote_client_->IndexArticles(batch);
  EXPECT_EQ(w.status().code(), absl::StatusCode::kUnavailable) << w.status();
  EXPECT_THAT(w.status().message(), HasSubstr(lost_writer));
  EXPECT_TRUE(WaitForHealth(*remote_client_, kIngest, false, absl::Seconds(10)));

  ASSERT_TRUE(shards_[1]->Start());
  EXPECT_TRUE(WaitForHealth(*remote_client_, kStory, true, absl::Seconds(10)));
  EXPECT_TRUE(WaitForHealth(*remote_client_, kIngest, true, absl::Seconds(10)));
  // The refused batch may have reached shard 0; sent again it converges,
  // and the local index, given it too, answers the same again.
  ASSERT_THAT(remote_client_->IndexArticles(batch), IsOk());
  ASSERT_THAT(local_client_->IndexArticles(batch), IsOk());
  for (const v1::Article& a : batch) EXPECT_THAT(remote_client_->GetArticle(a.id()), IsOk());
  auto again = remote_client_->Search(search);
  ASSERT_THAT(again, IsOk());
  auto local = local_client_->Search(search);
  ASSERT_THAT(local, IsOk());
  again->clear_next_page_token();
  local->clear_next_page_token();
  EXPECT_TRUE(SameMessage(*local, *again));
}

}  // namespace
}  // namespace storyline::testing
