// storyline-server --synonyms FILE: query words expand to their group, the
// file is re-read on SIGHUP, and a bad file is refused at start-up and
// ignored (old synonyms kept) on reload.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "storyline/client.h"
#include "tests/e2e/auth_fixture.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/server_log.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_server.h"

namespace storyline::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

class SynonymsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(path_, "# countries\nusa, united states\n");
    server_ = std::make_unique<TestServer>(
        std::vector<std::string>{"--synonyms=" + path_, "--log_level=info"}, true);
    ASSERT_TRUE(server_->ok()) << server_->log();
    client_ = std::make_unique<Client>(Client::Options{.target = server_->address()});
    std::vector<v1::Article> articles = {
        MakeArticle("states", "United States holds election", "Voters went to the polls."),
        MakeArticle("usa", "USA wins the cup", "The team beat the hosts."),
        MakeArticle("car", "Automobile sales fall", "Fewer were sold this spring.")};
    size_t next = 0;
    ASSERT_THAT(client_->IndexArticles(Client::ArticleSource([&](v1::Article* a) {
      if (next == articles.size()) return false;
      *a = articles[next++];
      return true;
    })),
                IsOk());
  }

  std::vector<std::string> Find(const std::string& query) {
    v1::SearchRequest req;
    req.set_query(query);
    auto r = client_->Search(req);
    EXPECT_THAT(r, IsOk()) << query;
    std::vector<std::string> ids;
    if (r.ok()) {
      for (const auto& hit : r->results()) ids.push_back(hit.article().id());
    }
    return ids;
  }

  // Sends SIGHUP and waits (bounded) for the log line that reports it.
  std::string ReloadAndAwait(const std::string& needle) {
    const size_t before = ReadLines(server_->log_path()).size();
    server_->Signal(SIGHUP);
    const absl::Time end = absl::Now() + absl::Seconds(10);
    while (absl::Now() < end) {
      const std::vector<std::string> lines = ReadLines(server_->log_path());
      for (size_t i = before; i < lines.size(); ++i) {
        if (lines[i].find(needle) != std::string::npos) return lines[i];
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
    return "";
  }

  TempDir dir_;
  const std::string path_ = dir_.Sub("synonyms.txt");
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<Client> client_;
};

TEST_F(SynonymsTest, ExpandsAtStartAndReloadsOnSighup) {
  EXPECT_THAT(AwaitLine(*server_, "synonyms: 1 group(s) loaded from " + path_), Not(IsEmpty()));
  EXPECT_THAT(Find("usa"), UnorderedElementsAre("usa", "states"));
  EXPECT_THAT(Find("car"), IsEmpty());

  WriteFile(path_, "car, automobile\nboat, ship\n");
  EXPECT_THAT(ReloadAndAwait("synonyms: 2 group(s) loaded"), Not(IsEmpty())) << server_->log();
  EXPECT_THAT(Find("car"), UnorderedElementsAre("car"));
  EXPECT_THAT(Find("usa"), UnorderedElementsAre("usa"));
}

TEST_F(SynonymsTest, ABadFileOnReloadIsLoggedAndTheOldSynonymsStay) {
  WriteFile(path_, "car, automobile\nusa,\n");
  const std::string line = ReloadAndAwait("synonyms not reloaded");
  EXPECT_THAT(line, AllOf(HasSubstr("error"), HasSubstr(path_ + " line 2: empty entry")))
      << server_->log();
  EXPECT_THAT(Find("usa"), UnorderedElementsAre("usa", "states"));
  EXPECT_THAT(Find("car"), IsEmpty());
  EXPECT_TRUE(server_->ok());
}

TEST(SynonymsStartupTest, ABadFileIsAStartupErrorNamingTheLine) {
  TempDir dir;
  WriteFile(dir.Sub("synonyms.txt"), "usa, united states\n\nu.s.a, america\n");
  const ExitResult r =
      RunServerToExit("--index_dir=" + dir.Sub("index") +
                      " --listen=127.0.0.1:0 --synonyms=" + dir.Sub("synonyms.txt"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("--synonyms: " + dir.Sub("synonyms.txt") + " line 3: \"u.s.a\""));
  const ExitResult missing = RunServerToExit("--index_dir=" + dir.Sub("index") +
                                             " --listen=127.0.0.1:0 --synonyms=" + dir.Sub("none"));
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_THAT(missing.output, HasSubstr("cannot read synonym file " + dir.Sub("none")));
}

}  // namespace
}  // namespace storyline::testing
