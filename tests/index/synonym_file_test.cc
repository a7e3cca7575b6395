#include "index/synonym_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace storyline::index {
namespace {

using ::storyline::testing::IsOk;
using ::storyline::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Words = std::vector<std::string>;

TEST(SynonymFileTest, ParsesGroupsCommentsAndBlankLines) {
  auto groups = ParseSynonyms(
      "# countries\n"
      "\n"
      "US, usa ,  United   States  # trailing comment\r\n"
      "   \t\n"
      "car,automobile\n",
      "syn.txt");
  ASSERT_THAT(groups, IsOk());
  ASSERT_EQ(groups->size(), 2u);
  EXPECT_EQ((*groups)[0].line, 3);
  EXPECT_THAT((*groups)[0].entries,
              ElementsAre(Words{"us"}, Words{"usa"}, Words{"united", "states"}));
  EXPECT_EQ((*groups)[1].line, 5);
  EXPECT_THAT((*groups)[1].entries, ElementsAre(Words{"car"}, Words{"automobile"}));
}

TEST(SynonymFileTest, EmptyFileHasNoGroups) {
  auto groups = ParseSynonyms("# nothing yet\n\n", "syn.txt");
  ASSERT_THAT(groups, IsOk());
  EXPECT_TRUE(groups->empty());
}

TEST(SynonymFileTest, ErrorsNameTheFileAndLine) {
  const struct {
    const char* text;
    const char* message;
  } cases[] = {
      {"a, b\nus,, usa\n", "syn.txt line 2: empty entry"},
      {"a, b\n\nusa,\n", "syn.txt line 3: empty entry"},
      {"usa\n", "syn.txt line 1: a group needs at least two different entries"},
      {"usa, USA\n", "syn.txt line 1: a group needs at least two different entries"},
      {"a, b\nu.s., usa\n", "syn.txt line 2: \"u.s.\" has '.'"},
      {"x, a b c d e f g h i\n", "syn.txt line 1: \"a b c d e f g h i\" has more than 8 words"},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(ParseSynonyms(c.text, "syn.txt"),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.text;
  }
}

TEST(SynonymFileTest, ReadsAFileAndReportsAMissingOne) {
  storyline::testing::TempDir dir;
  const std::string path = dir.Sub("synonyms.txt");
  std::ofstream(path) << "car, automobile\n";
  auto groups = ReadSynonymFile(path);
  ASSERT_THAT(groups, IsOk());
  EXPECT_EQ(groups->size(), 1u);
  EXPECT_THAT(ReadSynonymFile(dir.Sub("missing.txt")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("missing.txt")));
}

}  // namespace
}  // namespace storyline::index
