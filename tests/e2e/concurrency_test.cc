// Search, SimilarStories, TopicClusters, ingest and delete at once against
// one real server: each on its own client thread, while ingest streams and
// deletes commit. Every call must answer as documented, and the index must
// end with exactly the articles it should. (scripts/sanitize.sh runs this
// against an ASan+UBSan server; tests/index/concurrency_test.cc is the same
// storm in process, for TSan.)
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/testing/status_matchers.h"

namespace storyline::testing {
namespace {

class ConcurrencyE2eTest : public SemanticDemoServerTest {};

constexpr int kRounds = 12;

// Calls `rpc` again while it answers a code that asks the client to retry,
// as a well-behaved client does: ABORTED (a long read, clusters or similar,
// that commits overtook twice; Xapian discards the revision it was
// reading) and RESOURCE_EXHAUSTED (a server shedding load). At most 50
// tries, backing off.
template <typename Rpc>
auto WithRetries(Rpc rpc) -> decltype(rpc()) {
  for (int attempt = 1;; ++attempt) {
    auto result = rpc();
    const absl::Status s = result.status();
    if (attempt == 50 || !(absl::IsAborted(s) || absl::IsResourceExhausted(s))) return result;
    absl::SleepFor(absl::Milliseconds(5 * attempt));
  }
}

TEST_F(ConcurrencyE2eTest, SearchSimilarClustersIngestAndDeleteAtOnce) {
  auto initial = client().GetIndexStats();
  ASSERT_THAT(initial, IsOk());
  std::atomic<int> failures{0};
  auto expect = [&failures](const absl::Status& s, const char* what) {
    // The one miss allowed: a similar-stories seed (or delete target) that
    // is gone or not there yet.
    if (s.ok() || absl::IsNotFound(s)) return;
    ADD_FAILURE() << what << ": " << s;
    failures.fetch_add(1);
  };

  std::vector<std::thread> threads;
  threads.emplace_back([&] {  // ingest: kRounds streams of 5 new articles
    for (int r = 0; r < kRounds; ++r) {
      std::vector<v1::Article> batch;
      for (int i = 0; i < 5; ++i) {
        batch.push_back(MakeArticle(
            absl::StrCat("conc-", r, "-", i), absl::StrCat("Tidal barrage council vote ", r),
            "The harbour council voted on the tidal barrage budget again.", "politics"));
      }
      auto resp = WithRetries([&] { return client().IndexArticles(batch); });
      expect(resp.status(), "IndexArticles");
      if (resp.ok()) {
        EXPECT_EQ(resp->errors_size(), 0);
      }
    }
  });
  threads.emplace_back([&] {  // delete: one of the new articles per round
    for (int r = 0; r < kRounds; ++r) {
      v1::DeleteArticlesRequest req;
      req.add_ids(absl::StrCat("conc-", r, "-0"));  // may not be ingested yet: NOT_FOUND
      expect(WithRetries([&] { return client().DeleteArticles(req); }).status(), "DeleteArticles");
    }
  });
  threads.emplace_back([&] {  // search, paging through the results
    for (int r = 0; r < 2 * kRounds; ++r) {
      v1::SearchRequest req;
      req.set_query(r % 2 == 0 ? "tidal barrage council" : "");
      req.set_page_size(5);
      req.add_facets("topic");
      auto first = WithRetries([&] { return client().Search(req); });
      expect(first.status(), "Search");
      if (first.ok() && !first->next_page_token().empty()) {
        req.set_page_token(first->next_page_token());
        expect(WithRetries([&] { return client().Search(req); }).status(), "Search page 2");
      }
    }
  });
  threads.emplace_back([&] {  // similar stories, by id (some being deleted) and by text
    for (int r = 0; r < 2 * kRounds; ++r) {
      v1::SimilarStoriesRequest req;
      if (r % 2 == 0) {
        req.set_article_id(r % 4 == 0 ? "demo-002" : absl::StrCat("conc-", r / 2, "-0"));
      } else {
        req.set_text("council votes on the tidal barrage budget");
      }
      expect(WithRetries([&] { return client().SimilarStories(req); }).status(), "SimilarStories");
    }
  });
  threads.emplace_back([&] {  // topic clusters
    for (int r = 0; r < kRounds; ++r) {
      v1::TopicClustersRequest req;
      req.set_cluster_count(r % 2 == 0 ? 0 : 4);
      expect(WithRetries([&] { return client().TopicClusters(req); }).status(), "TopicClusters");
    }
  });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);

  // Each round's "-0" article was either deleted, or ingested after its
  // delete ran; the other four of each round are there.
  int zeroes = 0;
  for (int r = 0; r < kRounds; ++r) {
    zeroes += client().GetArticle(absl::StrCat("conc-", r, "-0")).ok() ? 1 : 0;
    EXPECT_THAT(client().GetArticle(absl::StrCat("conc-", r, "-4")), IsOk());
  }
  auto final_stats = client().GetIndexStats();
  ASSERT_THAT(final_stats, IsOk());
  EXPECT_EQ(final_stats->article_count(), initial->article_count() + 4 * kRounds + zeroes);
  EXPECT_THAT(client().CheckHealth(), IsOk());
}

}  // namespace
}  // namespace storyline::testing
