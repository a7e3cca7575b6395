// Tests for index/article_indexer.cc: validation and document building.
#include "index/article_indexer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xapian.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "index/article_data.h"
#include "index/schema.h"
#include "storyline/v1/article.pb.h"
#include "tests/index/test_index.h"
#include "tests/testing/status_matchers.h"

namespace storyline::index {
namespace {

using ::storyline::index::testing::MakeArticle;
using ::storyline::testing::IsOk;
using ::storyline::testing::StatusIs;
using ::storyline::v1::Article;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

Article ValidArticle() {
  return MakeArticle({.id = "a1",
                      .title = "Parliament passes budget",
                      .body = "The parliament voted on Tuesday.",
                      .topic = "Politics",
                      .source = "BBC News",
                      .publish_unix = 1717000000,
                      .tags = {"Budget", "UK"},
                      .url = "https://example.com/a1"});
}

std::set<std::string> Terms(const Xapian::Document& doc) {
  std::set<std::string> terms;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) terms.insert(*it);
  return terms;
}

struct ValidationCase {
  std::string name;
  std::function<void(Article&)> mutate;
  bool ok;
  std::string message_part;  // the field the message must name
};

class ValidateArticleTest : public ::testing::TestWithParam<ValidationCase> {};

TEST_P(ValidateArticleTest, Table) {
  const ValidationCase& c = GetParam();
  Article a = ValidArticle();
  c.mutate(a);
  const absl::Status s = ValidateArticle(a);
  if (c.ok) {
    EXPECT_THAT(s, IsOk());
  } else {
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message_part)));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ValidateArticleTest,
    ::testing::Values(
        ValidationCase{"Valid", [](Article&) {}, true, ""},
        ValidationCase{"EmptyId", [](Article& a) { a.clear_id(); }, false, "id"},
        ValidationCase{"Id257Bytes", [](Article& a) { a.set_id(std::string(257, 'i')); }, false,
                       "id"},
        ValidationCase{"Id256BytesOk", [](Article& a) { a.set_id(std::string(256, 'i')); }, true,
                       ""},
        ValidationCase{"Id1ByteOk", [](Article& a) { a.set_id("x"); }, true, ""},
        ValidationCase{"NoTitleNoBody",
                       [](Article& a) {
                         a.clear_title();
                         a.clear_body();
                       },
                       false, "title"},
        ValidationCase{"TitleOnly", [](Article& a) { a.clear_body(); }, false, "body is empty"},
        ValidationCase{"BodyOnly", [](Article& a) { a.clear_title(); }, false, "title is empty"},
        ValidationCase{"BlankTitleNoBody",
                       [](Article& a) {
                         a.set_title(" \t\n");
                         a.clear_body();
                       },
                       false, "title is empty or blank"},
        ValidationCase{"NoTitleBlankBody",
                       [](Article& a) {
                         a.clear_title();
                         a.set_body("  \r\n ");
                       },
                       false, "title is empty or blank"},
        ValidationCase{"TitleWithBlankBody", [](Article& a) { a.set_body(" \t"); }, false,
                       "body is empty or blank"},
        ValidationCase{"BlankTitleWithBody", [](Article& a) { a.set_title("   "); }, false,
                       "title is empty or blank"},
        ValidationCase{"Title4097Bytes", [](Article& a) { a.set_title(std::string(4097, 't')); },
                       false, "title"},
        ValidationCase{"BodyOneMiBOk", [](Article& a) { a.set_body(std::string(1 << 20, 'b')); },
                       true, ""},
        ValidationCase{"BodyOverOneMiB",
                       [](Article& a) { a.set_body(std::string((1 << 20) + 1, 'b')); }, false,
                       "body"},
        ValidationCase{"Url4097Bytes", [](Article& a) { a.set_url(std::string(4097, 'u')); }, false,
                       "url"},
        ValidationCase{"Topic200BytesOk", [](Article& a) { a.set_topic(std::string(200, 'p')); },
                       true, ""},
        ValidationCase{"Topic201Bytes", [](Article& a) { a.set_topic(std::string(201, 'p')); },
                       false, "topic"},
        ValidationCase{"Source201Bytes", [](Article& a) { a.set_source(std::string(201, 's')); },
                       false, "source"},
        ValidationCase{"Tags64Ok",
                       [](Article& a) {
                         a.clear_tags();
                         for (int i = 0; i < 64; ++i) a.add_tags("t" + std::to_string(i));
                       },
                       true, ""},
        ValidationCase{"Tags65",
                       [](Article& a) {
                         a.clear_tags();
                         for (int i = 0; i < 65; ++i) a.add_tags("t" + std::to_string(i));
                       },
                       false, "tags"},
        ValidationCase{"Tag201Bytes", [](Article& a) { a.add_tags(std::string(201, 'g')); }, false,
                       "tag"},
        ValidationCase{"PublishTimeBeforeYear1",
                       [](Article& a) { a.mutable_publish_time()->set_seconds(-62135596801LL); },
                       false, "publish_time"},
        ValidationCase{"PublishTimeAfterYear9999",
                       [](Article& a) { a.mutable_publish_time()->set_seconds(253402300800LL); },
                       false, "publish_time"},
        ValidationCase{"PublishTimeNegativeNanos",
                       [](Article& a) { a.mutable_publish_time()->set_nanos(-1); }, false,
                       "publish_time"},
        ValidationCase{"PublishTimeNanosTooLarge",
                       [](Article& a) { a.mutable_publish_time()->set_nanos(1000000000); }, false,
                       "publish_time"},
        ValidationCase{"PublishTimeYear1Ok",
                       [](Article& a) { a.mutable_publish_time()->set_seconds(-62135596800LL); },
                       true, ""},
        ValidationCase{"PublishTimeYear9999Ok",
                       [](Article& a) {
                         a.mutable_publish_time()->set_seconds(253402300799LL);
                         a.mutable_publish_time()->set_nanos(999999999);
                       },
                       true, ""},
        ValidationCase{"NoPublishTimeOk", [](Article& a) { a.clear_publish_time(); }, true, ""}),
    [](const ::testing::TestParamInfo<ValidationCase>& info) { return info.param.name; });

TEST(ArticleIndexerTest, PrepareRejectsInvalidArticle) {
  ArticleIndexer indexer;
  Article a = ValidArticle();
  a.clear_id();
  EXPECT_THAT(indexer.Prepare(a, nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("id")));
}

TEST(ArticleIndexerTest, PrepareBuildsIdTermAndData) {
  ArticleIndexer indexer;
  const Article a = ValidArticle();
  absl::StatusOr<PreparedArticle> p = indexer.Prepare(a, nullptr);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->id, "a1");
  EXPECT_EQ(p->id_term, IdTerm("a1"));
  EXPECT_THAT(Terms(p->document), Contains(IdTerm("a1")));

  Article stored;
  ASSERT_THAT(DecodeArticleData(p->document.get_data(), &stored), IsOk());
  EXPECT_EQ(stored.SerializeAsString(), a.SerializeAsString());
}

TEST(ArticleIndexerTest, PrepareAddsFoldedFilterTermsAndFacetValues) {
  ArticleIndexer indexer;
  absl::StatusOr<PreparedArticle> p = indexer.Prepare(ValidArticle(), nullptr);
  ASSERT_THAT(p, IsOk());
  const std::set<std::string> terms = Terms(p->document);
  EXPECT_THAT(terms, Contains("XTOPICpolitics"));
  EXPECT_THAT(terms, Contains("XSOURCEbbc news"));
  EXPECT_THAT(terms, Contains("Kbudget"));
  EXPECT_THAT(terms, Contains("Kuk"));
  // Facet values keep the original spelling.
  EXPECT_EQ(p->document.get_value(kSlotTopic), "Politics");
  EXPECT_EQ(p->document.get_value(kSlotSource), "BBC News");
  EXPECT_EQ(Xapian::sortable_unserialise(p->document.get_value(kSlotPublishTime)), 1717000000.0);
}

TEST(ArticleIndexerTest, PrepareIndexesTitlePrefixedAndWeighted) {
  ArticleIndexer indexer;
  absl::StatusOr<PreparedArticle> p = indexer.Prepare(ValidArticle(), nullptr);
  ASSERT_THAT(p, IsOk());
  const std::set<std::string> terms = Terms(p->document);
  // STEM_ALL_Z: only Z-prefixed stems, no unstemmed copies.
  EXPECT_THAT(terms, Contains("ZSbudget"));        // title: prefix
  EXPECT_THAT(terms, Contains("ZSpass"));          // title: prefix, stemmed
  EXPECT_THAT(terms, Contains("Zbudget"));         // free text
  EXPECT_THAT(terms, Contains("Ztuesday"));        // body
  EXPECT_THAT(terms, Not(Contains("budget")));     // no unstemmed terms
  EXPECT_THAT(terms, Not(Contains("ZStuesday")));  // body words are not title words

  // "budget" appears only in the title, weighted kTitleWeight; "parliament"
  // appears once in the title and once in the body.
  for (auto it = p->document.termlist_begin(); it != p->document.termlist_end(); ++it) {
    if (*it == "Zbudget") {
      EXPECT_EQ(it.get_wdf(), kTitleWeight);
    } else if (*it == "Zparliament") {
      EXPECT_EQ(it.get_wdf(), kTitleWeight + 1);
    } else if (*it == "ZSbudget") {
      EXPECT_EQ(it.get_wdf(), 1u);
    }
  }
}

TEST(ArticleIndexerTest, OptionalFieldsAbsentLeaveNoTermsOrValues) {
  ArticleIndexer indexer;
  absl::StatusOr<PreparedArticle> p =
      indexer.Prepare(MakeArticle({.id = "bare", .title = "Just a title"}), nullptr);
  ASSERT_THAT(p, IsOk());
  for (const std::string& t : Terms(p->document)) {
    EXPECT_FALSE(t.rfind("XTOPIC", 0) == 0) << t;
    EXPECT_FALSE(t.rfind("XSOURCE", 0) == 0) << t;
    EXPECT_FALSE(t.rfind("K", 0) == 0) << t;
  }
  EXPECT_EQ(p->document.get_value(kSlotTopic), "");
  EXPECT_EQ(p->document.get_value(kSlotSource), "");
  EXPECT_EQ(p->document.get_value(kSlotPublishTime), "");
}

TEST(ArticleIndexerTest, SpellingCountsCollectPlainWordsOnly) {
  ArticleIndexer indexer;
  SpellingCounts spelling;
  ASSERT_THAT(indexer.Prepare(ValidArticle(), &spelling), IsOk());
  EXPECT_EQ(spelling.count("parliament"), 1u);
  EXPECT_EQ(spelling.count("tuesday"), 1u);
  for (const auto& [word, freq] : spelling) {
    ASSERT_FALSE(word.empty());
    EXPECT_FALSE(word[0] >= 'A' && word[0] <= 'Z') << "prefixed term " << word;
    EXPECT_GE(word.size(), 3u) << word;
  }
  // Counts accumulate across articles.
  ASSERT_THAT(indexer.Prepare(MakeArticle({.id = "a2", .title = "Parliament again"}), &spelling),
              IsOk());
  EXPECT_EQ(spelling["parliament"], 2u);
}

TEST(ArticleIndexerTest, ReusedIndexerDoesNotLeakTermsBetweenArticles) {
  ArticleIndexer indexer;
  ASSERT_THAT(indexer.Prepare(ValidArticle(), nullptr), IsOk());
  absl::StatusOr<PreparedArticle> second =
      indexer.Prepare(MakeArticle({.id = "b", .title = "Football results"}), nullptr);
  ASSERT_THAT(second, IsOk());
  const std::set<std::string> terms = Terms(second->document);
  EXPECT_THAT(terms, Contains("Zfootbal"));
  EXPECT_THAT(terms, Not(Contains("Zparliament")));
  EXPECT_THAT(terms, Not(Contains(IdTerm("a1"))));
}

TEST(ArticleIndexerTest, LongIdGetsShortIdTerm) {
  ArticleIndexer indexer;
  Article a = ValidArticle();
  a.set_id(std::string(256, 'L'));
  absl::StatusOr<PreparedArticle> p = indexer.Prepare(a, nullptr);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->id_term, IdTerm(a.id()));
  EXPECT_LE(p->id_term.size(), 245u);
}

}  // namespace
}  // namespace storyline::index

namespace storyline::index {
namespace {

TEST(SpellingWordsTest, JunkTokensAreNotLearned) {
  ArticleIndexer indexer;
  SpellingCounts spelling;
  Article a;
  a.set_id("junk");
  a.set_title("Harbour pilots");
  a.set_body("begin 644 xkcdqqzzw M9V%R8F%G92!I;B!G87)B87-E antidisestablishmentarianism café");
  ASSERT_THAT(indexer.Prepare(a, &spelling), ::storyline::testing::IsOk());
  EXPECT_EQ(spelling.count("harbour"), 1u);
  EXPECT_EQ(spelling.count("begin"), 1u);
  EXPECT_EQ(spelling.count("xkcdqqzzw"), 0u) << "no vowel";
  EXPECT_EQ(spelling.count("antidisestablishmentarianism"), 0u) << "over 20 bytes";
  EXPECT_EQ(spelling.count("café"), 1u) << "non-ASCII words are kept";
}

TEST(SpellingWordsTest, BulkLoadsDropWordsSeenOnce) {
  SpellingCounts small = {{"rare", 1}, {"common", 5}};
  PruneSpellingForBulk(10, &small);
  EXPECT_EQ(small.size(), 2u) << "small batches keep every word";
  SpellingCounts bulk = {{"rare", 1}, {"common", 5}};
  PruneSpellingForBulk(kBulkSpellingArticles, &bulk);
  EXPECT_EQ(bulk.count("rare"), 0u);
  EXPECT_EQ(bulk.count("common"), 1u);
}

}  // namespace
}  // namespace storyline::index
