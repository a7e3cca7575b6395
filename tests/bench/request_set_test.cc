// RequestSet: storyline-load's request shapes, the --mix parser's errors,
// and the methods a source without ids cannot feed.
#include "bench/storyline_bench/request_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "storyline/v1/story_service.pb.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace storyline::bench {
namespace {

using ::storyline::testing::StatusIs;
using ::testing::HasSubstr;

template <typename Message>
Message Parse(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  EXPECT_TRUE(buffer.Dump(&slices).ok());
  std::string bytes;
  for (const grpc::Slice& s : slices)
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  Message m;
  EXPECT_TRUE(m.ParseFromString(bytes));
  return m;
}

TEST(RequestSetTest, TwoWordQueriesKeepWordsOfThreeLettersOrMore) {
  EXPECT_EQ(TwoWordQuery("Re: The Fed's rate hike"), "the feds");
  EXPECT_EQ(TwoWordQuery("A B of it"), "");
}

TEST(RequestSetTest, ParseMixRejectsWhatItCannotUse) {
  auto mix = ParseMix("search=80,similar=15,clusters=5");
  ASSERT_TRUE(mix.ok());
  EXPECT_EQ(mix->size(), 3u);
  EXPECT_THAT(ParseMix("serch=1").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bad entry 'serch=1'")));
  EXPECT_THAT(ParseMix("search=0").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_THAT(ParseMix("search").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_THAT(ParseMix("search=1,search=2").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("given twice")));
}

TEST(RequestSetTest, BuildsEachMethodsRequestShape) {
  WorkloadSource src{.queries = {"interest rates"}, .ids = {"a1", "a2", "a3"}};
  auto set = RequestSet::Build(
      src, {{Method::kSearch, 1}, {Method::kRecommend, 1}, {Method::kClusters, 1}},
      {.documents = 700, .count = 4}, 42, 300);
  ASSERT_TRUE(set.ok()) << set.status();
  std::map<Method, int> seen;
  for (size_t i = 0; i < set->size(); ++i) {
    const PreparedRequest& r = set->at(i);
    ++seen[r.method];
    if (r.method == Method::kSearch) {
      EXPECT_EQ(Parse<v1::SearchRequest>(r.payload).query(), "interest rates");
    } else if (r.method == Method::kRecommend) {
      EXPECT_EQ(Parse<v1::RecommendRequest>(r.payload).history_size(), 20);
    } else {
      const auto req = Parse<v1::TopicClustersRequest>(r.payload);
      EXPECT_EQ(req.max_documents(), 700);
      EXPECT_EQ(req.cluster_count(), 4);
    }
  }
  EXPECT_EQ(seen.size(), 3u);
  for (const auto& [method, n] : seen) EXPECT_GT(n, 60) << MethodName(method);
}

TEST(RequestSetTest, MethodsThatNeedIdsNeedACorpus) {
  WorkloadSource queries_only{.queries = {"interest rates"}, .ids = {}};
  EXPECT_THAT(RequestSet::Build(queries_only, {{Method::kSimilar, 1}}, {}, 1).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--corpus")));
  EXPECT_TRUE(RequestSet::Build(queries_only, {{Method::kSearch, 1}}, {}, 1).ok());
}

TEST(RequestSetTest, LoadsQueriesAndCorpora) {
  storyline::testing::TempDir tmp;
  std::ofstream(tmp.Sub("q.txt")) << "rates\n\n  central bank \n";
  auto q = LoadQueriesFile(tmp.Sub("q.txt"));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->queries, (std::vector<std::string>{"rates", "central bank"}));
  std::ofstream(tmp.Sub("c.jsonl")) << R"({"id":"a1","title":"Interest rates rise again"})"
                                    << "\n";
  auto c = LoadCorpusSource(tmp.Sub("c.jsonl"), 42, 5);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->queries, std::vector<std::string>(5, "interest rates"));
  EXPECT_EQ(c->ids, std::vector<std::string>(5, "a1"));
  EXPECT_THAT(LoadQueriesFile(tmp.Sub("none")).status(),
              StatusIs(absl::StatusCode::kNotFound, ::testing::_));
}

}  // namespace
}  // namespace storyline::bench
