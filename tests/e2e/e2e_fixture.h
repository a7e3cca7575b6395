// Shared set-up for the integration tests: a real storyline-server on a
// free loopback port, seeded with the demo corpus, and a client for it.
#ifndef STORYLINE_TESTS_E2E_E2E_FIXTURE_H_
#define STORYLINE_TESTS_E2E_E2E_FIXTURE_H_

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "common/article_jsonl.h"
#include "storyline/client.h"
#include "tests/testing/test_server.h"

namespace storyline::testing {

// One server per test suite (start-up and seeding take ~0.2 s).
class DemoServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer({std::string("--seed_jsonl=") + STORYLINE_DEMO_JSONL});
    ASSERT_TRUE(server_->ok()) << "storyline-server did not start";
    client_ = new Client({.target = server_->address(), .default_deadline = absl::Seconds(20)});
  }
  static void TearDownTestSuite() {
    delete client_;
    client_ = nullptr;
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    ASSERT_TRUE(server_->ok());
  }

  static Client& client() { return *client_; }
  static TestServer& server() { return *server_; }

  static TestServer* server_;
  static Client* client_;
};

inline TestServer* DemoServerTest::server_ = nullptr;
inline Client* DemoServerTest::client_ = nullptr;

inline v1::Article MakeArticle(const std::string& id, const std::string& title,
                               const std::string& body, const std::string& topic = "testing") {
  v1::Article a;
  a.set_id(id);
  a.set_title(title);
  a.set_body(body);
  a.set_topic(topic);
  a.set_source("Test Wire");
  return a;
}

// Streams a JSONL file from ../shared/data (e.g. "bbc/articles.jsonl")
// into the server; `seen` (optional) is called with each article sent.
// Returns the ingest reply's status, or NotFound if the file is missing.
inline absl::Status IngestSharedJsonl(Client& client, const std::string& relative_path,
                                      const std::function<void(const v1::Article&)>& seen = {}) {
  std::ifstream in(std::string(STORYLINE_SHARED_DATA_DIR) + "/" + relative_path);
  if (!in) return absl::NotFoundError("../shared/data/" + relative_path + " is missing");
  common::JsonlArticleReader reader(in);
  auto resp = client.IndexArticles(Client::ArticleSource([&](v1::Article* a) {
    if (!reader.NextArticle(a)) return false;
    if (seen) seen(*a);
    return true;
  }));
  return resp.status();
}

// Waits until the server's semantic model covers every article, so related
// stories are measured as users get them once ingest has settled. Returns
// false on timeout.
inline bool WaitForSemanticModel(Client& client, absl::Duration timeout = absl::Seconds(60)) {
  const absl::Time end = absl::Now() + timeout;
  while (absl::Now() < end) {
    auto stats = client.GetIndexStats();
    if (stats.ok() && stats->article_count() > 0 &&
        stats->semantic_articles() == stats->article_count()) {
      return true;
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  return false;
}

// The demo server once its semantic model covers the corpus, so related
// stories, clusters and re-ranked search answer as they will in use.
class SemanticDemoServerTest : public DemoServerTest {
 protected:
  static void SetUpTestSuite() {
    DemoServerTest::SetUpTestSuite();
    ASSERT_TRUE(WaitForSemanticModel(client())) << "semantic model never covered the demo corpus";
  }
};

}  // namespace storyline::testing

#endif  // STORYLINE_TESTS_E2E_E2E_FIXTURE_H_
