// SimilarStories and Recommend end to end: behaviour on the demo corpus
// (once the semantic model covers it), every bad-input error, and the
// recommendation sanity checks on BBC News.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "tests/e2e/cli_runner.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/testing/status_matchers.h"

namespace storyline::testing {
namespace {

using ::testing::HasSubstr;
using Code = absl::StatusCode;

using RelatedTest = SemanticDemoServerTest;

v1::SimilarStoriesRequest ById(const std::string& id, int page_size = 10) {
  v1::SimilarStoriesRequest r;
  r.set_article_id(id);
  r.set_page_size(page_size);
  return r;
}

TEST_F(RelatedTest, SimilarByIdLeavesOutTheSeedAndItsCopies) {
  auto resp = client_->SimilarStories(ById("demo-009"));
  ASSERT_THAT(resp, IsOk());
  ASSERT_GT(resp->stories_size(), 0);
  auto seed = client_->GetArticle("demo-009");
  ASSERT_THAT(seed, IsOk());
  const std::string seed_text = absl::AsciiStrToLower(seed->title() + " " + seed->body());
  for (const auto& s : resp->stories()) {
    EXPECT_NE(s.article().id(), "demo-009") << "the seed must never be a result";
    EXPECT_NE(s.article().id(), "demo-010") << "a wire copy of the seed is not a similar story";
    EXPECT_TRUE(s.article().body().empty());
    EXPECT_GT(s.score(), 0);
    for (const std::string& term : s.shared_terms()) {
      // Readable surface forms, taken from the seed: never stems.
      EXPECT_THAT(seed_text, HasSubstr(absl::AsciiStrToLower(term))) << term;
    }
  }
  EXPECT_THAT(resp->seed_duplicates(), ::testing::Contains("demo-010"));
  EXPECT_FALSE(resp->stories(0).shared_terms().empty());

  // include_duplicates returns the copy as a story.
  v1::SimilarStoriesRequest all = ById("demo-009");
  all.set_include_duplicates(true);
  auto with = client_->SimilarStories(all);
  ASSERT_THAT(with, IsOk());
  bool found = false;
  for (const auto& s : with->stories()) found = found || s.article().id() == "demo-010";
  EXPECT_TRUE(found);
}

TEST_F(RelatedTest, SimilarByTextAndRelativeWindow) {
  v1::SimilarStoriesRequest req;
  req.set_text("Harrowgate Rovers football club promotion season goals");
  auto resp = client_->SimilarStories(req);
  ASSERT_THAT(resp, IsOk());
  ASSERT_GT(resp->stories_size(), 0);
  EXPECT_EQ(resp->stories(0).article().topic(), "sport");

  auto seed = client_->GetArticle("demo-001");
  ASSERT_THAT(seed, IsOk());
  v1::SimilarStoriesRequest follow = ById("demo-001", 20);
  follow.mutable_published_after()->set_seconds(0);  // follow-ups only
  auto later = client_->SimilarStories(follow);
  ASSERT_THAT(later, IsOk());
  ASSERT_GT(later->stories_size(), 0);
  for (const auto& s : later->stories()) {
    EXPECT_GE(s.article().publish_time().seconds(), seed->publish_time().seconds());
  }
}

TEST_F(RelatedTest, SimilarRejectsBadRequests) {
  EXPECT_THAT(client_->SimilarStories(v1::SimilarStoriesRequest()),
              StatusIs(Code::kInvalidArgument, HasSubstr("exactly one of article_id or text")));
  EXPECT_THAT(client_->SimilarStories(ById("no-such-article")),
              StatusIs(Code::kNotFound, HasSubstr("no-such-article")));
  EXPECT_THAT(client_->SimilarStories(ById("")),
              StatusIs(Code::kInvalidArgument, HasSubstr("article_id")));
  v1::SimilarStoriesRequest empty;
  empty.set_text("   ");
  EXPECT_THAT(client_->SimilarStories(empty),
              StatusIs(Code::kInvalidArgument, HasSubstr("text is empty")));
  v1::SimilarStoriesRequest huge;
  huge.set_text(std::string((1 << 20) + 1, 'a'));
  EXPECT_THAT(client_->SimilarStories(huge), StatusIs(Code::kInvalidArgument, HasSubstr("1 MiB")));
  EXPECT_THAT(client_->SimilarStories(ById("demo-001", 101)),
              StatusIs(Code::kInvalidArgument, HasSubstr("page_size")));
  EXPECT_THAT(client_->SimilarStories(ById("demo-001", -1)),
              StatusIs(Code::kInvalidArgument, HasSubstr("page_size")));
  v1::SimilarStoriesRequest nothing;
  nothing.set_text("!!! ??? zzqqxxjj");
  EXPECT_THAT(client_->SimilarStories(nothing),
              StatusIs(Code::kInvalidArgument, HasSubstr("no words that occur in the index")));
  v1::SimilarStoriesRequest window;
  window.set_text("tidal barrage");
  window.mutable_published_after()->set_seconds(0);
  EXPECT_THAT(client_->SimilarStories(window),
              StatusIs(Code::kInvalidArgument, HasSubstr("need article_id")));
}

v1::RecommendRequest History(std::initializer_list<const char*> ids) {
  v1::RecommendRequest r;
  for (const char* id : ids) r.add_history()->set_article_id(id);
  return r;
}

TEST_F(RelatedTest, RecommendNeverRepeatsHistoryOrItsCopies) {
  v1::RecommendRequest req = History({"demo-023", "demo-065", "no-such-id"});
  req.set_page_size(20);
  auto resp = client_->Recommend(req);
  ASSERT_THAT(resp, IsOk());
  ASSERT_GT(resp->stories_size(), 0);
  ASSERT_EQ(resp->unknown_history_ids_size(), 1);
  EXPECT_EQ(resp->unknown_history_ids(0), "no-such-id");
  for (const auto& s : resp->stories()) {
    EXPECT_NE(s.article().id(), "demo-023");
    EXPECT_NE(s.article().id(), "demo-065");
    EXPECT_NE(s.article().id(), "demo-024") << "near-duplicate of a read article";
    ASSERT_FALSE(s.because().empty());
    for (const std::string& b : s.because()) {
      EXPECT_TRUE(b == "demo-023" || b == "demo-065") << b;
    }
    EXPECT_GT(s.score(), 0);
    EXPECT_LE(s.score(), 1.0);
  }
}

TEST_F(RelatedTest, RecommendRejectsBadRequests) {
  EXPECT_THAT(client_->Recommend(v1::RecommendRequest()),
              StatusIs(Code::kInvalidArgument, HasSubstr("history is empty")));
  EXPECT_THAT(client_->Recommend(History({"nope-1", "nope-2"})),
              StatusIs(Code::kNotFound, HasSubstr("none of the 2 history ids")));
  v1::RecommendRequest too_many;
  for (int i = 0; i < 501; ++i) too_many.add_history()->set_article_id("demo-001");
  EXPECT_THAT(client_->Recommend(too_many), StatusIs(Code::kInvalidArgument, HasSubstr("500")));
  v1::RecommendRequest diverse = History({"demo-001"});
  diverse.set_diversity(1.5);
  EXPECT_THAT(client_->Recommend(diverse),
              StatusIs(Code::kInvalidArgument, HasSubstr("diversity")));
  v1::RecommendRequest decay = History({"demo-001"});
  decay.mutable_freshness_half_life()->set_seconds(-60);
  EXPECT_THAT(client_->Recommend(decay),
              StatusIs(Code::kInvalidArgument, HasSubstr("freshness_half_life")));
  v1::RecommendRequest blank = History({""});
  EXPECT_THAT(client_->Recommend(blank),
              StatusIs(Code::kInvalidArgument, HasSubstr("history[0].article_id")));
}

TEST_F(RelatedTest, CliShowsSharedTermsAndBecause) {
  TempDir tmp;
  const std::string addr = "--addr " + server_->address() + " ";
  CliResult similar = RunCli(addr + "similar demo-009 --page-size 3", tmp);
  EXPECT_EQ(similar.exit_code, 0) << similar.err;
  EXPECT_THAT(similar.out, HasSubstr("shared terms:"));
  CliResult text = RunCli(addr + "similar --text 'Harrowgate Rovers promotion'", tmp);
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("Rovers"));
  CliResult rec = RunCli(addr + "recommend demo-065 demo-001 --page-size 4", tmp);
  EXPECT_EQ(rec.exit_code, 0) << rec.err;
  EXPECT_THAT(rec.out, HasSubstr("because: demo-0"));
  EXPECT_THAT(rec.out, HasSubstr("shared terms:"));
  CliResult missing = RunCli(addr + "similar no-such-id", tmp);
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_THAT(missing.err, HasSubstr("NOT_FOUND"));
}

TEST_F(RelatedTest, OperatorsCanTurnItOff) {
  TestServer plain({"--norelated_stories"});
  ASSERT_TRUE(plain.ok());
  Client c({.target = plain.address()});
  EXPECT_THAT(c.SimilarStories(ById("x")),
              StatusIs(Code::kUnimplemented, HasSubstr("--norelated_stories")));
  EXPECT_THAT(c.Recommend(v1::RecommendRequest()),
              StatusIs(Code::kUnimplemented, HasSubstr("--norelated_stories")));
}

// Issue 3's sanity checks, on BBC News.
class BbcRecommendTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer();
    ASSERT_TRUE(server_->ok());
    client_ = new Client({.target = server_->address(), .default_deadline = absl::Seconds(30)});
    ASSERT_THAT(IngestSharedJsonl(*client_, "bbc/articles.jsonl",
                                  [](const v1::Article& a) { topic_[a.id()] = a.topic(); }),
                IsOk());
    ASSERT_TRUE(WaitForSemanticModel(*client_)) << "semantic model never covered BBC";
  }
  static void TearDownTestSuite() {
    delete client_;
    delete server_;
  }
  static std::map<std::string, int> Topics(const v1::RecommendResponse& r) {
    std::map<std::string, int> n;
    for (const auto& s : r.stories()) ++n[topic_[s.article().id()]];
    return n;
  }
  static TestServer* server_;
  static Client* client_;
  static std::map<std::string, std::string> topic_;
};
TestServer* BbcRecommendTest::server_ = nullptr;
Client* BbcRecommendTest::client_ = nullptr;
std::map<std::string, std::string> BbcRecommendTest::topic_;

TEST_F(BbcRecommendTest, SportHistoryGivesSport) {
  v1::RecommendRequest req = History(
      {"bbc-sport-010", "bbc-sport-050", "bbc-sport-120", "bbc-sport-200", "bbc-sport-300"});
  req.set_page_size(10);
  auto resp = client_->Recommend(req);
  ASSERT_THAT(resp, IsOk());
  ASSERT_EQ(resp->stories_size(), 10);
  EXPECT_GE(Topics(*resp)["sport"], 9);
}

TEST_F(BbcRecommendTest, DiversitySpreadsOverTheHistorysThemes) {
  v1::RecommendRequest req = History({"bbc-business-020", "bbc-tech-020", "bbc-business-140",
                                      "bbc-tech-140", "bbc-business-260", "bbc-tech-260"});
  req.set_page_size(10);
  req.set_diversity(0.7);
  auto resp = client_->Recommend(req);
  ASSERT_THAT(resp, IsOk());
  ASSERT_EQ(resp->stories_size(), 10);
  auto n = Topics(*resp);
  EXPECT_GE(n["business"], 3);
  EXPECT_GE(n["tech"], 3);
}

}  // namespace
}  // namespace storyline::testing
