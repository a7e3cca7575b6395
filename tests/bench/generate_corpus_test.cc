// GenerateCorpus over a small fixture corpus (and, when present, the real
// corpora of ../shared/data): the output is deterministic, distinct, valid
// for the server, and drawn from the source's topics, sources and times.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdio.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "bench/storyline_bench/generate_run.h"
#include "bench/storyline_bench/generate_source.h"
#include "common/article_jsonl.h"
#include "index/article_indexer.h"
#include "tests/bench/generate_fixture.h"
#include "tests/testing/temp_dir.h"

namespace storyline::bench {
namespace {

using ::storyline::testing::TempDir;
using ::testing::AnyOfArray;
using ::testing::IsSupersetOf;
using ::testing::UnorderedElementsAre;

constexpr int64_t kFrom = 1420070400;  // 2015-01-01T00:00:00Z
constexpr int64_t kTo = 1796083199;    // 2026-11-30T23:59:59Z

// The JSONL GenerateCorpus writes for `count` articles.
std::string Generate(const SourceCorpus& corpus, uint64_t seed, int64_t count) {
  char* data = nullptr;
  size_t size = 0;
  FILE* out = open_memstream(&data, &size);
  const absl::StatusOr<GenerateSummary> summary = GenerateCorpus(
      corpus, {.seed = seed, .from_seconds = kFrom, .to_seconds = kTo}, count, out, nullptr);
  fclose(out);
  std::string text(data, size);
  free(data);
  EXPECT_TRUE(summary.ok()) << summary.status();
  if (summary.ok()) {
    EXPECT_EQ(summary->articles, count);
    EXPECT_EQ(summary->bytes, static_cast<int64_t>(text.size()));
  }
  return text;
}

std::vector<v1::Article> ParseAll(const std::string& jsonl) {
  std::vector<v1::Article> articles;
  for (absl::string_view line : absl::StrSplit(jsonl, '\n', absl::SkipEmpty())) {
    absl::StatusOr<v1::Article> article = common::ParseArticleJson(line);
    EXPECT_TRUE(article.ok()) << article.status() << " in " << line;
    if (article.ok()) articles.push_back(*std::move(article));
  }
  return articles;
}

// Checks what every generated corpus must be: `count` lines, each an
// article the server accepts, with distinct ids and bodies, a publish time
// in range, and a topic and source of the source corpus.
void ExpectValidCorpus(const std::string& jsonl, int64_t count, const SourceCorpus& corpus) {
  std::vector<std::string> topics;
  for (const TopicPool& pool : corpus.pools) topics.push_back(pool.topic);
  const std::vector<v1::Article> articles = ParseAll(jsonl);
  ASSERT_EQ(static_cast<int64_t>(articles.size()), count);
  absl::flat_hash_set<std::string> ids, bodies;
  for (const v1::Article& a : articles) {
    EXPECT_TRUE(index::ValidateArticle(a).ok()) << index::ValidateArticle(a) << " " << a.id();
    EXPECT_TRUE(ids.insert(a.id()).second) << "repeated id " << a.id();
    EXPECT_TRUE(bodies.insert(a.body()).second) << "repeated body in " << a.id();
    EXPECT_GE(a.publish_time().seconds(), kFrom);
    EXPECT_LE(a.publish_time().seconds(), kTo);
    EXPECT_THAT(a.topic(), AnyOfArray(topics));
    EXPECT_THAT(a.source(), AnyOfArray(corpus.sources));
  }
}

class GenerateFixtureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::WriteFixtureCorpus(tmp_.path());
    absl::StatusOr<SourceCorpus> corpus = LoadSourceCorpus(tmp_.path());
    ASSERT_TRUE(corpus.ok()) << corpus.status();
    corpus_ = *std::move(corpus);
  }

  TempDir tmp_;
  SourceCorpus corpus_;
};

TEST_F(GenerateFixtureTest, LoadsSentencesByTopicAndFolderNamesForMissingFields) {
  std::vector<std::string> topics;
  for (const TopicPool& pool : corpus_.pools) topics.push_back(pool.topic);
  EXPECT_THAT(topics, UnorderedElementsAre("business", "sport", "flash", "abstracts"));
  EXPECT_THAT(corpus_.sources, UnorderedElementsAre("Wire Agency", "abstracts"));
  EXPECT_EQ(corpus_.patterns.size(), 18u);
  for (const TopicPool& pool : corpus_.pools) {
    for (const std::string& s : pool.sentences) EXPECT_EQ(s.find("quoted"), std::string::npos);
  }
}

TEST_F(GenerateFixtureTest, SameSeedSameBytesOtherSeedOtherBytes) {
  const std::string first = Generate(corpus_, 7, 300);
  EXPECT_EQ(Generate(corpus_, 7, 300), first);
  EXPECT_NE(Generate(corpus_, 8, 300), first);
}

TEST_F(GenerateFixtureTest, ASmallerCountIsAPrefixOfALargerOne) {
  const std::string small = Generate(corpus_, 3, 40);
  const std::string large = Generate(corpus_, 3, 200);
  EXPECT_EQ(large.substr(0, small.size()), small);
}

TEST_F(GenerateFixtureTest, ArticlesAreValidDistinctAndInRange) {
  ExpectValidCorpus(Generate(corpus_, 1, 500), 500, corpus_);
}

// How many of `sentences` occur in `body`.
int CountIn(const std::string& body, const std::vector<std::string>& sentences) {
  return static_cast<int>(std::count_if(sentences.begin(), sentences.end(),
                                        [&](const auto& s) { return absl::StrContains(body, s); }));
}

TEST_F(GenerateFixtureTest, BodiesLeadWithTheirTopicAndMostlyStayInIt) {
  const std::vector<std::string>& business = testing::BusinessSentences();
  int own = 0, other = 0;
  for (const v1::Article& a : ParseAll(Generate(corpus_, 1, 300))) {
    if (a.topic() != "business") continue;
    EXPECT_TRUE(std::any_of(business.begin(), business.end(), [&](const auto& s) {
      return absl::StartsWith(a.body(), s);
    })) << a.body();
    own += CountIn(a.body(), business);
    other += CountIn(a.body(), testing::SportSentences()) +
             CountIn(a.body(), testing::AbstractSentences());
  }
  ASSERT_GT(own, 0);
  EXPECT_GT(other, 0) << "a few sentences come from other topics";
  EXPECT_GE(own * 10, (own + other) * 7) << own << " own, " << other << " other";
}

TEST(LoadSourceCorpusTest, MissingPathIsNotFoundAndNoProseIsInvalid) {
  TempDir tmp;
  EXPECT_EQ(LoadSourceCorpus(tmp.Sub("absent")).status().code(), absl::StatusCode::kNotFound);
  std::ofstream(tmp.Sub("junk.jsonl"))
      << R"({"id":"x","title":"t","body":"a@b c@d e@f g@h."})" << '\n';
  EXPECT_EQ(LoadSourceCorpus(tmp.path()).status().code(), absl::StatusCode::kInvalidArgument);
}

// The real corpora, when the checkout has ../shared/data beside it.
class GenerateSharedDataTest : public ::testing::Test {
 protected:
  static std::string DataDir(const std::string& sub) {
    return std::string(STORYLINE_SHARED_DATA_DIR) + "/" + sub;
  }
  void SetUp() override {
    if (!std::filesystem::exists(DataDir("README.md"))) {
      GTEST_SKIP() << "no shared corpora at " << STORYLINE_SHARED_DATA_DIR;
    }
  }
};

TEST_F(GenerateSharedDataTest, EveryCorpusYieldsValidArticlesWithItsTopics) {
  absl::StatusOr<SourceCorpus> corpus = LoadSourceCorpus(DataDir(""));
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  std::vector<std::string> topics;
  for (const TopicPool& pool : corpus->pools) topics.push_back(pool.topic);
  EXPECT_THAT(topics, IsSupersetOf({"business", "rec.autos", "Sci/Tech", "earn", "POLITICS",
                                    "cranfield", "time"}));
  ExpectValidCorpus(Generate(*corpus, 1, 5000), 5000, *corpus);
}

}  // namespace
}  // namespace storyline::bench
