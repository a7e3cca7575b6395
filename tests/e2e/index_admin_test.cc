// Issue 9, defects 4 and 7, end to end: the server refuses an index whose
// shards are missing, re-listed or damaged, saying what to do, and
// `storyline-admin check` / `reshard` do what it says.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/e2e/cli_runner.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/testing/status_matchers.h"

namespace storyline::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;

class IndexAdminTest : public ::testing::Test {
 protected:
  // Runs a server on `dir` with `args`, ingests `articles`, stops it.
  void Fill(const std::string& dir, const std::vector<v1::Article>& articles,
            const std::string& shards = "--shards=2") {
    TestServer server({"--index_dir=" + dir, shards, "--semantic_rank=0"});
    ASSERT_TRUE(server.ok());
    Client client({.target = server.address()});
    ASSERT_THAT(client.IndexArticles(articles), IsOk());
  }

  // Starts a server on `dir`; returns its log if it refused to start.
  std::string Refusal(const std::string& dir) {
    TestServer server({"--index_dir=" + dir, "--semantic_rank=0"}, /*capture_log=*/true);
    EXPECT_FALSE(server.ok()) << "the server started on a bad index";
    return server.log();
  }

  int64_t CountArticles(const std::string& dir) {
    TestServer server({"--index_dir=" + dir, "--semantic_rank=0"});
    if (!server.ok()) return -1;
    Client client({.target = server.address()});
    auto stats = client.GetIndexStats();
    return stats.ok() ? stats->article_count() : -1;
  }

  CliResult Admin(const std::string& args) { return RunProgram(STORYLINE_ADMIN_BIN, args, tmp_); }

  std::vector<v1::Article> Articles(int n, const std::string& prefix = "n") {
    std::vector<v1::Article> out;
    for (int i = 0; i < n; ++i) {
      out.push_back(MakeArticle(prefix + std::to_string(i), "Quay repairs " + std::to_string(i),
                                "The harbour board voted on quay repairs."));
    }
    return out;
  }

  TempDir tmp_;
  const std::string dir_ = tmp_.Sub("index");
};

TEST_F(IndexAdminTest, MissingShardRefusedThenRestored) {
  Fill(dir_, Articles(50));
  fs::rename(fs::path(dir_) / "shard-01", tmp_.Sub("backup"));
  EXPECT_THAT(Refusal(dir_), HasSubstr("is missing"));
  EXPECT_FALSE(fs::exists(fs::path(dir_) / "shard-01")) << "the missing shard was recreated";
  fs::rename(tmp_.Sub("backup"), fs::path(dir_) / "shard-01");
  EXPECT_EQ(CountArticles(dir_), 50);
}

TEST_F(IndexAdminTest, AppendedShardRefusedUntilResharded) {
  Fill(dir_, Articles(50));
  // Someone appends a shard (here one holding 10 copies of existing ids).
  const std::string other = tmp_.Sub("other");
  Fill(other, Articles(10), "--shards=1");
  fs::rename(fs::path(other) / "shard-00", fs::path(dir_) / "shard-02");
  std::ofstream(fs::path(dir_) / "XAPIANDB", std::ios::app) << "glass shard-02\n";
  EXPECT_THAT(Refusal(dir_), HasSubstr("storyline-admin reshard"));

  const CliResult reshard = Admin("reshard --index_dir=" + dir_ + " --shards=3");
  EXPECT_EQ(reshard.exit_code, 0) << reshard.out << reshard.err;
  EXPECT_THAT(reshard.out, HasSubstr("50 articles (10 duplicate copies merged)"));
  EXPECT_EQ(CountArticles(dir_), 50);
  EXPECT_EQ(Admin("check --index_dir=" + dir_).exit_code, 0);
}

TEST_F(IndexAdminTest, DamagedShardRefusedAndReportedByCheck) {
  Fill(dir_, Articles(400));
  const CliResult healthy = Admin("check --index_dir=" + dir_);
  EXPECT_EQ(healthy.exit_code, 0) << healthy.out << healthy.err;
  EXPECT_THAT(healthy.out, HasSubstr("healthy"));
  fs::resize_file(fs::path(dir_) / "shard-00" / "docdata.glass", 8192);
  EXPECT_THAT(Refusal(dir_), AllOf(HasSubstr("damaged"), HasSubstr("storyline-admin check")));
  const CliResult damaged = Admin("check --index_dir=" + dir_);
  EXPECT_EQ(damaged.exit_code, 1);
  EXPECT_THAT(damaged.out, HasSubstr("DAMAGED"));
}

TEST_F(IndexAdminTest, ReshardRefusedWhileTheServerRuns) {
  Fill(dir_, Articles(5));
  TestServer server({"--index_dir=" + dir_, "--semantic_rank=0"});
  ASSERT_TRUE(server.ok());
  const CliResult r = Admin("reshard --index_dir=" + dir_ + " --shards=3");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("stop it first"));
}

}  // namespace
}  // namespace storyline::testing
