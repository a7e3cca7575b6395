// Issue 14's combined scale-out scenario, every process on loopback: a
// writer W with two read replicas R1 and R2, and beside it a server S over
// two remote shards (each a writable and a read-only xapian-tcpsrv). Both
// ingest while serving reads; R1 is killed, then one of S's shards. Reads
// over R1,R2 must keep answering, S must refuse (UNAVAILABLE, naming the
// shard) rather than answer from half the index, and no acknowledged write
// may be lost, on R2 or on S once its shard is back.
//
// Why side by side and not one topology (replicas of an index whose shards
// are remote): replication publishes the writer's local shard directories
// (xapian-replicate-server over --index_dir, with changesets the writer's
// own process turns on), while a remote shard's files live beside its
// xapian-tcpsrv, so a writer over remote shards refuses --replication_listen
// at start (server/replication.h, CheckPublishable; ReplicaStartupTest).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/hash64.h"
#include "tests/e2e/call_loop.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/replica_fixture.h"
#include "tests/testing/health_wait.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/tcpsrv.h"
#include "tests/testing/temp_dir.h"

namespace storyline::testing {
namespace {

using ::testing::AllOf;
using ::testing::Each;
using ::testing::HasSubstr;
using ::testing::StartsWith;
constexpr char kStory[] = "storyline.v1.StoryService";
constexpr char kIngest[] = "storyline.v1.IngestService";
constexpr int kLighthouses = 20;  // S's articles on "lighthouse": a Search must find them all
constexpr int kLost = 1;          // the shard of S that is killed

// The shard of two that ShardForId (index/index_layout.cc) places `id` on:
// the id's FNV-1a hash, whose constants are frozen (common/hash64.h).
int ShardOfTwo(const std::string& id) { return static_cast<int>(common::Fnv1a64(id) % 2); }

// The ids of the articles a server acknowledged, added by an ingest loop's
// thread and read by the test's. Thread-safe.
class AcknowledgedIds {
 public:
  void Add(const std::vector<v1::Article>& batch) {
    absl::MutexLock lock(&mu_);
    for (const v1::Article& a : batch) ids_.push_back(a.id());
  }
  std::vector<std::string> ids() {
    absl::MutexLock lock(&mu_);
    return ids_;
  }
  size_t size() {
    absl::MutexLock lock(&mu_);
    return ids_.size();
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> ids_ ABSL_GUARDED_BY(mu_);
};

// IndexArticles, sent again after the delay the server asks for while it
// answers RESOURCE_EXHAUSTED: S admits one IndexArticles at a time, and the
// test's own call competes with its ingest loop's.
absl::StatusOr<v1::IndexArticlesResponse> IndexWhenAdmitted(
    Client& client, const std::vector<v1::Article>& articles) {
  absl::StatusOr<v1::IndexArticlesResponse> indexed = client.IndexArticles(articles);
  for (int tries = 1; tries < 100 && absl::IsResourceExhausted(indexed.status()); ++tries) {
    absl::SleepFor(RetryDelay(indexed.status()).value_or(absl::Milliseconds(50)));
    indexed = client.IndexArticles(articles);
  }
  return indexed;
}

// A CallLoop call that sends `client` the next batch of five new articles
// "PREFIX-B-I", adds them to `acknowledged` if the server acknowledged the
// batch, and pauses 100 ms to spread the writes over the reads.
CallLoop::Call IngestBatches(Client& client, const std::string& prefix,
                             AcknowledgedIds& acknowledged) {
  return [&client, prefix, &acknowledged, batch = 0]() mutable {
    std::vector<v1::Article> articles;
    for (int i = 0; i < 5; ++i) {
      const std::string id = absl::StrCat(prefix, "-", batch, "-", i);
      articles.push_back(MakeArticle(id, "Harbour wall repaired " + id, "Storm damage fixed."));
    }
    ++batch;
    absl::StatusOr<v1::IndexArticlesResponse> indexed = IndexWhenAdmitted(client, articles);
    absl::SleepFor(absl::Milliseconds(100));
    if (!indexed.ok()) return indexed.status();
    if (indexed->errors_size() > 0) {
      return absl::InternalError(absl::StrCat("rejected: ", indexed->errors(0).ShortDebugString()));
    }
    acknowledged.Add(articles);
    return absl::OkStatus();
  };
}

// Every error `loop` saw has `code` and contains `text` (gmock prints the
// ones that do not).
void ExpectEveryError(CallLoop& loop, absl::StatusCode code, const std::string& text = "") {
  EXPECT_THAT(loop.distinct_errors(),
              Each(AllOf(StartsWith(absl::StatusCodeToString(code) + ": "), HasSubstr(text))));
}

// ClientFor on the heap (a Client does not move).
std::unique_ptr<Client> NewClientFor(const std::string& target) {
  return std::make_unique<Client>(
      ClientOptions{.target = target, .default_deadline = absl::Seconds(10)});
}

class ScaleOutTest : public ::testing::Test {
 protected:
  // W seeded with the demo corpus, and R1, R2 once they hold W's revision.
  void StartReplicated() {
    const int port = FreeLoopbackPort();
    writer_ = StartWriter(port);
    ASSERT_TRUE(writer_->ok()) << writer_->log();
    r1_ = StartReplica(port);
    r2_ = StartReplica(port);
    ASSERT_TRUE(r1_->ok() && r2_->ok()) << r1_->log() << r2_->log();
    w_client_ = NewClientFor(writer_->address());
    r2_client_ = NewClientFor(r2_->address());
    Client r1_client = ClientFor(r1_->address());
    absl::StatusOr<v1::IndexStats> stats = w_client_->GetIndexStats();
    ASSERT_THAT(stats, IsOk());
    ASSERT_TRUE(WaitForRevision(r1_client, stats->revision())) << r1_->log();
    ASSERT_TRUE(WaitForRevision(*r2_client_, stats->revision())) << r2_->log();
  }

  // S over two remote shards, holding kLighthouses articles on both
  // shards; lighthouse_on_lost_ is one on shard kLost.
  void StartSharded() {
    for (int i = 0; i < 2; ++i) {
      shards_[i] = std::make_unique<RemoteShard>(tcpsrv_root_.Sub(absl::StrCat("shard-", i)));
      ASSERT_TRUE(shards_[i]->Start()) << "xapian-tcpsrv did not start";
    }
    sharded_ = std::make_unique<TestServer>(
        std::vector<std::string>{absl::StrCat("--remote_shards=", shards_[0]->reader.endpoint(),
                                              ",", shards_[1]->reader.endpoint()),
                                 absl::StrCat("--remote_writers=", shards_[0]->writer.endpoint(),
                                              ",", shards_[1]->writer.endpoint()),
                                 "--semantic_rank=0"},
        /*capture_log=*/true);
    ASSERT_TRUE(sharded_->ok()) << sharded_->log();
    s_client_ = NewClientFor(sharded_->address());
    std::vector<v1::Article> lighthouses;
    for (int i = 0; i < kLighthouses; ++i) {
      const std::string id = absl::StrCat("lighthouse-", i);
      lighthouses.push_back(MakeArticle(id, "Lighthouse keeper " + id, "The lighthouse shone."));
      if (ShardOfTwo(id) == kLost) lighthouse_on_lost_ = id;
    }
    ASSERT_FALSE(lighthouse_on_lost_.empty());
    ASSERT_THAT(s_client_->IndexArticles(lighthouses), IsOk());
    ASSERT_THAT(SearchAllLighthouses(), IsOk());
  }

  // OK if S's Search finds every lighthouse article; an OK answer with
  // fewer (a silent wrong answer) is an error too.
  absl::Status SearchAllLighthouses() {
    v1::SearchRequest search;
    search.set_query("lighthouse");
    absl::StatusOr<v1::SearchResponse> found = s_client_->Search(search);
    if (!found.ok()) return found.status();
    if (found->total_size() == kLighthouses) return absl::OkStatus();
    return absl::InternalError(absl::StrCat("silent wrong answer: an OK Search found ",
                                            found->total_size(), " of ", kLighthouses));
  }

  // Kills shard kLost's read-only server, then its writable one, checking
  // that S names each as the reason it refuses.
  void LoseShardAndExpectItNamed() {
    const std::string reader = shards_[kLost]->reader.endpoint();
    shards_[kLost]->reader.Stop();
    const absl::Status search = SearchAllLighthouses();
    EXPECT_EQ(search.code(), absl::StatusCode::kUnavailable) << search;
    EXPECT_THAT(search.message(), HasSubstr(reader));
    const absl::Status get = s_client_->GetArticle(lighthouse_on_lost_).status();
    EXPECT_EQ(get.code(), absl::StatusCode::kUnavailable) << get;
    EXPECT_THAT(get.message(), HasSubstr(reader));
    EXPECT_TRUE(WaitForHealth(*s_client_, kStory, false, absl::Seconds(30)));

    const std::string writer = shards_[kLost]->writer.endpoint();
    shards_[kLost]->writer.Stop();
    int n = 0;
    while (ShardOfTwo(absl::StrCat("routed-", n)) != kLost) ++n;
    const std::vector<v1::Article> routed = {
        MakeArticle(absl::StrCat("routed-", n), "Tidal barrage", "A barrage.")};
    const absl::Status ingest = IndexWhenAdmitted(*s_client_, routed).status();
    EXPECT_EQ(ingest.code(), absl::StatusCode::kUnavailable) << ingest;
    EXPECT_THAT(ingest.message(), HasSubstr(writer));
    EXPECT_TRUE(WaitForHealth(*s_client_, kIngest, false, absl::Seconds(30)));
  }

  // Every id in `ids` answers GetArticle on `client`.
  static void ExpectAllReadable(Client& client, const std::vector<std::string>& ids) {
    int missing = 0;
    for (const std::string& id : ids) {
      const absl::Status got = client.GetArticle(id).status();
      EXPECT_TRUE(got.ok()) << id << ": " << got;
      missing += got.ok() ? 0 : 1;
    }
    EXPECT_EQ(missing, 0) << "of " << ids.size() << " acknowledged";
  }

  // Every id W acknowledged is readable on R2 once it holds W's revision,
  // and every id S acknowledged is readable on S.
  void ExpectNoAcknowledgedWriteLost(AcknowledgedIds& w_acked, AcknowledgedIds& s_acked) {
    absl::StatusOr<v1::IndexStats> w_stats = w_client_->GetIndexStats();
    ASSERT_THAT(w_stats, IsOk());
    ASSERT_TRUE(WaitForRevision(*r2_client_, w_stats->revision())) << r2_->log();
    ExpectAllReadable(*r2_client_, w_acked.ids());
    ExpectAllReadable(*s_client_, s_acked.ids());
    EXPECT_THAT(SearchAllLighthouses(), IsOk());
  }

  // Declared before what uses them: destroyed last.
  TempDir tcpsrv_root_;
  std::unique_ptr<RemoteShard> shards_[2];
  std::unique_ptr<TestServer> writer_, r1_, r2_, sharded_;
  std::unique_ptr<Client> w_client_, r2_client_, s_client_;
  std::string lighthouse_on_lost_;
};

TEST_F(ScaleOutTest, ReadsSurviveAKilledReplicaALostShardIsNamedAndNoAcknowledgedWriteIsLost) {
  ASSERT_NO_FATAL_FAILURE(StartReplicated());
  ASSERT_NO_FATAL_FAILURE(StartSharded());
  Client both = ClientFor(absl::StrCat(r1_->address(), ",", r2_->address()));
  v1::SearchRequest council;
  council.set_query("council");
  CallLoop replica_reads({[&] { return both.GetArticle("demo-001").status(); },
                          [&] { return both.Search(council).status(); }});
  CallLoop sharded_reads({[&] { return SearchAllLighthouses(); },
                          [&] { return s_client_->GetArticle(lighthouse_on_lost_).status(); }});
  AcknowledgedIds w_acked, s_acked;
  CallLoop w_ingest({IngestBatches(*w_client_, "w", w_acked)});
  CallLoop s_ingest({IngestBatches(*s_client_, "s", s_acked)});

  // R1 dies mid-ingest (SIGKILL: no goodbye to its clients).
  ASSERT_TRUE(WaitUntil([&] { return w_acked.size() >= 20; })) << w_ingest.first_error();
  r1_->Kill();
  const int replica_calls_at_kill = replica_reads.calls();

  // Then shard kLost of S, while both still ingest.
  ASSERT_TRUE(WaitUntil([&] { return w_acked.size() >= 40 && s_acked.size() >= 20; }))
      << s_ingest.first_error();
  EXPECT_EQ(sharded_reads.errors(), 0) << "before the loss: " << sharded_reads.first_error();
  LoseShardAndExpectItNamed();
  EXPECT_TRUE(WaitUntil([&] { return s_ingest.errors() >= 2 && sharded_reads.errors() >= 10; }));
  // Every read that failed before the restart found the shard gone.
  ExpectEveryError(sharded_reads, absl::StatusCode::kUnavailable,
                   shards_[kLost]->reader.endpoint());

  // The shard comes back; S answers and acknowledges again.
  ASSERT_TRUE(shards_[kLost]->Start());
  EXPECT_TRUE(WaitForHealth(*s_client_, kStory, true, absl::Seconds(30)));
  EXPECT_TRUE(WaitForHealth(*s_client_, kIngest, true, absl::Seconds(30)));
  const size_t s_acked_at_restart = s_acked.size();
  const int s_reads_ok_at_restart = sharded_reads.successes();
  EXPECT_TRUE(WaitUntil([&] {
    return s_acked.size() > s_acked_at_restart &&
           sharded_reads.successes() > s_reads_ok_at_restart + 10;
  }));
  w_ingest.Stop();
  s_ingest.Stop();
  // Reads go on until they have surely met the dead replica's turn.
  EXPECT_TRUE(WaitUntil([&] { return replica_reads.calls() > replica_calls_at_kill + 100; }));
  replica_reads.Stop();
  sharded_reads.Stop();

  EXPECT_EQ(replica_reads.errors(), 0) << replica_reads.first_error();
  ExpectEveryError(sharded_reads, absl::StatusCode::kUnavailable);  // never a silent wrong answer
  ExpectEveryError(s_ingest, absl::StatusCode::kUnavailable);
  EXPECT_EQ(w_ingest.errors(), 0) << w_ingest.first_error();
  ExpectNoAcknowledgedWriteLost(w_acked, s_acked);
  RecordProperty("acknowledged_on_w", static_cast<int>(w_acked.size()));
  RecordProperty("acknowledged_on_s", static_cast<int>(s_acked.size()));
  RecordProperty("replica_reads", replica_reads.calls());
  RecordProperty("sharded_reads", sharded_reads.calls());
  RecordProperty("sharded_read_errors", sharded_reads.errors());
  RecordProperty("sharded_ingest_errors", s_ingest.errors());
}

}  // namespace
}  // namespace storyline::testing
