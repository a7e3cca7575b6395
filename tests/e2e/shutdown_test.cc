// Graceful shutdown. Issue 9, defect 5: shutdown must finish within its
// call timeout even when a semantic-model build is running (it used to wait
// 24-25 s for one, against a 10 s timeout and Docker's 10 s stop timeout).
// And a call in flight at SIGTERM drains: it finishes, and what it wrote is
// committed before the server exits.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <string>

#include "absl/time/clock.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/server_log.h"
#include "tests/testing/status_matchers.h"

namespace storyline::testing {
namespace {

int Count(const std::string& log, const std::string& needle) {
  int n = 0;
  for (size_t at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1)) ++n;
  return n;
}

// Waits until a build has started and not finished ("building" logged more
// often than a finished model, "semantic model: rank").
bool WaitForBuildInProgress(const TestServer& server, absl::Duration timeout) {
  const absl::Time give_up = absl::Now() + timeout;
  while (absl::Now() < give_up) {
    const std::string log = server.log();
    if (Count(log, "semantic model: building") > Count(log, "semantic model: rank")) return true;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return false;
}

TEST(ShutdownTest, SigtermDuringASemanticBuildStopsItWithinTheGrace) {
  TestServer server({"--log_level=info", "--shutdown_call_timeout_seconds=10"},
                    /*capture_log=*/true);
  ASSERT_TRUE(server.ok());
  {
    Client client({.target = server.address()});
    // 20news train: a build of several seconds on this hardware.
    ASSERT_THAT(IngestSharedJsonl(client, "20news/articles-train.jsonl"), IsOk());
  }
  ASSERT_TRUE(WaitForBuildInProgress(server, absl::Seconds(60)));
  const int finished_before = Count(server.log(), "semantic model: rank");
  const absl::Time start = absl::Now();
  EXPECT_EQ(server.Stop(), 0);
  const absl::Duration took = absl::Now() - start;
  EXPECT_LT(took, absl::Seconds(3)) << "shutdown took " << took << "\n" << server.log();
  // Cancelled, not finished.
  EXPECT_EQ(Count(server.log(), "semantic model: rank"), finished_before) << server.log();
}

// Reads progress messages until one acknowledges `position`; false if the
// stream ends first.
bool AwaitCommitted(grpc::ClientReaderWriter<v1::Article, v1::IngestProgress>& stream,
                    int64_t position, v1::IngestProgress* last) {
  while (stream.Read(last)) {
    if (last->committed_through() >= position) return true;
  }
  return false;
}

TEST(ShutdownTest, AStreamInFlightAtSigtermFinishesAndWhatItWroteIsDurable) {
  // Every article is its own checkpoint, so each gets its progress message.
  TestServer server({"--log_level=info", "--semantic_rank=0", "--ingest_checkpoint_ms=0"},
                    /*capture_log=*/true);
  ASSERT_TRUE(server.ok());
  auto stub = v1::IngestService::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  auto stream = stub->IngestArticles(&ctx);
  ASSERT_TRUE(stream->Write(MakeArticle("drain-1", "Before the signal", "Ferry fares rise.")));
  v1::IngestProgress progress;
  ASSERT_TRUE(AwaitCommitted(*stream, 0, &progress)) << "the stream is not being served";

  // The server has begun shutting down while the stream is open...
  server.Signal(SIGTERM);
  ASSERT_FALSE(AwaitLine(server, "received SIGTERM, shutting down").empty()) << server.log();
  // ...and still serves it to its end.
  ASSERT_TRUE(stream->Write(MakeArticle("drain-2", "After the signal", "Ferry fares fall.")));
  stream->WritesDone();
  while (stream->Read(&progress)) {
  }
  const grpc::Status finished = stream->Finish();
  EXPECT_TRUE(finished.ok()) << finished.error_message();
  EXPECT_TRUE(progress.done());
  EXPECT_EQ(progress.committed_through(), 1);
  EXPECT_EQ(progress.indexed_count(), 2);
  EXPECT_EQ(server.Wait(), 0) << server.log();

  // Both articles were committed before the server exited.
  TestServer again({"--index_dir=" + server.dir().Sub("index"), "--semantic_rank=0"});
  ASSERT_TRUE(again.ok());
  Client client({.target = again.address()});
  EXPECT_THAT(client.GetArticle("drain-1"), IsOk());
  EXPECT_THAT(client.GetArticle("drain-2"), IsOk());
}

TEST(ShutdownTest, TheOldNameOfTheCallTimeoutIsStillAccepted) {
  TestServer server({"--shutdown_grace_seconds=5"}, /*capture_log=*/true);
  ASSERT_TRUE(server.ok()) << server.log();
  EXPECT_THAT(server.log(), ::testing::HasSubstr("--shutdown_grace_seconds is deprecated"));
  EXPECT_EQ(server.Stop(), 0);
}

}  // namespace
}  // namespace storyline::testing
