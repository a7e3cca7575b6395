// Fuzzes the ingest path of an Article: JSONL lines as the CLI and
// --seed_jsonl read them (ParseArticleJson), the same bytes as a binary
// Article as IndexArticles receives it, and as stored document data; each
// article that parses then goes through ValidateArticle,
// ArticleIndexer::Prepare and the stored form (EncodeArticleData /
// DecodeArticleData), and its body through the search snippet Highlighter.
//
// Input: any bytes. Every line is tried as JSON; the whole input as a
// serialized Article and as stored document data.
//
// Checks: nothing crashes or trips a sanitizer; Prepare accepts exactly
// what ValidateArticle accepts; the stored data decodes to an equal
// Article (both Encode/Decode and the document Prepare built); no term is
// longer than Xapian's 245-byte limit (the writer would fail later); and a
// snippet of valid UTF-8 is valid UTF-8.
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/util/message_differencer.h>
#include <xapian.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_index.h"
#include "index/article_data.h"
#include "index/article_indexer.h"
#include "index/snippet.h"
#include "storyline/client.h"

namespace {

using storyline::fuzz::Check;
using storyline::fuzz::IsValidUtf8;
using storyline::v1::Article;

constexpr size_t kMaxTermBytes = 245;  // Xapian glass

bool Equal(const Article& a, const Article& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

void CheckSnippet(const Xapian::Stem& stemmer, const Article& a) {
  // Highlight the title's first words in the body, as a search for the
  // title would.
  std::vector<std::string> stems;
  for (absl::string_view w : absl::StrSplit(a.title(), ' ', absl::SkipEmpty())) {
    if (stems.size() == 3) break;
    stems.push_back(stemmer(std::string(w)));
  }
  const storyline::index::Highlighter highlighter(stemmer, stems);
  const std::string snippet = highlighter.Snippet(a.body(), 240);
  if (IsValidUtf8(a.body())) Check(IsValidUtf8(snippet), "a snippet is not valid UTF-8");
}

void CheckArticle(const Article& a) {
  static auto* const indexer = new storyline::index::ArticleIndexer;
  static const Xapian::Stem stemmer("english");
  const absl::Status valid = storyline::index::ValidateArticle(a);
  storyline::index::SpellingCounts spelling;
  auto prepared = indexer->Prepare(a, &spelling);
  Check(prepared.ok() == valid.ok(), "Prepare and ValidateArticle disagree");
  if (!prepared.ok()) {
    Check(prepared.status().code() == absl::StatusCode::kInvalidArgument,
          "Prepare failed with a code other than kInvalidArgument");
    return;
  }
  Article stored;
  Check(storyline::index::DecodeArticleData(prepared->document.get_data(), &stored).ok(),
        "the document data Prepare stored does not decode");
  Check(Equal(stored, a), "the stored article differs from the ingested one");
  Check(prepared->id_term.size() <= kMaxTermBytes, "the id term is too long for Xapian");
  for (auto t = prepared->document.termlist_begin(); t != prepared->document.termlist_end(); ++t) {
    Check((*t).size() <= kMaxTermBytes, "a term is too long for Xapian");
  }
  CheckSnippet(stemmer, a);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Protobuf logs every string field with invalid UTF-8 it refuses to
  // parse; the refusal is what matters here, and the logging slows fuzzing.
  google::protobuf::SetLogHandler(
      +[](google::protobuf::LogLevel, const char*, int, const std::string&) {});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);

  // JSONL, one article per line.
  for (absl::string_view line : absl::StrSplit(input, '\n')) {
    if (line.find_first_not_of(" \t\r") == absl::string_view::npos) continue;
    absl::StatusOr<Article> parsed = storyline::ParseArticleJson(line);
    if (parsed.ok()) CheckArticle(*parsed);
  }

  // A binary Article, as the ingest stream carries it.
  Article binary;
  if (binary.ParseFromArray(data, static_cast<int>(size))) CheckArticle(binary);

  // Stored document data (a damaged index must fail cleanly).
  Article decoded;
  if (storyline::index::DecodeArticleData(input, &decoded).ok()) {
    Article again;
    Check(storyline::index::DecodeArticleData(storyline::index::EncodeArticleData(decoded), &again)
              .ok(),
          "re-encoded data does not decode");
    Check(Equal(again, decoded), "re-encoded data decodes to a different article");
  }
  return 0;
}
