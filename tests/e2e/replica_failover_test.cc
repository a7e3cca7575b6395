// A writer and two replicas on loopback, read through one round-robin
// client while the writer ingests; one replica is killed mid-way. Reads
// must keep answering with zero errors (the dead replica costs retries),
// and every write the writer acknowledged must become readable on the
// surviving replica.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/e2e/call_loop.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/replica_fixture.h"

namespace storyline::testing {
namespace {

TEST(ReplicaFailoverTest, RoundRobinReadsSurviveAKilledReplicaAndNoAcknowledgedWriteIsLost) {
  const int port = FreeLoopbackPort();
  std::unique_ptr<TestServer> writer = StartWriter(port);
  ASSERT_TRUE(writer->ok()) << writer->log();
  std::unique_ptr<TestServer> r1 = StartReplica(port), r2 = StartReplica(port);
  ASSERT_TRUE(r1->ok() && r2->ok()) << r1->log() << r2->log();
  Client ingest = ClientFor(writer->address());
  Client direct1 = ClientFor(r1->address()), direct2 = ClientFor(r2->address());
  const uint64_t start_revision = ingest.GetIndexStats()->revision();
  ASSERT_TRUE(WaitForRevision(direct1, start_revision)) << r1->log();
  ASSERT_TRUE(WaitForRevision(direct2, start_revision)) << r2->log();

  Client both = ClientFor(absl::StrCat(r1->address(), ",", r2->address()));
  v1::SearchRequest search;
  search.set_query("council");
  CallLoop reads({[&] { return both.GetArticle("demo-001").status(); },
                  [&] { return both.Search(search).status(); }});
  std::vector<std::string> acknowledged;
  for (int batch = 0; batch < 12; ++batch) {
    if (batch == 4) r1->Kill();  // SIGKILL: no goodbye to its clients
    std::vector<v1::Article> articles;
    for (int i = 0; i < 5; ++i) {
      const std::string id = absl::StrCat("failover-", batch, "-", i);
      articles.push_back(MakeArticle(id, "Harbour wall repaired " + id, "Storm damage fixed."));
    }
    absl::StatusOr<v1::IndexArticlesResponse> indexed = ingest.IndexArticles(articles);
    ASSERT_TRUE(indexed.ok()) << indexed.status();
    for (const v1::Article& a : articles) acknowledged.push_back(a.id());
    absl::SleepFor(absl::Milliseconds(100));  // spreads the writes over the reads
  }
  const int calls_at_last_write = reads.calls();
  // Reads go on until they have surely reached the dead replica's turn.
  EXPECT_TRUE(WaitUntil([&] { return reads.calls() > calls_at_last_write + 50; }));
  reads.Stop();
  EXPECT_EQ(reads.errors(), 0) << reads.first_error();
  EXPECT_GT(reads.calls(), 100);
  for (const std::string& id : acknowledged) {
    EXPECT_TRUE(WaitUntil([&] { return direct2.GetArticle(id).ok(); }, absl::Seconds(10))) << id;
  }
}

}  // namespace
}  // namespace storyline::testing
