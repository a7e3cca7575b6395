// End-to-end tests of every RPC and every promised error code, through
// storyline::Client against the real server binary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/testing/status_matchers.h"

namespace storyline::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Code = absl::StatusCode;

class ServiceTest : public DemoServerTest {};

v1::SearchRequest Query(const std::string& q, int page_size = 0) {
  v1::SearchRequest r;
  r.set_query(q);
  r.set_page_size(page_size);
  return r;
}

TEST_F(ServiceTest, HealthIsServing) {
  EXPECT_THAT(client().CheckHealth(), IsOk());
  EXPECT_THAT(client().CheckHealth("storyline.v1.StoryService"), IsOk());
  EXPECT_THAT(client().CheckHealth("no.such.Service"), StatusIs(Code::kNotFound, ::testing::_));
}

TEST_F(ServiceTest, SearchFindsTitleMatchFirstWithSnippetAndFacets) {
  v1::SearchRequest req = Query("councillors approve tidal barrage plan");
  req.add_facets("topic");
  req.add_facets("source");
  auto resp = client().Search(req);
  ASSERT_THAT(resp, IsOk());
  ASSERT_GE(resp->results_size(), 1);
  EXPECT_EQ(resp->results(0).article().id(), "demo-002");
  EXPECT_THAT(resp->results(0).snippet(), HasSubstr("<em>"));
  EXPECT_TRUE(resp->results(0).article().body().empty()) << "body must be left out by default";
  EXPECT_GT(resp->results(0).score(), 0);
  EXPECT_GE(resp->total_size(), resp->results_size());
  ASSERT_EQ(resp->facets_size(), 2);
  EXPECT_EQ(resp->facets(0).field(), "topic");
  EXPECT_GT(resp->facets(0).values_size(), 0);
  EXPECT_EQ(resp->facets(1).field(), "source");
}

TEST_F(ServiceTest, IncludeBodyReturnsBody) {
  v1::SearchRequest req = Query("tidal barrage", 1);
  req.set_include_body(true);
  auto resp = client().Search(req);
  ASSERT_THAT(resp, IsOk());
  ASSERT_EQ(resp->results_size(), 1);
  EXPECT_FALSE(resp->results(0).article().body().empty());
}

TEST_F(ServiceTest, FiltersAndNewestOrder) {
  v1::SearchRequest req = Query("");
  req.set_page_size(100);
  req.mutable_filter()->add_topics("SPORT");  // case-insensitive
  req.set_order_by(v1::NEWEST);
  auto resp = client().Search(req);
  ASSERT_THAT(resp, IsOk());
  ASSERT_EQ(resp->results_size(), 12);
  for (int i = 0; i < resp->results_size(); ++i) {
    EXPECT_EQ(resp->results(i).article().topic(), "sport");
    if (i > 0) {
      EXPECT_GE(resp->results(i - 1).article().publish_time().seconds(),
                resp->results(i).article().publish_time().seconds());
    }
  }
  // Date window: June 2025 only.
  v1::SearchRequest june = Query("");
  june.set_page_size(100);
  june.mutable_filter()->mutable_published_after()->set_seconds(1748736000);   // 2025-06-01
  june.mutable_filter()->mutable_published_before()->set_seconds(1751327999);  // 2025-06-30
  auto jr = client().Search(june);
  ASSERT_THAT(jr, IsOk());
  ASSERT_GT(jr->results_size(), 0);
  for (const auto& r : jr->results()) {
    EXPECT_GE(r.article().publish_time().seconds(), 1748736000);
    EXPECT_LE(r.article().publish_time().seconds(), 1751327999);
  }
}

TEST_F(ServiceTest, QueryFieldPrefixes) {
  auto resp = client().Search(Query("barrage topic:environment", 50));
  ASSERT_THAT(resp, IsOk());
  ASSERT_GT(resp->results_size(), 0);
  for (const auto& r : resp->results()) EXPECT_EQ(r.article().topic(), "environment");
  auto titled = client().Search(Query("title:rovers", 50));
  ASSERT_THAT(titled, IsOk());
  ASSERT_GT(titled->results_size(), 0);
  for (const auto& r : titled->results()) {
    EXPECT_THAT(r.article().title(), HasSubstr("Rovers"));
  }
}

TEST_F(ServiceTest, PagingVisitsEveryResultOnce) {
  v1::SearchRequest req = Query("the");
  req.set_page_size(7);
  std::set<std::string> seen;
  int pages = 0;
  int64_t total = 0;
  for (;;) {
    auto resp = client().Search(req);
    ASSERT_THAT(resp, IsOk());
    total = resp->total_size();
    for (const auto& r : resp->results()) {
      EXPECT_TRUE(seen.insert(r.article().id()).second) << "duplicate " << r.article().id();
    }
    ++pages;
    ASSERT_LT(pages, 100);
    if (resp->next_page_token().empty()) break;
    req.set_page_token(resp->next_page_token());
  }
  EXPECT_GT(pages, 2);
  EXPECT_EQ(static_cast<int64_t>(seen.size()), total);
}

TEST_F(ServiceTest, SearchBoxInputNeverErrors) {
  const std::vector<std::string> inputs = {"what?",
                                           "\"unbalanced quote",
                                           "(open bracket",
                                           "close)",
                                           "don't stop",
                                           "-",
                                           "AND",
                                           "OR OR",
                                           "NEAR",
                                           "title:",
                                           "\"\"",
                                           "((((",
                                           "a -",
                                           "+",
                                           "*",
                                           "\\",
                                           "topic:",
                                           "rovers NEAR/",
                                           "harbour -",
                                           "?!?!",
                                           "  ",
                                           "'''",
                                           "tidal AND",
                                           "NOT",
                                           "title:\"half"};
  for (const std::string& q : inputs) {
    auto resp = client().Search(Query(q));
    EXPECT_THAT(resp, IsOk()) << "query: " << q;
  }
  // And plain words still work after a stray quote.
  auto resp = client().Search(Query("\"tidal barrage"));
  ASSERT_THAT(resp, IsOk());
  EXPECT_GT(resp->results_size(), 0);
}

TEST_F(ServiceTest, SpellingCorrection) {
  auto resp = client().Search(Query("harrowgate rovres"));
  ASSERT_THAT(resp, IsOk());
  EXPECT_EQ(resp->corrected_query(), "harrowgate rovers");
  auto clean = client().Search(Query("harrowgate rovers"));
  ASSERT_THAT(clean, IsOk());
  EXPECT_THAT(clean->corrected_query(), IsEmpty());
}

TEST_F(ServiceTest, SearchRejectsBadRequests) {
  EXPECT_THAT(client().Search(Query(std::string(5000, 'a'))),
              StatusIs(Code::kInvalidArgument, AllOf(HasSubstr("query"), HasSubstr("4096"))));
  EXPECT_THAT(client().Search(Query("x", -1)),
              StatusIs(Code::kInvalidArgument, HasSubstr("page_size")));
  EXPECT_THAT(client().Search(Query("x", 101)),
              StatusIs(Code::kInvalidArgument, HasSubstr("page_size")));
  EXPECT_THAT(client().Search(Query("x", 100)), IsOk());

  v1::SearchRequest forged = Query("tidal");
  forged.set_page_token("bm90LWEtdG9rZW4");
  EXPECT_THAT(client().Search(forged), StatusIs(Code::kInvalidArgument, HasSubstr("page_token")));

  // A real token, edited by one character.
  auto first = client().Search(Query("the", 5));
  ASSERT_THAT(first, IsOk());
  ASSERT_FALSE(first->next_page_token().empty());
  std::string edited = first->next_page_token();
  edited[edited.size() / 2] = edited[edited.size() / 2] == 'A' ? 'B' : 'A';
  v1::SearchRequest tampered = Query("the", 5);
  tampered.set_page_token(edited);
  EXPECT_THAT(client().Search(tampered), StatusIs(Code::kInvalidArgument, HasSubstr("page_token")));
  // A real token replayed against another query is stale.
  v1::SearchRequest other = Query("rovers", 5);
  other.set_page_token(first->next_page_token());
  EXPECT_THAT(client().Search(other),
              StatusIs(Code::kInvalidArgument, HasSubstr("different query")));

  v1::SearchRequest window = Query("x");
  window.mutable_filter()->mutable_published_after()->set_seconds(2000000000);
  window.mutable_filter()->mutable_published_before()->set_seconds(1000000000);
  EXPECT_THAT(client().Search(window),
              StatusIs(Code::kInvalidArgument, HasSubstr("published_after")));

  v1::SearchRequest facet = Query("x");
  facet.add_facets("author");
  EXPECT_THAT(client().Search(facet), StatusIs(Code::kInvalidArgument, HasSubstr("facets[0]")));

  v1::SearchRequest bad_utf8 = Query("caf\xc3");
  EXPECT_THAT(client().Search(bad_utf8), StatusIs(Code::kInvalidArgument, HasSubstr("UTF-8")));
}

TEST_F(ServiceTest, GetArticle) {
  auto a = client().GetArticle("demo-002");
  ASSERT_THAT(a, IsOk());
  EXPECT_THAT(a->title(), HasSubstr("tidal barrage"));
  EXPECT_FALSE(a->body().empty());
  EXPECT_THAT(client().GetArticle("no-such-id"),
              StatusIs(Code::kNotFound, HasSubstr("no-such-id")));
  EXPECT_THAT(client().GetArticle(""), StatusIs(Code::kInvalidArgument, HasSubstr("id")));
  EXPECT_THAT(client().GetArticle(std::string(300, 'x')),
              StatusIs(Code::kInvalidArgument, HasSubstr("256")));
}

TEST_F(ServiceTest, IngestReportsBadArticlesAndKeepsTheRest) {
  std::vector<v1::Article> batch = {
      MakeArticle("e2e-1", "Lighthouse keepers return to Gull Rock", "A new crew of keepers."),
      MakeArticle("", "No id here", "This one must be rejected."),
      MakeArticle(std::string(257, 'z'), "Too long an id", "Rejected as well."),
      MakeArticle("e2e-2", "Bad bytes", "body"),
      MakeArticle("e2e-3", "Kite festival fills the dunes", "Hundreds of kites."),
  };
  batch[3].set_title("caf\xc3 broken utf-8");
  // 86 x "€" = 258 bytes: rejected, and echoed back cut to whole characters.
  std::string euros;
  for (int i = 0; i < 86; ++i) euros += "\xe2\x82\xac";
  batch.push_back(MakeArticle(euros, "Too long, multi-byte", "Rejected."));
  auto resp = client().IndexArticles(batch);
  ASSERT_THAT(resp, IsOk());
  EXPECT_EQ(resp->indexed_count(), 2);
  EXPECT_EQ(resp->updated_count(), 0);
  ASSERT_EQ(resp->errors_size(), 4);
  EXPECT_EQ(resp->errors(3).position(), 5);
  EXPECT_EQ(resp->errors(3).id().size(), 255u) << "cut at a character boundary (85 x 3 bytes)";
  EXPECT_EQ(resp->errors(0).position(), 1);
  EXPECT_THAT(resp->errors(0).reason(), HasSubstr("id is empty"));
  EXPECT_EQ(resp->errors(1).position(), 2);
  EXPECT_THAT(resp->errors(1).reason(), HasSubstr("257 bytes"));
  EXPECT_EQ(resp->errors(2).position(), 3);
  EXPECT_THAT(resp->errors(2).reason(), HasSubstr("UTF-8"));
  EXPECT_GT(resp->revision(), 0u);

  // Committed and visible right away.
  auto found = client().Search(Query("lighthouse keepers"));
  ASSERT_THAT(found, IsOk());
  ASSERT_GT(found->results_size(), 0);
  EXPECT_EQ(found->results(0).article().id(), "e2e-1");

  // Re-sending an id replaces the article.
  std::vector<v1::Article> again = {
      MakeArticle("e2e-1", "Lighthouse automated at Gull Rock", "Keepers leave for good.")};
  auto resp2 = client().IndexArticles(again);
  ASSERT_THAT(resp2, IsOk());
  EXPECT_EQ(resp2->indexed_count(), 0);
  EXPECT_EQ(resp2->updated_count(), 1);
  EXPECT_GT(resp2->revision(), resp->revision());
  auto got = client().GetArticle("e2e-1");
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->title(), "Lighthouse automated at Gull Rock");
}

TEST_F(ServiceTest, DeleteArticles) {
  std::vector<v1::Article> one = {MakeArticle("e2e-del", "Ferry timetable changes", "Winter.")};
  ASSERT_THAT(client().IndexArticles(one), IsOk());
  v1::DeleteArticlesRequest req;
  req.add_ids("e2e-del");
  req.add_ids("e2e-never-existed");
  auto resp = client().DeleteArticles(req);
  ASSERT_THAT(resp, IsOk());
  EXPECT_EQ(resp->deleted_count(), 1);
  ASSERT_EQ(resp->not_found_ids_size(), 1);
  EXPECT_EQ(resp->not_found_ids(0), "e2e-never-existed");
  EXPECT_THAT(client().GetArticle("e2e-del"), StatusIs(Code::kNotFound, ::testing::_));

  v1::DeleteArticlesRequest unknown;
  unknown.add_ids("e2e-never-existed");
  EXPECT_THAT(client().DeleteArticles(unknown), StatusIs(Code::kNotFound, HasSubstr("e2e-never")));
  v1::DeleteArticlesRequest empty;
  EXPECT_THAT(client().DeleteArticles(empty), StatusIs(Code::kInvalidArgument, HasSubstr("ids")));
  v1::DeleteArticlesRequest blank;
  blank.add_ids("");
  EXPECT_THAT(client().DeleteArticles(blank),
              StatusIs(Code::kInvalidArgument, HasSubstr("ids[0]")));
}

TEST_F(ServiceTest, IndexStats) {
  auto stats = client().GetIndexStats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_GE(stats->article_count(), 96);
  EXPECT_GT(stats->revision(), 0u);
  EXPECT_GT(stats->disk_bytes(), 0);
  EXPECT_TRUE(stats->has_last_commit_time());
  EXPECT_GT(stats->last_commit_time().seconds(), 1700000000);
}

TEST_F(ServiceTest, DeadlineIsHonoured) {
  Client::CallOptions tiny{.deadline = absl::Microseconds(1)};
  EXPECT_THAT(client().Search(Query("tidal barrage"), tiny),
              StatusIs(Code::kDeadlineExceeded, ::testing::_));
  // The server is still fine afterwards.
  EXPECT_THAT(client().Search(Query("tidal barrage")), IsOk());
}

TEST(ServerLifecycleTest, ShutsDownGracefullyOnSigterm) {
  TestServer server;
  ASSERT_TRUE(server.ok());
  Client client({.target = server.address()});
  EXPECT_THAT(client.CheckHealth(), IsOk());
  // An empty index answers searches with no results, not errors.
  auto resp = client.Search(Query("anything"));
  ASSERT_THAT(resp, IsOk());
  EXPECT_EQ(resp->results_size(), 0);
  EXPECT_EQ(server.Stop(), 0) << "server must exit 0 after SIGTERM";
}

TEST(ServerLifecycleTest, UnreachableServerIsUnavailable) {
  Client client({.target = "127.0.0.1:1", .default_deadline = absl::Seconds(2)});
  auto resp = client.Search(Query("x"));
  EXPECT_THAT(resp, StatusIs(Code::kUnavailable, ::testing::_));
}

}  // namespace
}  // namespace storyline::testing

namespace storyline::testing {
namespace {

TEST(InlineReadsTest, ReadsAnswerTheSameOnGrpcThreads) {
  TestServer server({std::string("--seed_jsonl=") + STORYLINE_DEMO_JSONL, "--inline_reads"});
  ASSERT_TRUE(server.ok());
  Client client({.target = server.address()});
  v1::SearchRequest req;
  req.set_query("councillors approve tidal barrage");
  auto resp = client.Search(req);
  ASSERT_THAT(resp, IsOk());
  ASSERT_GT(resp->results_size(), 0);
  EXPECT_EQ(resp->results(0).article().id(), "demo-002");
  EXPECT_THAT(client.GetArticle("missing"),
              StatusIs(absl::StatusCode::kNotFound, ::testing::HasSubstr("missing")));
  EXPECT_THAT(client.GetIndexStats(), IsOk());
}

}  // namespace
}  // namespace storyline::testing
