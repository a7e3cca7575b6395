// Helpers shared by the index unit tests: build Articles in code and write
// them into a fresh index through the real ArticleIndexer and IndexWriter.
#ifndef STORYLINE_TESTS_INDEX_TEST_INDEX_H_
#define STORYLINE_TESTS_INDEX_TEST_INDEX_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "index/article_indexer.h"
#include "index/index_writer.h"
#include "storyline/v1/article.pb.h"
#include "tests/testing/status_matchers.h"

namespace storyline::index::testing {

struct ArticleSpec {
  std::string id = "";
  std::string title = "";
  std::string body = "";
  std::string topic = "";
  std::string source = "";
  int64_t publish_unix = 0;  // 0 = no publish_time
  std::vector<std::string> tags = {};
  std::string url = "";
};

// The first `n` words of `text`.
inline std::string FirstWords(const std::string& text, int n) {
  size_t end = 0;
  for (int i = 0; i < n && end != std::string::npos; ++i) end = text.find(' ', end + 1);
  return text.substr(0, end);
}

// An article from `spec`. Every article needs a title and a body: a spec
// with only one gets the other from it (the body repeats the title; the
// title is the body's first six words), so fixtures stay short.
inline storyline::v1::Article MakeArticle(const ArticleSpec& spec) {
  storyline::v1::Article a;
  a.set_id(spec.id);
  a.set_title(spec.title.empty() ? FirstWords(spec.body, 6) : spec.title);
  a.set_body(spec.body.empty() ? spec.title : spec.body);
  a.set_topic(spec.topic);
  a.set_source(spec.source);
  a.set_url(spec.url);
  if (spec.publish_unix != 0) a.mutable_publish_time()->set_seconds(spec.publish_unix);
  for (const std::string& t : spec.tags) a.add_tags(t);
  return a;
}

// Prepares `article` (feeding the spelling dictionary) and upserts it.
// Returns the Upsert result (true = replaced an existing article).
inline bool UpsertArticle(IndexWriter& writer, const storyline::v1::Article& article) {
  ArticleIndexer indexer;
  SpellingCounts spelling;
  absl::StatusOr<PreparedArticle> prepared = indexer.Prepare(article, &spelling);
  EXPECT_THAT(prepared, ::storyline::testing::IsOk()) << article.id();
  if (!prepared.ok()) return false;
  EXPECT_THAT(writer.AddSpelling(spelling), ::storyline::testing::IsOk());
  absl::StatusOr<bool> replaced = writer.Upsert(*prepared);
  EXPECT_THAT(replaced, ::storyline::testing::IsOk()) << article.id();
  return replaced.ok() && *replaced;
}

// Upserts every article and commits.
inline void WriteArticles(IndexWriter& writer,
                          const std::vector<storyline::v1::Article>& articles) {
  for (const auto& a : articles) UpsertArticle(writer, a);
  EXPECT_THAT(writer.Commit(), ::storyline::testing::IsOk());
}

inline absl::Time Unix(int64_t seconds) { return absl::FromUnixSeconds(seconds); }

}  // namespace storyline::index::testing

#endif  // STORYLINE_TESTS_INDEX_TEST_INDEX_H_
