// Tests for server/request_checks.cc: every INVALID_ARGUMENT a request check
// answers, with its exact message (clients and users read them), as tables
// of (what is wrong, the request, the message).
#include "server/request_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "tests/testing/status_matchers.h"

namespace storyline::server {
namespace {

using ::storyline::testing::IsOk;
using ::storyline::testing::StatusIs;

template <typename Request>
struct Case {
  std::string what;
  std::function<void(Request&)> make_bad;
  std::string message;
};

// Each case's request, built from `valid` by make_bad, fails `check` with
// exactly its message; `valid` itself passes.
template <typename Request, typename Check>
void ExpectRefusals(const Request& valid, Check check, const std::vector<Case<Request>>& cases) {
  EXPECT_THAT(check(valid), IsOk()) << valid.DebugString();
  for (const Case<Request>& c : cases) {
    SCOPED_TRACE(c.what);
    Request bad = valid;
    c.make_bad(bad);
    EXPECT_THAT(check(bad), StatusIs(absl::StatusCode::kInvalidArgument, c.message));
  }
}

void SetTime(google::protobuf::Timestamp* t, int64_t seconds, int32_t nanos = 0) {
  t->set_seconds(seconds);
  t->set_nanos(nanos);
}

void SetDuration(google::protobuf::Duration* d, int64_t seconds, int32_t nanos = 0) {
  d->set_seconds(seconds);
  d->set_nanos(nanos);
}

TEST(RequestChecksTest, ArticleId) {
  EXPECT_THAT(CheckArticleId("demo-001"), IsOk());
  EXPECT_THAT(CheckArticleId(std::string(256, 'x')), IsOk());
  EXPECT_THAT(CheckArticleId(""),
              StatusIs(absl::StatusCode::kInvalidArgument, "id is empty; pass an article id"));
  EXPECT_THAT(
      CheckArticleId(std::string(257, 'x')),
      StatusIs(absl::StatusCode::kInvalidArgument, "id is 257 bytes; ids are at most 256 bytes"));
  EXPECT_THAT(
      CheckArticleId("", "article_id"),
      StatusIs(absl::StatusCode::kInvalidArgument, "article_id is empty; pass an article id"));
}

// Filter cases, shared by every request that has a filter; `filter` picks
// the request's filter, which lists one topic in the valid request.
template <typename Request>
std::vector<Case<Request>> FilterCases(std::function<v1::Filter*(Request&)> filter) {
  return {
      {"too many topics",
       [filter](Request& r) {
         filter(r)->clear_topics();
         for (int i = 0; i < 101; ++i) filter(r)->add_topics("t");
       },
       "filter.topics has 101 values; at most 100"},
      {"empty topic", [filter](Request& r) { filter(r)->add_topics(""); },
       "filter.topics[1] must be 1 to 200 bytes"},
      {"long source", [filter](Request& r) { filter(r)->add_sources(std::string(201, 's')); },
       "filter.sources[0] must be 1 to 200 bytes"},
      {"too many sources",
       [filter](Request& r) {
         for (int i = 0; i < 101; ++i) filter(r)->add_sources("s");
       },
       "filter.sources has 101 values; at most 100"},
      {"after before year 1",
       [filter](Request& r) { SetTime(filter(r)->mutable_published_after(), -62135596801); },
       "filter.published_after is not a valid timestamp; use a time between years 1 and 9999"},
      {"after with negative nanos",
       [filter](Request& r) { SetTime(filter(r)->mutable_published_after(), 1, -1); },
       "filter.published_after is not a valid timestamp; use a time between years 1 and 9999"},
      {"before past year 9999",
       [filter](Request& r) { SetTime(filter(r)->mutable_published_before(), 253402300800); },
       "filter.published_before is not a valid timestamp; use a time between years 1 and 9999"},
      {"before with nanos over a second",
       [filter](Request& r) { SetTime(filter(r)->mutable_published_before(), 1, 1000000000); },
       "filter.published_before is not a valid timestamp; use a time between years 1 and 9999"},
      {"after later than before",
       [filter](Request& r) {
         SetTime(filter(r)->mutable_published_after(), 2);
         SetTime(filter(r)->mutable_published_before(), 1);
       },
       "filter.published_after (1970-01-01T00:00:02Z) is later than filter.published_before "
       "(1970-01-01T00:00:01Z); swap them or widen the window"},
  };
}

TEST(RequestChecksTest, Filter) {
  v1::Filter valid;
  valid.add_topics("politics");
  SetTime(valid.mutable_published_after(), 1);
  SetTime(valid.mutable_published_before(), 1);  // equal ends: one instant
  ExpectRefusals(
      valid, [](const v1::Filter& f) { return CheckFilter(f); },
      FilterCases<v1::Filter>([](v1::Filter& f) { return &f; }));
}

TEST(RequestChecksTest, SearchRequest) {
  v1::SearchRequest valid;
  valid.set_query("tidal barrage");
  valid.set_page_size(100);
  valid.set_order_by(v1::RELEVANCE_RECENCY);
  valid.add_facets("topic");
  valid.add_facets("source");
  SetDuration(valid.mutable_recency_half_life(), 1);
  valid.mutable_filter()->add_topics("politics");
  std::vector<Case<v1::SearchRequest>> cases = {
      {"long query", [](auto& r) { r.set_query(std::string(4097, 'q')); },
       "query is 4097 bytes; the limit is 4096 bytes, so shorten it"},
      {"negative page_size", [](auto& r) { r.set_page_size(-1); },
       "page_size must be between 0 and 100 (0 means 10); got -1"},
      {"page_size too large", [](auto& r) { r.set_page_size(101); },
       "page_size must be between 0 and 100 (0 means 10); got 101"},
      {"unknown order_by", [](auto& r) { r.set_order_by(static_cast<v1::OrderBy>(7)); },
       "order_by 7 is not a known value; use ORDER_BY_RELEVANCE, ORDER_BY_NEWEST or "
       "ORDER_BY_RELEVANCE_RECENCY"},
      {"too many facets",
       [](auto& r) {
         for (int i = 0; i < 7; ++i) r.add_facets("topic");
       },
       "facets lists 9 fields; at most 8"},
      {"invalid half-life", [](auto& r) { SetDuration(r.mutable_recency_half_life(), 1, -1); },
       "recency_half_life is not a valid duration"},
      {"half-life out of Duration's range",
       [](auto& r) { SetDuration(r.mutable_recency_half_life(), 315576000001); },
       "recency_half_life is not a valid duration"},
      {"half-life under a second",
       [](auto& r) { SetDuration(r.mutable_recency_half_life(), 0, 999999999); },
       "recency_half_life must be between 1 second and 100 years (unset means 7 days)"},
      {"half-life over 100 years",
       [](auto& r) { SetDuration(r.mutable_recency_half_life(), 3153600001); },
       "recency_half_life must be between 1 second and 100 years (unset means 7 days)"},
      {"unknown facet field", [](auto& r) { r.set_facets(1, "author"); },
       "facets[1] is \"author\", which is not a facet field; use \"topic\" or \"source\""},
  };
  for (auto& c : FilterCases<v1::SearchRequest>([](auto& r) { return r.mutable_filter(); })) {
    cases.push_back(c);
  }
  ExpectRefusals(
      valid, [](const auto& r) { return CheckSearchRequest(r); }, cases);
}

TEST(RequestChecksTest, SearchChecksRunInFieldOrder) {
  v1::SearchRequest bad;
  bad.set_page_size(-1);
  bad.add_facets("author");
  SetDuration(bad.mutable_recency_half_life(), 0);
  EXPECT_THAT(CheckSearchRequest(bad),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("page_size")));
  bad.set_page_size(0);
  // The half-life is checked before the facet names.
  EXPECT_THAT(CheckSearchRequest(bad), StatusIs(absl::StatusCode::kInvalidArgument,
                                                ::testing::HasSubstr("recency_half_life")));
}

TEST(RequestChecksTest, SimilarStoriesRequestByArticle) {
  v1::SimilarStoriesRequest valid;
  valid.set_article_id("demo-001");
  valid.set_page_size(100);
  SetDuration(valid.mutable_published_after(), -86400);
  SetDuration(valid.mutable_published_before(), 86400);
  valid.mutable_filter()->add_topics("politics");
  std::vector<Case<v1::SimilarStoriesRequest>> cases = {
      {"no seed", [](auto& r) { r.clear_seed(); },
       "set exactly one of article_id or text to say what the stories should be like"},
      {"empty article_id", [](auto& r) { r.set_article_id(""); },
       "article_id is empty; pass an article id"},
      {"long article_id", [](auto& r) { r.set_article_id(std::string(300, 'x')); },
       "article_id is 300 bytes; ids are at most 256 bytes"},
      {"page_size too large", [](auto& r) { r.set_page_size(101); },
       "page_size must be between 0 and 100 (0 means 10); got 101"},
      {"invalid published_after", [](auto& r) { SetDuration(r.mutable_published_after(), -1, 1); },
       "published_after is not a valid duration"},
      {"invalid published_before",
       [](auto& r) { SetDuration(r.mutable_published_before(), 1, 1000000000); },
       "published_before is not a valid duration"},
      {"empty window",
       [](auto& r) {
         SetDuration(r.mutable_published_after(), 2);
         SetDuration(r.mutable_published_before(), 1);
       },
       "published_after is later than published_before; the window is empty"},
  };
  for (auto& c :
       FilterCases<v1::SimilarStoriesRequest>([](auto& r) { return r.mutable_filter(); })) {
    cases.push_back(c);
  }
  ExpectRefusals(
      valid, [](const auto& r) { return CheckSimilarRequest(r); }, cases);
}

TEST(RequestChecksTest, SimilarStoriesRequestByText) {
  v1::SimilarStoriesRequest valid;
  valid.set_text(std::string(1 << 20, 'w'));
  ExpectRefusals(
      valid, [](const auto& r) { return CheckSimilarRequest(r); },
      std::vector<Case<v1::SimilarStoriesRequest>>{
          {"empty text", [](auto& r) { r.set_text(""); },
           "text is empty; give some text to find stories like it"},
          {"only whitespace", [](auto& r) { r.set_text(" \t\r\n "); },
           "text is empty; give some text to find stories like it"},
          {"text over 1 MiB", [](auto& r) { r.set_text(std::string((1 << 20) + 1, 'w')); },
           "text is 1048577 bytes; at most 1 MiB (1048576 bytes) is allowed"},
          {"relative window without article_id",
           [](auto& r) { SetDuration(r.mutable_published_before(), 60); },
           "published_after/published_before are relative to the seed article, so they need "
           "article_id, not text; use filter.published_after/before for absolute dates"},
      });
}

TEST(RequestChecksTest, RecommendRequest) {
  v1::RecommendRequest valid;
  v1::HistoryItem* item = valid.add_history();
  item->set_article_id("demo-001");
  SetTime(item->mutable_read_time(), 1700000000);
  valid.add_history()->set_article_id("demo-002");
  valid.set_page_size(10);
  SetDuration(valid.mutable_freshness_half_life(), 0);
  valid.set_diversity(1.0);
  SetTime(valid.mutable_as_of(), 1700000000);
  valid.mutable_filter()->add_topics("politics");
  std::vector<Case<v1::RecommendRequest>> cases = {
      {"no history", [](auto& r) { r.clear_history(); },
       "history is empty; list the ids of articles the user read"},
      {"too much history",
       [](auto& r) {
         for (int i = 0; i < 499; ++i) r.add_history()->set_article_id("x");
       },
       "history has 501 items; at most 500 (newest first) are allowed"},
      {"empty history id", [](auto& r) { r.mutable_history(1)->set_article_id(""); },
       "history[1].article_id is empty; pass an article id"},
      {"long history id",
       [](auto& r) { r.mutable_history(0)->set_article_id(std::string(257, 'x')); },
       "history[0].article_id is 257 bytes; ids are at most 256 bytes"},
      {"invalid read_time",
       [](auto& r) { SetTime(r.mutable_history(0)->mutable_read_time(), 0, -5); },
       "history[0].read_time is not a valid timestamp; use a time between years 1 and 9999"},
      {"negative page_size", [](auto& r) { r.set_page_size(-3); },
       "page_size must be between 0 and 100 (0 means 10); got -3"},
      {"invalid half-life", [](auto& r) { SetDuration(r.mutable_freshness_half_life(), -1, 5); },
       "freshness_half_life is not a valid duration"},
      {"negative half-life", [](auto& r) { SetDuration(r.mutable_freshness_half_life(), -1); },
       "freshness_half_life is negative; use 0 for no recency decay or a positive duration"},
      {"diversity over 1", [](auto& r) { r.set_diversity(1.5); },
       "diversity must be between 0 (pure relevance) and 1 (maximal spread); got 1.5"},
      {"negative diversity", [](auto& r) { r.set_diversity(-0.25); },
       "diversity must be between 0 (pure relevance) and 1 (maximal spread); got -0.25"},
      {"NaN diversity", [](auto& r) { r.set_diversity(std::numeric_limits<double>::quiet_NaN()); },
       "diversity must be between 0 (pure relevance) and 1 (maximal spread); got nan"},
      {"invalid as_of", [](auto& r) { SetTime(r.mutable_as_of(), 253402300800); },
       "as_of is not a valid timestamp; use a time between years 1 and 9999"},
  };
  for (auto& c : FilterCases<v1::RecommendRequest>([](auto& r) { return r.mutable_filter(); })) {
    cases.push_back(c);
  }
  ExpectRefusals(
      valid, [](const auto& r) { return CheckRecommendRequest(r); }, cases);
}

TEST(RequestChecksTest, TopicClustersRequest) {
  v1::TopicClustersRequest valid;
  valid.set_query(std::string(4096, 'q'));
  valid.set_max_documents(10000);
  valid.set_cluster_count(50);
  valid.set_stories_per_cluster(100);
  valid.mutable_filter()->add_topics("politics");
  std::vector<Case<v1::TopicClustersRequest>> cases = {
      {"long query", [](auto& r) { r.set_query(std::string(4097, 'q')); },
       "query is 4097 bytes; the limit is 4096"},
      {"max_documents too large", [](auto& r) { r.set_max_documents(10001); },
       "max_documents must be between 1 and 10000 (0 means the default, 500); got 10001"},
      {"negative max_documents", [](auto& r) { r.set_max_documents(-1); },
       "max_documents must be between 1 and 10000 (0 means the default, 500); got -1"},
      {"cluster_count too large", [](auto& r) { r.set_cluster_count(51); },
       "cluster_count must be between 1 and 50 (0 chooses automatically); got 51"},
      {"negative cluster_count", [](auto& r) { r.set_cluster_count(-2); },
       "cluster_count must be between 1 and 50 (0 chooses automatically); got -2"},
      {"stories_per_cluster too large", [](auto& r) { r.set_stories_per_cluster(101); },
       "stories_per_cluster must be between 1 and 100 (0 means the default, 3); got 101"},
      {"negative stories_per_cluster", [](auto& r) { r.set_stories_per_cluster(-1); },
       "stories_per_cluster must be between 1 and 100 (0 means the default, 3); got -1"},
  };
  for (auto& c :
       FilterCases<v1::TopicClustersRequest>([](auto& r) { return r.mutable_filter(); })) {
    cases.push_back(c);
  }
  ExpectRefusals(
      valid, [](const auto& r) { return CheckClusterRequest(r); }, cases);
}

TEST(RequestChecksTest, DeleteArticlesRequest) {
  v1::DeleteArticlesRequest valid;
  for (int i = 0; i < 10000; ++i) valid.add_ids("id");
  ExpectRefusals(
      valid, [](const auto& r) { return CheckDeleteRequest(r); },
      std::vector<Case<v1::DeleteArticlesRequest>>{
          {"no ids", [](auto& r) { r.clear_ids(); },
           "ids is empty; list the article ids to delete"},
          {"too many ids", [](auto& r) { r.add_ids("one more"); },
           "ids lists 10001 ids; at most 10000 per call"},
          {"empty id", [](auto& r) { r.set_ids(3, ""); }, "ids[3] is empty; pass an article id"},
          {"long id", [](auto& r) { r.set_ids(0, std::string(257, 'x')); },
           "ids[0] is 257 bytes; ids are at most 256 bytes"},
      });
}

}  // namespace
}  // namespace storyline::server
