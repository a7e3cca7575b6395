// Read replicas on loopback: a writer publishing its shards with
// xapian-replicate-server (supervised by the server), replicas pulling them
// with xapian-replicate and serving StoryService, ingest refused on a
// replica, health, lag, the writer's replication server restarted when it
// dies, and start-up refusals (bad flags, a writer's directory given to a
// replica, an index of remote shards given --replication_listen).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/e2e/auth_fixture.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/replica_fixture.h"
#include "tests/testing/tcpsrv.h"
#include "tests/testing/temp_dir.h"

namespace storyline::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kStoryService[] = "storyline.v1.StoryService";

std::vector<std::string> SearchIds(Client& client, const std::string& query) {
  v1::SearchRequest request;
  request.set_query(query);
  request.set_page_size(20);
  absl::StatusOr<v1::SearchResponse> response = client.Search(request);
  std::vector<std::string> ids;
  if (!response.ok()) return {"error: " + response.status().ToString()};
  for (const auto& result : response->results()) ids.push_back(result.article().id());
  return ids;
}

// The pids of `pid`'s children (every thread's), from /proc.
std::vector<pid_t> ChildrenOf(pid_t pid) {
  std::vector<pid_t> children;
  const std::string tasks = absl::StrCat("/proc/", pid, "/task");
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator(tasks, ec)) {
    std::ifstream in(task.path() / "children");
    pid_t child = 0;
    while (in >> child) children.push_back(child);
  }
  return children;
}

class ReplicaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = FreeLoopbackPort();
    ASSERT_GT(port_, 0);
    writer_ = StartWriter(port_);
    ASSERT_TRUE(writer_->ok()) << writer_->log();
  }
  uint64_t WriterRevision() {
    Client writer = ClientFor(writer_->address());
    absl::StatusOr<v1::IndexStats> stats = writer.GetIndexStats();
    EXPECT_TRUE(stats.ok()) << stats.status();
    return stats.ok() ? stats->revision() : 0;
  }

  int port_ = 0;
  std::unique_ptr<TestServer> writer_;
};

TEST_F(ReplicaTest, ServesTheWritersIndexAndReportsItsLag) {
  std::unique_ptr<TestServer> replica = StartReplica(port_);
  ASSERT_TRUE(replica->ok()) << replica->log();
  Client writer = ClientFor(writer_->address());
  Client reader = ClientFor(replica->address());
  const uint64_t revision = WriterRevision();
  ASSERT_TRUE(WaitForRevision(reader, revision)) << replica->log();
  absl::StatusOr<v1::IndexStats> stats = reader.GetIndexStats();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->revision(), revision);
  EXPECT_EQ(stats->article_count(), writer.GetIndexStats()->article_count());
  ASSERT_TRUE(stats->has_replica());
  EXPECT_EQ(stats->replica().writer(), absl::StrCat("127.0.0.1:", port_));
  EXPECT_TRUE(stats->replica().has_copy());
  EXPECT_TRUE(WaitUntil([&] {
    absl::StatusOr<v1::IndexStats> s = reader.GetIndexStats();
    return s.ok() && s->replica().has_synced_through() && s->replica().lag_seconds() >= 0 &&
           s->replica().lag_seconds() < 5;
  }));
  EXPECT_FALSE(writer.GetIndexStats()->has_replica());
  for (const char* query : {"tidal barrage", "council", "election"}) {
    EXPECT_EQ(SearchIds(reader, query), SearchIds(writer, query)) << query;
  }
  EXPECT_TRUE(reader.CheckHealth(kStoryService).ok());
}

TEST_F(ReplicaTest, PicksUpEachNewRevisionWithinSeconds) {
  std::unique_ptr<TestServer> replica = StartReplica(port_);
  ASSERT_TRUE(replica->ok()) << replica->log();
  Client writer = ClientFor(writer_->address());
  Client reader = ClientFor(replica->address());
  ASSERT_TRUE(WaitForRevision(reader, WriterRevision())) << replica->log();
  for (int i = 0; i < 3; ++i) {
    const std::string id = absl::StrCat("replica-new-", i);
    absl::StatusOr<v1::IndexArticlesResponse> indexed =
        writer.IndexArticles(std::vector<v1::Article>{
            MakeArticle(id, "Lighthouse keeper retires", "After forty years.")});
    ASSERT_TRUE(indexed.ok()) << indexed.status();
    // The commit is acknowledged: the replica serves it within seconds.
    EXPECT_TRUE(WaitUntil([&] { return reader.GetArticle(id).ok(); }, absl::Seconds(5)))
        << id << "\n"
        << replica->log();
    // ... and the whole commit (every shard) right after.
    EXPECT_TRUE(WaitForRevision(reader, indexed->revision(), absl::Seconds(5)));
  }
}

TEST_F(ReplicaTest, TheWriterKeepsChangesetsSoReplicasFetchOnlyNewCommits) {
  for (const char* shard : {"shard-00", "shard-01"}) {
    int changesets = 0;
    std::error_code ec;
    for (const auto& f :
         std::filesystem::directory_iterator(writer_->dir().Sub("index/") + shard, ec)) {
      if (f.path().filename().string().rfind("changes", 0) == 0) ++changesets;
    }
    EXPECT_GT(changesets, 0) << shard;
  }
}

// A replica further behind than the writer's changesets gets a full copy,
// which xapian-replicate writes to a new directory; long-lived readers must
// follow it. Without changesets every sync is a full copy.
TEST(ReplicaFullCopyTest, ReadersFollowAShardReplacedByAFullCopy) {
  setenv("XAPIAN_MAX_CHANGESETS", "0", 1);  // inherited by the writer
  const int port = FreeLoopbackPort();
  std::unique_ptr<TestServer> writer_server = StartWriter(port);
  unsetenv("XAPIAN_MAX_CHANGESETS");
  ASSERT_TRUE(writer_server->ok()) << writer_server->log();
  std::unique_ptr<TestServer> replica = StartReplica(port, {"--search_threads=1"});
  ASSERT_TRUE(replica->ok()) << replica->log();
  Client writer = ClientFor(writer_server->address());
  Client reader = ClientFor(replica->address());
  ASSERT_TRUE(WaitForRevision(reader, writer.GetIndexStats()->revision())) << replica->log();
  ASSERT_TRUE(reader.GetArticle("demo-001").ok());  // the readers open the first copy
  for (int i = 0; i < 3; ++i) {
    const std::string id = absl::StrCat("full-copy-", i);
    absl::StatusOr<v1::IndexArticlesResponse> indexed = writer.IndexArticles(
        std::vector<v1::Article>{MakeArticle(id, "Quokkafest ferry timetable", "Winter.")});
    ASSERT_TRUE(indexed.ok()) << indexed.status();
    EXPECT_TRUE(WaitForRevision(reader, indexed->revision(), absl::Seconds(10)));
    // Every reader thread (several calls) sees the new copy.
    for (int call = 0; call < 8; ++call) {
      EXPECT_TRUE(reader.GetArticle(id).ok()) << id << ": " << reader.GetArticle(id).status();
      EXPECT_EQ(SearchIds(reader, "quokkafest").size(), static_cast<size_t>(i + 1));
    }
  }
}

TEST_F(ReplicaTest, IngestIsRefusedNamingTheWriter) {
  std::unique_ptr<TestServer> replica = StartReplica(port_, {"--writer_address=writer.test:50051"});
  ASSERT_TRUE(replica->ok()) << replica->log();
  Client reader = ClientFor(replica->address());
  std::vector<v1::Article> articles = {MakeArticle("r-1", "Title", "Body")};
  absl::Status indexed = reader.IndexArticles(articles).status();
  EXPECT_EQ(indexed.code(), absl::StatusCode::kFailedPrecondition) << indexed;
  EXPECT_THAT(indexed.message(), HasSubstr("writer.test:50051"));
  absl::Status ingested = reader.IngestArticles(articles).status();
  EXPECT_EQ(ingested.code(), absl::StatusCode::kFailedPrecondition) << ingested;
  EXPECT_THAT(ingested.message(), HasSubstr("writer.test:50051"));
  v1::DeleteArticlesRequest del;
  del.add_ids("demo-001");
  absl::Status deleted = reader.DeleteArticles(del).status();
  EXPECT_EQ(deleted.code(), absl::StatusCode::kFailedPrecondition) << deleted;
  EXPECT_THAT(deleted.message(), HasSubstr("read-only replica"));
  EXPECT_TRUE(absl::IsUnavailable(reader.CheckHealth("storyline.v1.IngestService")));
  // Nothing was deleted on the writer.
  EXPECT_TRUE(ClientFor(writer_->address()).GetArticle("demo-001").ok());
}

TEST_F(ReplicaTest, NotServingUntilTheFirstCopy) {
  const int idle_port = FreeLoopbackPort();  // no writer there yet
  std::unique_ptr<TestServer> replica = StartReplica(idle_port);
  ASSERT_TRUE(replica->ok()) << replica->log();
  Client reader = ClientFor(replica->address());
  EXPECT_TRUE(absl::IsUnavailable(reader.CheckHealth(kStoryService)));
  absl::StatusOr<v1::IndexStats> stats = reader.GetIndexStats();
  EXPECT_FALSE(stats.ok());
  // The writer arrives: the first copy is made and the replica serves.
  std::unique_ptr<TestServer> writer = StartWriter(idle_port);
  ASSERT_TRUE(writer->ok()) << writer->log();
  EXPECT_TRUE(WaitUntil([&] { return reader.CheckHealth(kStoryService).ok(); })) << replica->log();
  EXPECT_TRUE(reader.GetArticle("demo-001").ok());
}

TEST_F(ReplicaTest, KeepsServingItsLastCopyWhenTheWriterIsGone) {
  std::unique_ptr<TestServer> replica = StartReplica(port_);
  ASSERT_TRUE(replica->ok()) << replica->log();
  Client reader = ClientFor(replica->address());
  ASSERT_TRUE(WaitForRevision(reader, WriterRevision())) << replica->log();
  writer_->Kill();
  EXPECT_TRUE(WaitUntil([&] {
    absl::StatusOr<v1::IndexStats> s = reader.GetIndexStats();
    return s.ok() && s->replica().consecutive_failures() >= 2 && s->replica().lag_seconds() > 1;
  })) << replica->log();
  EXPECT_TRUE(reader.CheckHealth(kStoryService).ok());
  EXPECT_TRUE(reader.GetArticle("demo-001").ok());
  EXPECT_FALSE(reader.GetIndexStats()->replica().last_error().empty());
  EXPECT_THAT(replica->log(), HasSubstr("cannot sync from"));
}

TEST_F(ReplicaTest, TheWriterRestartsItsReplicationServerWhenItDies) {
  std::vector<pid_t> children = ChildrenOf(writer_->pid());
  ASSERT_EQ(children.size(), 1u) << "expected one xapian-replicate-server child";
  ASSERT_EQ(kill(children[0], SIGKILL), 0);
  EXPECT_TRUE(WaitUntil([&] {
    std::vector<pid_t> now = ChildrenOf(writer_->pid());
    return now.size() == 1 && now[0] != children[0];
  })) << writer_->log();
  // The new one serves: a replica started now gets its copy.
  std::unique_ptr<TestServer> replica = StartReplica(port_);
  ASSERT_TRUE(replica->ok()) << replica->log();
  Client reader = ClientFor(replica->address());
  EXPECT_TRUE(WaitForRevision(reader, WriterRevision())) << replica->log();
  EXPECT_THAT(writer_->log(), HasSubstr("exited with code"));
}

TEST_F(ReplicaTest, TheSemanticModelIsBuiltOnTheReplica) {
  std::unique_ptr<TestServer> replica = StartReplica(port_, {"--semantic_rank=150"});
  ASSERT_TRUE(replica->ok()) << replica->log();
  Client reader = ClientFor(replica->address());
  ASSERT_TRUE(WaitForRevision(reader, WriterRevision())) << replica->log();
  EXPECT_TRUE(WaitUntil([&] {
    absl::StatusOr<v1::IndexStats> s = reader.GetIndexStats();
    return s.ok() && s->semantic_articles() == s->article_count();
  })) << replica->log();
  EXPECT_TRUE(std::filesystem::exists(replica->dir().Sub("index/semantic-model")));
}

TEST(ReplicaStartupTest, ReadOnlyAndReplicateFromGoTogether) {
  TempDir dir;
  for (const std::string& args :
       {std::string("--read_only"), std::string("--replicate_from=127.0.0.1:1"),
        std::string("--read_only --replicate_from=127.0.0.1:1 --seed_jsonl=") +
            STORYLINE_DEMO_JSONL}) {
    const ExitResult r = RunServerToExit("--index_dir=" + dir.Sub("index") + " " + args);
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.output;
    EXPECT_THAT(r.output, HasSubstr("--read_only")) << args;
  }
}

TEST(ReplicaStartupTest, AReplicaRefusesAWritersIndexDirectory) {
  TestServer writer({std::string("--seed_jsonl=") + STORYLINE_DEMO_JSONL});
  ASSERT_TRUE(writer.ok());
  const std::string writer_index = writer.dir().Sub("index");
  writer.Stop();
  const ExitResult r =
      RunServerToExit("--read_only --replicate_from=127.0.0.1:1 --index_dir=" + writer_index +
                      " --listen=127.0.0.1:0");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("holds a writer's index"));
}

TEST(ReplicaStartupTest, ABadReplicateFromIsRefused) {
  TempDir dir;
  const ExitResult r =
      RunServerToExit("--read_only --replicate_from=no-port --index_dir=" + dir.Sub("index") +
                      " --listen=127.0.0.1:0");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("--replicate_from is \"no-port\""));
}

// Replication copies the shard directories inside --index_dir; an index of
// remote shards has none there, so its replicas would fail every sync.
// Refused at start, for a new index (--remote_shards) and for one whose
// stub already lists remote shards.
TEST(ReplicaStartupTest, AnIndexOfRemoteShardsIsNotPublished) {
  TempDir root;
  RemoteShard shard(root.Sub("tcpsrv-shard"));
  ASSERT_TRUE(shard.Start()) << "xapian-tcpsrv did not start";
  const std::string shards = "--remote_shards=" + shard.reader.endpoint();
  const std::string writers = "--remote_writers=" + shard.writer.endpoint();
  const std::string publish =
      absl::StrCat(" --listen=127.0.0.1:0 --replication_listen=127.0.0.1:", FreeLoopbackPort());

  const ExitResult made =
      RunServerToExit("--index_dir=" + root.Sub("new") + " " + shards + " " + writers + publish);
  EXPECT_EQ(made.exit_code, 1) << made.output;
  EXPECT_THAT(made.output, HasSubstr("--replication_listen cannot publish the index"));
  EXPECT_THAT(made.output, HasSubstr("--remote_shards makes its shards remote"));
  EXPECT_THAT(made.output, HasSubstr("where its xapian-tcpsrv runs"));
  EXPECT_FALSE(std::filesystem::exists(root.Sub("new/XAPIANDB")));  // refused before creating it

  TestServer writer({shards, writers});  // the index over the remote shard, not published
  ASSERT_TRUE(writer.ok());
  const std::string index = writer.dir().Sub("index");
  writer.Stop();
  const ExitResult reopened = RunServerToExit("--index_dir=" + index + publish);
  EXPECT_EQ(reopened.exit_code, 1) << reopened.output;
  EXPECT_THAT(reopened.output,
              HasSubstr(absl::StrCat("its shard 0 is remote (", shard.reader.endpoint(), ")")));
}

}  // namespace
}  // namespace storyline::testing
