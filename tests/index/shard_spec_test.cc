// Tests for index/shard_spec.cc and the remote side of index/index_layout.cc:
// endpoint and flag parsing, remote stubs, and a writer and reader over a
// real xapian-tcpsrv on loopback.
#include "index/shard_spec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xapian.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "index/article_indexer.h"
#include "index/index_check.h"
#include "index/index_layout.h"
#include "index/searcher.h"
#include "tests/index/test_index.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/tcpsrv.h"
#include "tests/testing/temp_dir.h"

namespace storyline::index {
namespace {

using ::storyline::index::testing::MakeArticle;
using ::storyline::testing::IsOk;
using ::storyline::testing::RemoteShard;
using ::storyline::testing::StatusIs;
using ::storyline::testing::TempDir;
using ::testing::HasSubstr;
using Code = absl::StatusCode;

TEST(ParseTcpEndpointTest, AcceptsHostAndPort) {
  auto e = ParseTcpEndpoint("tcp://10.0.0.5:7001", "--remote_shards");
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(e->host, "10.0.0.5");
  EXPECT_EQ(e->port, 7001u);
  EXPECT_EQ(e->ToString(), "tcp://10.0.0.5:7001");
  EXPECT_THAT(ParseTcpEndpoint("tcp://shard-1.storyline:7001", "x"), IsOk());
}

TEST(ParseTcpEndpointTest, RefusesOtherFormsNamingTheFlag) {
  for (const char* bad : {"10.0.0.5:7001", "tcp://10.0.0.5", "tcp://:7001", "tcp://h:0",
                          "tcp://h:65536", "tcp://h:port", "tcp://a/b:1", "udp://h:1", ""}) {
    EXPECT_THAT(ParseTcpEndpoint(bad, "--remote_shards"),
                StatusIs(Code::kInvalidArgument, HasSubstr("--remote_shards")))
        << bad;
  }
}

TEST(ParseRemoteShardsTest, PairsReadersWithWriters) {
  auto shards = ParseRemoteShards("tcp://a:1, tcp://b:2", "tcp://a:11,tcp://b:12", 64);
  ASSERT_THAT(shards, IsOk());
  ASSERT_EQ(shards->size(), 2u);
  EXPECT_TRUE((*shards)[1].remote());
  EXPECT_EQ((*shards)[1].Name(), "tcp://b:2");
  EXPECT_EQ((*shards)[1].writer.ToString(), "tcp://b:12");
  auto none = ParseRemoteShards("", "", 64);
  ASSERT_THAT(none, IsOk());
  EXPECT_TRUE(none->empty());
}

TEST(ParseRemoteShardsTest, RefusesMismatchedOrTooManyShards) {
  EXPECT_THAT(ParseRemoteShards("tcp://a:1,tcp://b:2", "tcp://a:11", 64),
              StatusIs(Code::kInvalidArgument, HasSubstr("--remote_writers")));
  EXPECT_THAT(ParseRemoteShards("tcp://a:1,tcp://b:2", "tcp://a:11,tcp://b:12", 1),
              StatusIs(Code::kInvalidArgument, HasSubstr("at most 1")));
  EXPECT_THAT(ParseRemoteShards("tcp://a:1", "a:11", 64),
              StatusIs(Code::kInvalidArgument, HasSubstr("--remote_writers")));
}

TEST(RemoteStubTest, RoundTripsAndIsRefusedWhereOnlyLocalShardsWork) {
  TempDir dir;
  auto shards = ParseRemoteShards("tcp://a:1,tcp://b:2", "tcp://a:11,tcp://b:12", 64);
  ASSERT_THAT(shards, IsOk());
  ASSERT_THAT(PublishStub(dir.path(), *shards), IsOk());
  auto listed = ShardSpecs(dir.path());
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].reader, (*shards)[0].reader);
  EXPECT_EQ((*listed)[1].writer, (*shards)[1].writer);
  EXPECT_THAT(ShardDirs(dir.path()), StatusIs(Code::kFailedPrecondition, HasSubstr("tcp://a:1")));
}

TEST(RemoteStubTest, RemoteLineWithoutItsWriterIsDataLoss) {
  TempDir dir;
  std::ofstream(dir.Sub("XAPIANDB")) << "remote 127.0.0.1:7001\n";
  EXPECT_THAT(ShardSpecs(dir.path()), StatusIs(Code::kDataLoss, HasSubstr("#storyline-writable")));
}

// A remote index on a live xapian-tcpsrv: writes reach the served shard
// (never a local directory named after the endpoint), the spelling
// dictionary lands in DIR/spelling, and a Searcher reads both.
TEST(RemoteShardWriterTest, WritesThroughTcpsrvAndCreatesNoLocalShard) {
  TempDir dir;
  RemoteShard served(dir.Sub("served"));
  ASSERT_TRUE(served.Start());
  std::vector<ShardSpec> shards = {
      ShardSpec::Remote({"127.0.0.1", static_cast<unsigned>(served.reader.port())},
                        {"127.0.0.1", static_cast<unsigned>(served.writer.port())})};
  const std::string idx = dir.Sub("idx");
  {
    auto writers = OpenShardWriters(idx, 2, shards);
    ASSERT_THAT(writers, IsOk());
    ASSERT_EQ(writers->size(), 1u);
    IndexWriter& writer = *(*writers)[0];
    ArticleIndexer indexer;
    SpellingCounts spelling;
    for (int i = 0; i < 3; ++i) {
      auto prepared =
          indexer.Prepare(MakeArticle({.id = "r" + std::to_string(i),
                                       .title = "Tidal barrage",
                                       .body = "The tidal barrage generates electricity"}),
                          &spelling);
      ASSERT_THAT(prepared, IsOk());
      ASSERT_THAT(writer.Upsert(*prepared), IsOk());
    }
    ASSERT_THAT(writer.AddSpelling(spelling), IsOk());
    ASSERT_THAT(writer.Commit(), IsOk());
  }
  for (const auto& entry : std::filesystem::directory_iterator(idx)) {
    EXPECT_THAT(entry.path().filename().string(), ::testing::Not(HasSubstr("127.0.0.1")));
  }
  EXPECT_EQ(Xapian::Database(dir.Sub("served")).get_doccount(), 3u);
  EXPECT_TRUE(std::filesystem::exists(SpellingDir(idx) + "/iamglass"));
  EXPECT_THAT(ProbeReadable(idx), IsOk());
  auto searcher = Searcher::Open(idx);
  ASSERT_THAT(searcher, IsOk());
  SearchParams params;
  params.query = "barage electricity";
  auto found = (*searcher)->Search(params);
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ(found->hits.size(), 3u);
  EXPECT_EQ(found->corrected_query, "barrage electricity");

  // The same flags for the existing index are fine; other shards are not.
  EXPECT_THAT(OpenShardWriters(idx, 2, shards), IsOk());
  // The served shard recorded its place, 0/1: a new index that lists it
  // as one of two is refused (placement would move every article).
  EXPECT_THAT(OpenShardWriters(dir.Sub("idx2"), 2, {shards[0], shards[0]}),
              StatusIs(Code::kFailedPrecondition, HasSubstr("created with 1")));
  shards[0].reader.port += 1;
  EXPECT_THAT(OpenShardWriters(idx, 2, shards),
              StatusIs(Code::kFailedPrecondition, HasSubstr("--remote_shards")));

  served.reader.Stop();
  EXPECT_THAT(ProbeReadable(idx),
              StatusIs(Code::kUnavailable, HasSubstr(served.reader.endpoint())));
  params.query = "barrage";
  EXPECT_THAT((*searcher)->Search(params),
              StatusIs(Code::kUnavailable, HasSubstr(served.reader.endpoint())));
  EXPECT_THAT(Searcher::Open(idx).status(),
              StatusIs(Code::kUnavailable, HasSubstr(served.reader.endpoint())));
}

// xapian-tcpsrv drops a connection idle past its --idle-timeout (60 s by
// default), and may restart: a writer with nothing uncommitted reconnects
// instead of failing the next write.
TEST(RemoteShardWriterTest, IdleWriterReconnectsWhenItsServerRestarts) {
  TempDir dir;
  RemoteShard served(dir.Sub("served"));
  ASSERT_TRUE(served.Start());
  const std::vector<ShardSpec> shards = {
      ShardSpec::Remote({"127.0.0.1", static_cast<unsigned>(served.reader.port())},
                        {"127.0.0.1", static_cast<unsigned>(served.writer.port())})};
  auto writers = OpenShardWriters(dir.Sub("idx"), 1, shards);
  ASSERT_THAT(writers, IsOk());
  IndexWriter& writer = *(*writers)[0];
  ArticleIndexer indexer;
  auto upsert = [&](const std::string& id) {
    auto prepared = indexer.Prepare(MakeArticle({.id = id, .title = "Tidal barrage"}), nullptr);
    EXPECT_THAT(prepared, IsOk());
    return writer.Upsert(*prepared);
  };
  ASSERT_THAT(upsert("a"), IsOk());
  ASSERT_THAT(writer.Commit(), IsOk());
  served.writer.Stop();
  ASSERT_TRUE(served.writer.Start());
  EXPECT_THAT(upsert("b"), IsOk());
  EXPECT_FALSE(writer.failed());
  ASSERT_THAT(writer.Commit(), IsOk());
  EXPECT_EQ(Xapian::Database(dir.Sub("served")).get_doccount(), 2u);
  EXPECT_EQ(writer.generation(), 0u) << "a reconnection is not a recovery: nothing was lost";
}

}  // namespace
}  // namespace storyline::index
