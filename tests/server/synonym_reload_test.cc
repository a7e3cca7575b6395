#include "server/synonym_reload.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace storyline::server {
namespace {

using ::storyline::testing::IsOk;
using ::storyline::testing::StatusIs;
using ::testing::HasSubstr;

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

TEST(SynonymReloaderTest, NoPathLoadsNothing) {
  index::SynonymSet synonyms;
  SynonymReloader reloader("", &synonyms);
  EXPECT_THAT(reloader.Load(), IsOk());
  EXPECT_THAT(reloader.Reload(), IsOk());
  EXPECT_EQ(synonyms.Current(), nullptr);
  EXPECT_EQ(synonyms.generation(), 0u);
}

TEST(SynonymReloaderTest, ABadFileAtStartIsAnErrorNamingFlagFileAndLine) {
  storyline::testing::TempDir dir;
  const std::string path = dir.Sub("syn.txt");
  WriteFile(path, "car, automobile\ncar, auto\n");
  index::SynonymSet synonyms;
  EXPECT_THAT(
      SynonymReloader(path, &synonyms).Load(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--synonyms: " + path +
                                                             " line 2: \"car\" is already in the "
                                                             "group on line 1")));
  EXPECT_EQ(synonyms.Current(), nullptr);
}

TEST(SynonymReloaderTest, ReloadReplacesOnSuccessAndKeepsTheOldTableOnFailure) {
  storyline::testing::TempDir dir;
  const std::string path = dir.Sub("syn.txt");
  WriteFile(path, "car, automobile\n");
  index::SynonymSet synonyms;
  SynonymReloader reloader(path, &synonyms);
  ASSERT_THAT(reloader.Load(), IsOk());
  const auto first = synonyms.Current();
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->group_count(), 1u);

  WriteFile(path, "car, automobile\nboat, ship\n");
  ASSERT_THAT(reloader.Reload(), IsOk());
  const auto second = synonyms.Current();
  EXPECT_EQ(second->group_count(), 2u);
  EXPECT_EQ(synonyms.generation(), 2u);

  WriteFile(path, "car,\n");
  EXPECT_THAT(reloader.Reload(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(path + " line 1")));
  EXPECT_EQ(synonyms.Current(), second);
  EXPECT_EQ(synonyms.generation(), 2u);
}

}  // namespace
}  // namespace storyline::server
