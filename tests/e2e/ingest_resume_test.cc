// Issue 9, defect 8: the ingest contract after a failure. IngestArticles
// acknowledges the position committed through; the CLI keeps the last
// acknowledged line in a checkpoint file and `ingest --resume` sends only
// the rest. This test kills the server with SIGKILL at 20 random points of
// ingests and checks, after each, that every acknowledged article is
// there, then that resuming converges to the whole file: every article
// present, none twice.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <future>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "tests/e2e/cli_runner.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/testing/status_matchers.h"

namespace storyline::testing {
namespace {

const std::string kInput = std::string(STORYLINE_SHARED_DATA_DIR) + "/bbc/articles.jsonl";

// The ids of the input, by line (1-based; blank lines have "").
std::vector<std::string> IdsByLine() {
  std::vector<std::string> ids = {""};
  std::ifstream in(kInput);
  std::string line;
  while (std::getline(in, line)) {
    auto article = ParseArticleJson(line);
    ids.push_back(article.ok() ? article->id() : "");
  }
  return ids;
}

int64_t CheckpointLine(const std::string& file) {
  std::ifstream in(file);
  std::string word;
  int64_t line = -1;
  while (in >> word) {
    if (word == "line") in >> line;
  }
  return line;
}

class IngestResumeTest : public ::testing::Test {
 protected:
  TestServer* Start() {
    server_.reset();  // stop the previous server first: it holds the index
    server_ = std::make_unique<TestServer>(
        std::vector<std::string>{"--index_dir=" + tmp_.Sub("index"), "--semantic_rank=0",
                                 "--ingest_checkpoint_ms=100"},
        /*capture_log=*/true);
    if (!server_->ok()) ADD_FAILURE() << server_->log();
    return server_->ok() ? server_.get() : nullptr;
  }

  CliResult Ingest(bool resume) {
    return RunCli("--addr " + server_->address() + " ingest " + kInput + " --no-progress" +
                      " --checkpoint " + checkpoint_ + (resume ? " --resume" : ""),
                  tmp_);
  }

  // Every id on a line <= `through` must be readable.
  void ExpectCommitted(const std::vector<std::string>& ids, int64_t through) {
    Client client({.target = server_->address()});
    int missing = 0;
    for (int64_t line = 1; line <= through && line < static_cast<int64_t>(ids.size()); ++line) {
      if (!ids[line].empty() && !client.GetArticle(ids[line]).ok()) ++missing;
    }
    EXPECT_EQ(missing, 0) << "acknowledged through line " << through << " but articles are lost";
  }

  TempDir tmp_;
  const std::string checkpoint_ = tmp_.Sub("ckpt");
  std::unique_ptr<TestServer> server_;
};

TEST_F(IngestResumeTest, TwentyKillsAtRandomPointsConvergeWithResume) {
  const std::vector<std::string> ids = IdsByLine();
  ASSERT_GT(ids.size(), 1000u) << "needs " << kInput;
  std::random_device seed_source;
  const unsigned seed = seed_source();
  std::mt19937 rng(seed);
  SCOPED_TRACE(::testing::Message() << "seed " << seed);
  bool resume = false;
  int mid_ingest = 0;
  // Kills that land after the ingest finished test nothing; keep going
  // until 20 have landed mid-ingest (a finished run starts over next time).
  int runs = 0;
  for (; mid_ingest < 20 && runs < 60; ++runs) {
    ASSERT_NE(Start(), nullptr);
    auto cli = std::async(std::launch::async, [&, resume] { return Ingest(resume); });
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 1500));
    server_->Kill();
    const CliResult r = cli.get();
    // Killed mid-ingest: the CLI failed and left a checkpoint to resume
    // from. Finished first: nothing to resume; the next run starts over.
    resume = r.exit_code != 0;
    mid_ingest += resume ? 1 : 0;
    const int64_t through = resume ? CheckpointLine(checkpoint_) : 0;
    ASSERT_NE(Start(), nullptr) << "restart after kill -9 failed";
    ExpectCommitted(ids, through);
  }
  EXPECT_EQ(mid_ingest, 20) << "too few kills landed mid-ingest to test anything";
  std::cout << "[ kills ] " << mid_ingest << " of " << runs << " landed mid-ingest (seed " << seed
            << ")\n";
  ASSERT_NE(Start(), nullptr);
  const CliResult last = Ingest(resume);
  ASSERT_EQ(last.exit_code, 0) << last.err;
  absl::flat_hash_set<std::string> distinct(ids.begin() + 1, ids.end());
  distinct.erase("");
  Client client({.target = server_->address()});
  auto stats = client.GetIndexStats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->article_count(), static_cast<int64_t>(distinct.size()))
      << "duplicates or losses after " << mid_ingest << " kills mid-ingest";
  ExpectCommitted(ids, static_cast<int64_t>(ids.size()));
}

}  // namespace
}  // namespace storyline::testing

namespace storyline::testing {
namespace {

TEST(IngestResumeUsageTest, ResumeNeedsAFileAndItsOwnUnchangedCheckpoint) {
  TestServer server({"--semantic_rank=0"});
  ASSERT_TRUE(server.ok());
  TempDir tmp;
  const std::string input = tmp.Sub("in.jsonl");
  std::ofstream(input) << R"({"id": "r1", "title": "Ferry fares rise", "body": "Up."})"
                       << "\n"
                       << R"({"id": "r2", "title": "Ferry fares fall", "body": "Down."})"
                       << "\n";
  const std::string addr = "--addr " + server.address() + " ";
  const std::string ckpt = " --checkpoint " + tmp.Sub("ckpt");
  EXPECT_EQ(RunCli(addr + "ingest - --resume", tmp).exit_code, 2);
  const CliResult none = RunCli(addr + "ingest " + input + ckpt + " --resume", tmp);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.err, ::testing::HasSubstr("run without --resume"));
  // A finished ingest removes its checkpoint.
  EXPECT_EQ(RunCli(addr + "ingest " + input + ckpt, tmp).exit_code, 0);
  EXPECT_FALSE(std::ifstream(tmp.Sub("ckpt")).good());
  // A checkpoint for a file that has changed since is refused.
  std::ofstream(tmp.Sub("ckpt")) << "storyline-ingest-checkpoint 1\npath " << input
                                 << "\nsize 1\nmtime_ns 1\nline 1\n";
  const CliResult changed = RunCli(addr + "ingest " + input + ckpt + " --resume", tmp);
  EXPECT_EQ(changed.exit_code, 2);
  EXPECT_THAT(changed.err, ::testing::HasSubstr("changed since the checkpoint"));
}

}  // namespace
}  // namespace storyline::testing
