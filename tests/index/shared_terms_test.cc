// Tests that the words SimilarStories and Recommend show as shared between
// two stories are content words, never stop words such as "said", "the"
// or "are" (issue 11, defect 4), even when those are what the stories
// share most.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "index/index_writer.h"
#include "index/recommender.h"
#include "index/searcher.h"
#include "index/similar_stories.h"
#include "index/stopwords.h"
#include "tests/index/test_index.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace storyline::index {
namespace {

using ::storyline::index::testing::MakeArticle;
using ::storyline::index::testing::WriteArticles;
using ::storyline::testing::IsOk;
using ::storyline::testing::TempDir;
using ::testing::Contains;
using ::testing::Not;

// Two reports that share mostly function words, plus "harbour" and
// "ferries"; two unrelated stories that lack those function words.
class SharedTermsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto writer = IndexWriter::Open(dir_.path());
    ASSERT_THAT(writer, IsOk());
    WriteArticles(
        **writer,
        {
            MakeArticle({.id = "seed",
                         .title = "Harbour ferries are halted",
                         .body = "Officials said the harbour ferries are halted. They said "
                                 "the crews are waiting and said the boats are idle, "
                                 "the port said."}),
            MakeArticle({.id = "story",
                         .title = "Ferries are back in the harbour",
                         .body = "The mayor said the ferries are running. She said the "
                                 "harbour is open and said the queues are short, the "
                                 "town said."}),
            MakeArticle({.id = "other1",
                         .title = "Orchard apples ripen",
                         .body = "Apple growers expect a large crop this autumn."}),
            MakeArticle({.id = "other2",
                         .title = "Comet seen",
                         .body = "Astronomers photographed a bright comet overnight."}),
        });
    auto searcher = Searcher::Open(dir_.path());
    ASSERT_THAT(searcher, IsOk());
    searcher_ = std::move(*searcher);
  }

  // Every word of every shared term (terms may be two-word phrases).
  static std::vector<std::string> Words(const std::vector<std::string>& shared) {
    std::vector<std::string> words;
    for (const std::string& term : shared) {
      for (absl::string_view w : absl::StrSplit(term, ' ', absl::SkipEmpty())) {
        words.emplace_back(w);
      }
    }
    return words;
  }

  TempDir dir_;
  std::unique_ptr<Searcher> searcher_;
};

TEST_F(SharedTermsTest, SimilarStoriesShowNoStopWords) {
  SimilarParams p;
  p.article_id = "seed";
  auto r = searcher_->Similar(p);
  ASSERT_THAT(r, IsOk());
  ASSERT_FALSE(r->hits.empty());
  EXPECT_EQ(r->hits[0].article.id(), "story");
  const std::vector<std::string> words = Words(r->hits[0].shared_terms);
  EXPECT_THAT(words, Contains(::testing::AnyOf("harbour", "Harbour")));
  for (const std::string& w : words) EXPECT_FALSE(IsStopWord(w)) << w;
}

TEST_F(SharedTermsTest, RecommendationsShowNoStopWords) {
  RecommendParams p;
  p.history = {{"seed"}};
  auto r = searcher_->Recommend(p);
  ASSERT_THAT(r, IsOk());
  ASSERT_FALSE(r->hits.empty());
  EXPECT_EQ(r->hits[0].article.id(), "story");
  const std::vector<std::string> words = Words(r->hits[0].shared_terms);
  EXPECT_THAT(words, Not(::testing::IsEmpty()));
  for (const std::string& w : words) EXPECT_FALSE(IsStopWord(w)) << w;
}

}  // namespace
}  // namespace storyline::index
