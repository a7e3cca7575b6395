// Issue 13, end to end: the semantic model is saved beside the index, and a
// restarted server serves it at once instead of rebuilding it; a damaged
// file is a warning and a rebuild, never a failed start.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/time/clock.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/testing/status_matchers.h"

namespace storyline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class SemanticModelFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TestServer server(
        {"--index_dir=" + index_, std::string("--seed_jsonl=") + STORYLINE_DEMO_JSONL});
    ASSERT_TRUE(server.ok());
    Client client({.target = server.address()});
    ASSERT_TRUE(WaitForSemanticModel(client)) << "no model was built";
    ASSERT_EQ(server.Stop(), 0);
    ASSERT_TRUE(std::filesystem::exists(model_)) << "the model was not saved";
  }

  // The log of a server restarted on the index, once its model covers the
  // index and its first background check (2 s after start, when a rebuild
  // would begin) has passed.
  std::string Restart() {
    TestServer server({"--index_dir=" + index_, "--log_level=info"}, /*capture_log=*/true);
    EXPECT_TRUE(server.ok());
    Client client({.target = server.address()});
    EXPECT_TRUE(WaitForSemanticModel(client, absl::Seconds(30)));
    absl::SleepFor(absl::Seconds(3));
    return server.log();
  }

  TempDir dir_;
  std::string index_ = dir_.Sub("index");
  std::string model_ = index_ + "/semantic-model";
};

TEST_F(SemanticModelFileTest, ARestartServesTheSavedModelWithoutRebuildingIt) {
  const std::string log = Restart();
  EXPECT_THAT(log, HasSubstr("semantic model: loaded"));
  EXPECT_THAT(log, Not(HasSubstr("semantic model: building")));
}

TEST_F(SemanticModelFileTest, ADamagedFileIsAWarningAndARebuild) {
  {
    std::fstream f(model_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(model_) / 2));
    f.put('\x5a');
  }
  const std::string log = Restart();
  EXPECT_THAT(log, HasSubstr("warning semantic model not loaded"));
  EXPECT_THAT(log, HasSubstr("checksum"));
  EXPECT_THAT(log, HasSubstr("semantic model: building"));
  EXPECT_THAT(Restart(), HasSubstr("semantic model: loaded"));  // the rebuilt one was saved
}

}  // namespace
}  // namespace storyline::testing
