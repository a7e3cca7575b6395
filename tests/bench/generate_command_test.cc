// The `generate` command through its binary: output to a file or stdout,
// the same bytes twice, --help, and exit 2 with a message naming the flag
// for bad flags (1 when the output cannot be written).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/bench/generate_fixture.h"
#include "tests/e2e/cli_runner.h"
#include "tests/testing/temp_dir.h"

namespace storyline::testing {
namespace {

using ::testing::HasSubstr;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

size_t Lines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

class GenerateCommandTest : public ::testing::Test {
 protected:
  void SetUp() override { WriteFixtureCorpus(tmp_.Sub("data")); }

  CliResult Run(const std::string& args) {
    return RunProgram(STORYLINE_BENCH_GENERATE_BIN,
                      absl::StrCat("generate --data ", tmp_.Sub("data"), " ", args), tmp_);
  }

  TempDir tmp_;
};

TEST_F(GenerateCommandTest, WritesTheFileTwiceTheSame) {
  const std::string out = tmp_.Sub("out.jsonl");
  CliResult r = Run(absl::StrCat("--count 120 --seed 5 --out ", out));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("generated 120 articles"));
  const std::string first = ReadAll(out);
  EXPECT_EQ(Lines(first), 120u);
  r = Run(absl::StrCat("--count 120 --seed 5 --out ", out));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadAll(out), first);
}

TEST_F(GenerateCommandTest, WritesToStdoutByDefault) {
  const CliResult r = Run("--count 30 --from 2020-02-01 --to 2020-02-01");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Lines(r.out), 30u);
  for (absl::string_view line : absl::StrSplit(r.out, '\n', absl::SkipEmpty())) {
    EXPECT_THAT(std::string(line), HasSubstr("\"publish_time\":\"2020-02-01T"));
  }
}

TEST_F(GenerateCommandTest, HelpDocumentsEveryFlag) {
  const CliResult r = RunProgram(STORYLINE_BENCH_GENERATE_BIN, "generate --help", tmp_);
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--count", "--seed", "--out", "--data", "--from", "--to"}) {
    EXPECT_THAT(r.out, HasSubstr(flag));
  }
}

struct BadFlags {
  std::string args;
  std::string message;  // what stderr must say
};

void PrintTo(const BadFlags& flags, std::ostream* os) { *os << flags.args; }

class GenerateBadFlagsTest : public GenerateCommandTest,
                             public ::testing::WithParamInterface<BadFlags> {};

TEST_P(GenerateBadFlagsTest, ExitsTwoNamingTheFlag) {
  const CliResult r = Run(GetParam().args);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr(GetParam().message));
  EXPECT_TRUE(r.out.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, GenerateBadFlagsTest,
    ::testing::Values(BadFlags{"", "--count is required"}, BadFlags{"--count 0", "--count"},
                      BadFlags{"--count many", "--count"},
                      BadFlags{"--count 5 --bogus 1", "--bogus"},
                      BadFlags{"--count 5 --seed -3", "--seed"},
                      BadFlags{"--count 5 --from 2020-13-01",
                               "--from 2020-13-01 is not a day or a time"},
                      BadFlags{"--count 5 --to yesterday", "--to yesterday is not a day or a time"},
                      BadFlags{"--count 5 --from 2021-01-01 --to 2020-12-31",
                               "--from 2021-01-01 is after --to 2020-12-31"}));

TEST_F(GenerateCommandTest, MissingDataExitsTwo) {
  const CliResult r = RunProgram(STORYLINE_BENCH_GENERATE_BIN,
                                 "generate --count 5 --data /nonexistent/corpora", tmp_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--data /nonexistent/corpora: no such file or directory"));
}

TEST_F(GenerateCommandTest, UnwritableOutputExitsOne) {
  const CliResult r = Run("--count 5 --out /nonexistent/dir/out.jsonl");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--out /nonexistent/dir/out.jsonl: cannot create the file"));
}

}  // namespace
}  // namespace storyline::testing
