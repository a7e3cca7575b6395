// Tests for the saved semantic model: index/lsa_image, index/lsa_file and
// index/index_stamp, and how SemanticSpace loads, refuses and rebuilds it.
#include "index/lsa_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "index/index_stamp.h"
#include "index/index_writer.h"
#include "index/lsa_image.h"
#include "index/semantic_space.h"
#include "tests/index/test_index.h"
#include "tests/index/theme_corpus.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace storyline::index {
namespace {

using ::storyline::index::testing::ThemeArticles;
using ::storyline::index::testing::WriteArticles;
using ::storyline::testing::IsOk;
using ::storyline::testing::StatusIs;
using ::storyline::testing::TempDir;
using ::testing::HasSubstr;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

class LsaFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto writer = IndexWriter::Open(dir_.path());
    ASSERT_THAT(writer, IsOk());
    WriteArticles(**writer, ThemeArticles(20, 7));
  }

  // A model of the index saved at file_; returns it.
  std::shared_ptr<const LsaModel> BuildAndSave() {
    absl::StatusOr<StampedDatabase> index = OpenStamped(dir_.path());
    EXPECT_THAT(index, IsOk());
    auto model = LsaModel::Build(index->db, {.rank = 4, .provenance = index->stamp.ToText()});
    EXPECT_THAT(model, IsOk());
    EXPECT_THAT(SaveLsaModel(**model, file_), IsOk());
    return *model;
  }

  SemanticSpace Space() {
    return SemanticSpace(
        {.index_dir = dir_.path(), .lsa = {.rank = 4}, .model_file = file_, .background = false});
  }

  TempDir dir_;
  std::string file_ = dir_.Sub("semantic-model");
};

TEST_F(LsaFileTest, ASavedModelLoadsBackIdentical) {
  std::shared_ptr<const LsaModel> built = BuildAndSave();
  auto loaded = LoadLsaModel(file_);
  ASSERT_THAT(loaded, IsOk());
  EXPECT_EQ((*loaded)->rank(), built->rank());
  EXPECT_EQ((*loaded)->document_count(), built->document_count());
  EXPECT_EQ((*loaded)->term_count(), built->term_count());
  EXPECT_EQ((*loaded)->provenance(), built->provenance());
  EXPECT_EQ((*loaded)->image().header().build_ms, built->image().header().build_ms);
  std::vector<float> a, b, c, d;
  for (Xapian::docid did = 1; did <= 60; ++did) {
    ASSERT_TRUE(built->TopicsVector(did, &a) && (*loaded)->TopicsVector(did, &b));
    EXPECT_EQ(a, b);
    ASSERT_TRUE(built->SimilarityVector(did, &c) && (*loaded)->SimilarityVector(did, &d));
    EXPECT_EQ(c, d);
    EXPECT_EQ(built->Nearest(c, 5, did), (*loaded)->Nearest(d, 5, did));
  }
  const SparseVector text = {{"Zgoal", 1.0}, {"Zkeeper", 0.5}, {"Zbank", 0.2}};
  EXPECT_EQ(built->Project(text, LsaView::kTopics), (*loaded)->Project(text, LsaView::kTopics));
  EXPECT_FALSE((*loaded)->Project(text).empty());
}

TEST_F(LsaFileTest, AMissingFileIsNotFound) {
  EXPECT_THAT(LoadLsaModel(dir_.Sub("nothing-here")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nothing-here")));
}

TEST_F(LsaFileTest, EveryDamagedByteIsDetected) {
  BuildAndSave();
  const std::string good = ReadFile(file_);
  std::mt19937 rng(11);
  std::uniform_int_distribution<size_t> where(0, good.size() - 1);
  for (int i = 0; i < 200; ++i) {
    std::string bad = good;
    const size_t at =
        i < 88 ? static_cast<size_t>(i) : where(rng);  // all of the header, then anywhere
    bad[at] = static_cast<char>(bad[at] ^ (1 << (i % 8)));
    WriteFile(file_, bad);
    auto loaded = LoadLsaModel(file_);
    ASSERT_FALSE(loaded.ok()) << "byte " << at;
    EXPECT_TRUE(absl::IsDataLoss(loaded.status()) || absl::IsFailedPrecondition(loaded.status()))
        << loaded.status();
  }
}

TEST_F(LsaFileTest, ATruncatedOrEmptyFileIsDataLoss) {
  BuildAndSave();
  const std::string good = ReadFile(file_);
  for (size_t keep : {size_t{0}, size_t{10}, size_t{100}, good.size() / 2, good.size() - 1}) {
    WriteFile(file_, good.substr(0, keep));
    EXPECT_THAT(LoadLsaModel(file_), StatusIs(absl::StatusCode::kDataLoss, ::testing::_))
        << keep << " bytes";
  }
  WriteFile(file_, good + "x");
  EXPECT_THAT(LoadLsaModel(file_), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("size")));
}

TEST_F(LsaFileTest, AnotherVersionIsAFailedPreconditionNamingBoth) {
  BuildAndSave();
  std::string bytes = ReadFile(file_);
  const uint32_t later = kLsaImageVersion + 1;
  std::memcpy(&bytes[offsetof(LsaImageHeader, version)], &later, sizeof(later));
  WriteFile(file_, bytes);
  EXPECT_THAT(LoadLsaModel(file_),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr(absl::StrCat("version ", later, "; this server reads version ",
                                              kLsaImageVersion))));
}

TEST_F(LsaFileTest, SavingReplacesTheFileWhole) {
  BuildAndSave();
  {
    auto writer = IndexWriter::Open(dir_.path());
    ASSERT_THAT(writer, IsOk());
    WriteArticles(**writer, ThemeArticles(1, 9, "late"));
  }
  BuildAndSave();
  auto loaded = LoadLsaModel(file_);
  ASSERT_THAT(loaded, IsOk());
  EXPECT_EQ((*loaded)->document_count(), 63u);
  EXPECT_FALSE(std::filesystem::exists(file_ + ".tmp"));
}

TEST_F(LsaFileTest, StartUpServesTheSavedModelWithoutABuild) {
  BuildAndSave();
  SemanticSpace space = Space();
  ASSERT_THAT(space.LoadSaved(), IsOk());
  ASSERT_NE(space.Current(), nullptr);
  EXPECT_EQ(space.Current()->document_count(), 60u);
  const auto saved_at = std::filesystem::last_write_time(file_);
  ASSERT_THAT(space.Refresh(), IsOk());  // already current: no rebuild, no save
  EXPECT_EQ(std::filesystem::last_write_time(file_), saved_at);
}

TEST_F(LsaFileTest, AModelBehindTheIndexIsServedAndFoldsTheRestIn) {
  BuildAndSave();
  {
    auto writer = IndexWriter::Open(dir_.path());
    ASSERT_THAT(writer, IsOk());
    WriteArticles(**writer, ThemeArticles(2, 9, "late"));
  }
  SemanticSpace space = Space();
  ASSERT_THAT(space.LoadSaved(), IsOk());
  ASSERT_NE(space.Current(), nullptr);
  EXPECT_EQ(space.Current()->document_count(), 60u);  // the 6 new ones are folded in on demand
  ASSERT_THAT(space.Refresh(), IsOk());               // a rebuild covers them, and is saved
  EXPECT_EQ(space.Current()->document_count(), 66u);
  auto reloaded = LoadLsaModel(file_);
  ASSERT_THAT(reloaded, IsOk());
  EXPECT_EQ((*reloaded)->document_count(), 66u);
}

TEST_F(LsaFileTest, AModelOfAnotherIndexIsRefused) {
  BuildAndSave();
  TempDir other;
  {
    auto writer = IndexWriter::Open(other.path());
    ASSERT_THAT(writer, IsOk());
    WriteArticles(**writer, ThemeArticles(25, 3));
  }
  std::filesystem::copy_file(file_, other.Sub("semantic-model"));
  SemanticSpace space({.index_dir = other.path(),
                       .lsa = {.rank = 4},
                       .model_file = other.Sub("semantic-model"),
                       .background = false});
  EXPECT_THAT(space.LoadSaved(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("another index")));
  EXPECT_EQ(space.Current(), nullptr);
  ASSERT_THAT(space.Refresh(), IsOk());  // rebuilt for this index
  EXPECT_EQ(space.Current()->document_count(), 75u);
}

TEST_F(LsaFileTest, ADamagedFileLeavesNoModelAndARebuildReplacesIt) {
  BuildAndSave();
  std::string bytes = ReadFile(file_);
  bytes[bytes.size() / 2] ^= 0x40;
  WriteFile(file_, bytes);
  SemanticSpace space = Space();
  EXPECT_THAT(space.LoadSaved(), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("checksum")));
  EXPECT_EQ(space.Current(), nullptr);
  ASSERT_THAT(space.Refresh(), IsOk());
  EXPECT_THAT(LoadLsaModel(file_), IsOk());
}

}  // namespace
}  // namespace storyline::index
