// Tests for index/index_writer.cc: upsert, delete, commit.
#include "index/index_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <xapian.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "index/article_indexer.h"
#include "index/schema.h"
#include "index/write_session.h"
#include "tests/index/test_index.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace storyline::index {
namespace {

using ::storyline::index::testing::MakeArticle;
using ::storyline::testing::IsOk;
using ::storyline::testing::StatusIs;
using ::storyline::testing::TempDir;
using ::testing::_;
using ::testing::Gt;

class IndexWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<IndexWriter>> w = IndexWriter::Open(dir_.path());
    ASSERT_THAT(w, IsOk());
    writer_ = std::move(w).value();
  }

  PreparedArticle Prepare(const std::string& id, const std::string& title) {
    absl::StatusOr<PreparedArticle> p =
        indexer_.Prepare(MakeArticle({.id = id, .title = title}), nullptr);
    EXPECT_THAT(p, IsOk());
    return p.ok() ? *std::move(p) : PreparedArticle{};
  }

  // Doc count as a fresh reader sees it (committed state only).
  Xapian::doccount CommittedCount() { return Xapian::Database(dir_.path()).get_doccount(); }

  TempDir dir_;
  ArticleIndexer indexer_;
  std::unique_ptr<IndexWriter> writer_;
};

TEST_F(IndexWriterTest, OpenCreatesEmptyIndex) {
  EXPECT_EQ(writer_->ArticleCount(), 0u);
  EXPECT_EQ(writer_->dir(), dir_.path());
  EXPECT_EQ(CommittedCount(), 0u);
}

TEST_F(IndexWriterTest, UpsertReportsWhetherIdExisted) {
  absl::StatusOr<bool> first = writer_->Upsert(Prepare("a", "first version"));
  ASSERT_THAT(first, IsOk());
  EXPECT_FALSE(*first);
  absl::StatusOr<bool> second = writer_->Upsert(Prepare("a", "second version"));
  ASSERT_THAT(second, IsOk());
  EXPECT_TRUE(*second);
  absl::StatusOr<bool> other = writer_->Upsert(Prepare("b", "other"));
  ASSERT_THAT(other, IsOk());
  EXPECT_FALSE(*other);
  EXPECT_EQ(writer_->ArticleCount(), 2u);
}

TEST_F(IndexWriterTest, UpsertAfterCommitStillReplaces) {
  ASSERT_THAT(writer_->Upsert(Prepare("a", "first")), IsOk());
  ASSERT_THAT(writer_->Commit(), IsOk());
  absl::StatusOr<bool> again = writer_->Upsert(Prepare("a", "second"));
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(*again);
  ASSERT_THAT(writer_->Commit(), IsOk());
  EXPECT_EQ(CommittedCount(), 1u);
}

TEST_F(IndexWriterTest, UpsertReplacesStoredContent) {
  ASSERT_THAT(writer_->Upsert(Prepare("a", "apples")), IsOk());
  ASSERT_THAT(writer_->Upsert(Prepare("a", "oranges")), IsOk());
  ASSERT_THAT(writer_->Commit(), IsOk());
  Xapian::Database db(dir_.path());
  EXPECT_EQ(db.get_doccount(), 1u);
  EXPECT_FALSE(db.term_exists("Zappl"));
  EXPECT_TRUE(db.term_exists("Zorang"));
}

TEST_F(IndexWriterTest, ArticleCountIncludesUncommittedChanges) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_THAT(writer_->Upsert(Prepare("id" + std::to_string(i), "t")), IsOk());
  }
  EXPECT_EQ(writer_->ArticleCount(), 5u);
  EXPECT_EQ(CommittedCount(), 0u);  // not yet visible to readers
  ASSERT_THAT(writer_->Commit(), IsOk());
  EXPECT_EQ(CommittedCount(), 5u);
}

TEST_F(IndexWriterTest, DeleteReturnsTrueThenFalse) {
  ASSERT_THAT(writer_->Upsert(Prepare("a", "doomed")), IsOk());
  ASSERT_THAT(writer_->Upsert(Prepare("b", "survivor")), IsOk());
  absl::StatusOr<bool> first = writer_->Delete("a");
  ASSERT_THAT(first, IsOk());
  EXPECT_TRUE(*first);
  absl::StatusOr<bool> second = writer_->Delete("a");
  ASSERT_THAT(second, IsOk());
  EXPECT_FALSE(*second);
  EXPECT_EQ(writer_->ArticleCount(), 1u);
}

TEST_F(IndexWriterTest, DeleteUnknownIdReturnsFalse) {
  absl::StatusOr<bool> r = writer_->Delete("never-added");
  ASSERT_THAT(r, IsOk());
  EXPECT_FALSE(*r);
}

TEST_F(IndexWriterTest, DeleteOfCommittedArticleIsDurable) {
  ASSERT_THAT(writer_->Upsert(Prepare("a", "doomed")), IsOk());
  ASSERT_THAT(writer_->Commit(), IsOk());
  ASSERT_THAT(writer_->Delete("a"), IsOk());
  ASSERT_THAT(writer_->Commit(), IsOk());
  Xapian::Database db(dir_.path());
  EXPECT_EQ(db.get_doccount(), 0u);
  EXPECT_FALSE(db.term_exists(IdTerm("a")));
}

TEST_F(IndexWriterTest, LongIdsUpsertAndDelete) {
  std::string a(256, 'x');
  std::string b = a;
  b.back() = 'y';
  absl::StatusOr<bool> ra = writer_->Upsert(Prepare(a, "first long"));
  absl::StatusOr<bool> rb = writer_->Upsert(Prepare(b, "second long"));
  ASSERT_THAT(ra, IsOk());
  ASSERT_THAT(rb, IsOk());
  EXPECT_FALSE(*ra);
  EXPECT_FALSE(*rb);  // not mistaken for `a`
  EXPECT_EQ(writer_->ArticleCount(), 2u);
  absl::StatusOr<bool> del = writer_->Delete(b);
  ASSERT_THAT(del, IsOk());
  EXPECT_TRUE(*del);
  EXPECT_EQ(writer_->ArticleCount(), 1u);
}

TEST_F(IndexWriterTest, CommitRevisionIncreases) {
  ASSERT_THAT(writer_->Upsert(Prepare("a", "one")), IsOk());
  absl::StatusOr<uint64_t> r1 = writer_->Commit();
  ASSERT_THAT(r1, IsOk());
  ASSERT_THAT(writer_->Upsert(Prepare("b", "two")), IsOk());
  absl::StatusOr<uint64_t> r2 = writer_->Commit();
  ASSERT_THAT(r2, IsOk());
  EXPECT_THAT(*r2, Gt(*r1));
  // Even an empty commit records the commit time, so the revision moves.
  absl::StatusOr<uint64_t> r3 = writer_->Commit();
  ASSERT_THAT(r3, IsOk());
  EXPECT_THAT(*r3, Gt(*r2));
  EXPECT_EQ(Xapian::Database(dir_.path()).get_revision(), *r3);
}

TEST_F(IndexWriterTest, CommitRecordsLastCommitTime) {
  ASSERT_THAT(writer_->Commit(), IsOk());
  EXPECT_FALSE(Xapian::Database(dir_.path()).get_metadata(kMetaLastCommit).empty());
}

// index_writer.cc (~IndexWriter) and write_pipeline.h promise that
// uncommitted changes are discarded. Known to fail: Xapian 1.4's
// WritableDatabase::close() implicitly commits when no transaction is active.
TEST_F(IndexWriterTest, PendingChangesAreCommittedOnDestruction) {
  ASSERT_THAT(writer_->Upsert(Prepare("kept", "kept")), IsOk());
  ASSERT_THAT(writer_->Commit(), IsOk());
  ASSERT_THAT(writer_->Upsert(Prepare("pending", "pending")), IsOk());
  writer_.reset();
  Xapian::Database db(dir_.path());
  EXPECT_EQ(db.get_doccount(), 2u);
  EXPECT_TRUE(db.term_exists(IdTerm("kept")));
  EXPECT_TRUE(db.term_exists(IdTerm("pending")));
}

// Xapian 1.4 commits by itself every XAPIAN_FLUSH_THRESHOLD documents (an
// fsync of every table each time) unless a transaction is open. The writer
// keeps one open between commits, so passing the threshold only flushes:
// readers see nothing, and nothing is durable, until Commit().
TEST(IndexWriterFlushTest, PassingTheFlushThresholdDoesNotCommit) {
  TempDir dir;
  setenv("XAPIAN_FLUSH_THRESHOLD", "2", 1);
  absl::StatusOr<std::unique_ptr<IndexWriter>> writer = IndexWriter::Open(dir.path());
  unsetenv("XAPIAN_FLUSH_THRESHOLD");
  ASSERT_THAT(writer, IsOk());
  ArticleIndexer indexer;
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<PreparedArticle> p = indexer.Prepare(
        MakeArticle({.id = "id" + std::to_string(i), .title = "flushed not committed"}), nullptr);
    ASSERT_THAT(p, IsOk());
    ASSERT_THAT((*writer)->Upsert(*p), IsOk());
  }
  const Xapian::Database before(dir.path());
  EXPECT_EQ(before.get_doccount(), 0u);
  EXPECT_EQ(before.get_revision(), 0u);
  EXPECT_EQ((*writer)->ArticleCount(), 5u);
  absl::StatusOr<uint64_t> revision = (*writer)->Commit();
  ASSERT_THAT(revision, IsOk());
  EXPECT_EQ(*revision, 1u);  // one commit, no commits of its own in between
  EXPECT_EQ(Xapian::Database(dir.path()).get_doccount(), 5u);
  // Upserts after a commit still find and replace committed ids.
  absl::StatusOr<PreparedArticle> again =
      indexer.Prepare(MakeArticle({.id = "id0", .title = "second version"}), nullptr);
  ASSERT_THAT(again, IsOk());
  absl::StatusOr<bool> replaced = (*writer)->Upsert(*again);
  ASSERT_THAT(replaced, IsOk());
  EXPECT_TRUE(*replaced);
  ASSERT_THAT((*writer)->Commit(), IsOk());
  EXPECT_EQ(Xapian::Database(dir.path()).get_doccount(), 5u);
}

TEST_F(IndexWriterTest, ReopenSeesCommittedArticles) {
  ASSERT_THAT(writer_->Upsert(Prepare("a", "persisted")), IsOk());
  ASSERT_THAT(writer_->Commit(), IsOk());
  writer_.reset();
  absl::StatusOr<std::unique_ptr<IndexWriter>> again = IndexWriter::Open(dir_.path());
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ((*again)->ArticleCount(), 1u);
}

TEST_F(IndexWriterTest, SecondWriterOnSameDirIsUnavailable) {
  EXPECT_THAT(IndexWriter::Open(dir_.path()), StatusIs(absl::StatusCode::kUnavailable, _));
}

TEST_F(IndexWriterTest, AddSpellingFeedsDictionaryAtCommit) {
  SpellingCounts counts{{"parliament", 3}, {"budget", 1}};
  ASSERT_THAT(writer_->AddSpelling(counts), IsOk());
  ASSERT_THAT(writer_->Commit(), IsOk());
  Xapian::Database db(dir_.path());
  EXPECT_EQ(db.get_spelling_suggestion("parliment"), "parliament");
}

TEST(IndexWriterOpenTest, UnwritablePathFails) {
  TempDir dir;
  // A regular file where the index directory should be.
  const std::string file = dir.Sub("not-a-dir");
  {
    std::FILE* f = std::fopen(file.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
  }
  absl::StatusOr<std::unique_ptr<IndexWriter>> w = IndexWriter::Open(file + "/index");
  EXPECT_FALSE(w.ok());
}

}  // namespace
}  // namespace storyline::index

namespace storyline::index {
namespace {

// A write past the file size limit fails like a full disk does (EFBIG
// instead of ENOSPC): Xapian closes the database. The writer must say so,
// refuse writes with RESOURCE_EXHAUSTED, and recover once the limit is gone.
TEST(IndexWriterRecoveryTest, FailsThenRecoversAfterTheCauseIsGone) {
  storyline::testing::TempDir dir;
  auto writer = IndexWriter::Open(dir.path());
  ASSERT_THAT(writer, ::storyline::testing::IsOk());
  IndexWriter& w = **writer;
  ArticleIndexer indexer;
  auto upsert = [&](const std::string& id) {
    auto p = indexer.Prepare(
        testing::MakeArticle({.id = id, .title = "t", .body = std::string(20000, 'x') + id}),
        nullptr);
    return w.Upsert(*p).status();
  };
  ASSERT_THAT(upsert("kept"), ::storyline::testing::IsOk());
  ASSERT_THAT(w.Commit(), ::storyline::testing::IsOk());

  signal(SIGXFSZ, SIG_IGN);
  struct rlimit old {};
  getrlimit(RLIMIT_FSIZE, &old);
  struct rlimit tiny {
    .rlim_cur = 4096, .rlim_max = old.rlim_max
  };
  setrlimit(RLIMIT_FSIZE, &tiny);
  WriteSession session;  // a caller whose write was pending at the failure
  session.Wrote(w, upsert("pending"));
  absl::Status failed = upsert("lost");
  if (failed.ok()) failed = w.Commit().status();
  EXPECT_EQ(failed.code(), absl::StatusCode::kResourceExhausted) << failed;
  EXPECT_TRUE(w.failed());
  EXPECT_EQ(upsert("refused").code(), absl::StatusCode::kResourceExhausted);
  setrlimit(RLIMIT_FSIZE, &old);

  absl::SleepFor(IndexWriter::kRecoveryInterval);
  EXPECT_THAT(w.Recover(), ::storyline::testing::IsOk());
  EXPECT_FALSE(w.failed());
  EXPECT_EQ(w.generation(), 1u);
  ASSERT_THAT(upsert("after"), ::storyline::testing::IsOk());
  ASSERT_THAT(w.Commit(), ::storyline::testing::IsOk());
  Xapian::Database db(dir.path());
  EXPECT_TRUE(db.term_exists(IdTerm("kept")));
  EXPECT_TRUE(db.term_exists(IdTerm("after")));
  EXPECT_FALSE(db.term_exists(IdTerm("lost")));  // uncommitted at the failure
  EXPECT_FALSE(db.term_exists(IdTerm("pending")));
  EXPECT_EQ(session.CheckCommitted(w).code(), absl::StatusCode::kUnavailable);
}

TEST(WriteSessionTest, NoticesWritesLostToARecovery) {
  storyline::testing::TempDir dir;
  auto writer = IndexWriter::Open(dir.path());
  ASSERT_THAT(writer, ::storyline::testing::IsOk());
  WriteSession session;
  session.Wrote(**writer, absl::OkStatus());
  EXPECT_THAT(session.CheckCommitted(**writer), ::storyline::testing::IsOk());
  session.Wrote(**writer, absl::InvalidArgumentError("bad article"));
  EXPECT_THAT(session.failure(), ::storyline::testing::IsOk());  // the article's fault
  session.Wrote(**writer, absl::UnavailableError("writer failed"));
  EXPECT_EQ(session.failure().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace storyline::index
