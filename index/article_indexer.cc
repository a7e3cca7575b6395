#include "index/article_indexer.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/timestamp.h"
#include "index/article_data.h"
#include "index/schema.h"
#include "index/simhash.h"
#include "index/text_tokens.h"
#include "index/xapian_status.h"

namespace storyline::index {
namespace {

using storyline::v1::Article;

absl::Status CheckLength(absl::string_view field, absl::string_view value, size_t limit) {
  if (value.size() > limit) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is ", value.size(), " bytes; at most ", limit, " are allowed"));
  }
  return absl::OkStatus();
}

// Words over 20 bytes or without a vowel are almost always junk
// (uuencoded lines, hashes, URLs) in real corpora. Non-ASCII words are
// kept: the vowel test is for English.
bool PlausibleSpellingWord(absl::string_view word) {
  if (word.size() < 3 || word.size() > 20) return false;
  for (const char c : word) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y') {
      return true;
    }
  }
  return false;
}

// Collects the distinct words of `text` into `words`: runs of ASCII letters
// and UTF-8 multi-byte sequences (digits and apostrophes end a word:
// "council's" -> "council"), lower-cased, 3 to 20 bytes long. (The index
// holds only stems, so the spelling dictionary is fed surface words here,
// on the producer thread, not by the writer.)
void CollectSpellingWords(absl::string_view text, absl::flat_hash_set<std::string>* words) {
  ForEachWord(text, WordChars::kLetters, [&](WordSpan w) {
    std::string word = AsciiLower(text.substr(w.begin, w.end - w.begin));
    if (PlausibleSpellingWord(word)) words->insert(std::move(word));
  });
}

}  // namespace

absl::Status ValidateArticle(const Article& article) {
  if (article.id().empty()) {
    return absl::InvalidArgumentError("id is empty; every article needs an id of 1 to 256 bytes");
  }
  if (article.id().size() > kMaxIdBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "id is ", article.id().size(), " bytes; ids must be 1 to ", kMaxIdBytes, " bytes"));
  }
  // A news article has a headline and text: without a title it shows as
  // "(untitled)" in every result list, and without a body it has no snippet
  // and nothing for similar stories to compare.
  if (absl::StripAsciiWhitespace(article.title()).empty()) {
    return absl::InvalidArgumentError(
        "title is empty or blank; every article needs a headline (title)");
  }
  if (absl::StripAsciiWhitespace(article.body()).empty()) {
    return absl::InvalidArgumentError(
        "body is empty or blank; every article needs its text (body); a wire flash with no "
        "text can repeat its headline as the body");
  }
  if (absl::Status s = CheckLength("title", article.title(), kMaxTitleBytes); !s.ok()) return s;
  if (absl::Status s = CheckLength("body", article.body(), kMaxBodyBytes); !s.ok()) return s;
  if (absl::Status s = CheckLength("url", article.url(), kMaxUrlBytes); !s.ok()) return s;
  if (absl::Status s = CheckLength("topic", article.topic(), kMaxFieldBytes); !s.ok()) return s;
  if (absl::Status s = CheckLength("source", article.source(), kMaxFieldBytes); !s.ok()) return s;
  if (article.tags_size() > static_cast<int>(kMaxTags)) {
    return absl::InvalidArgumentError(absl::StrCat("article has ", article.tags_size(),
                                                   " tags; at most ", kMaxTags, " are allowed"));
  }
  for (const std::string& tag : article.tags()) {
    if (absl::Status s = CheckLength("tag", tag, kMaxFieldBytes); !s.ok()) return s;
  }
  if (article.has_publish_time()) {
    if (!common::IsValidTimestamp(article.publish_time())) {
      return absl::InvalidArgumentError(
          "publish_time is out of range; use an RFC 3339 time between years 1 and 9999");
    }
  }
  return absl::OkStatus();
}

void PruneSpellingForBulk(int64_t articles, SpellingCounts* spelling) {
  if (articles < kBulkSpellingArticles) return;
  absl::erase_if(*spelling, [](const auto& entry) { return entry.second < 2; });
}

ArticleIndexer::ArticleIndexer() : stemmer_("english") {
  termgen_.set_stemmer(stemmer_);
  // Only Z-prefixed stems, no unstemmed copies: half the terms (and
  // positions) of STEM_SOME, which made ingest markedly faster. The query
  // parser uses the same strategy (see query_parser.cc).
  termgen_.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL_Z);
}

absl::StatusOr<PreparedArticle> ArticleIndexer::Prepare(const Article& article,
                                                        SpellingCounts* spelling) {
  if (absl::Status s = ValidateArticle(article); !s.ok()) return s;
  try {
    PreparedArticle out;
    out.id = article.id();
    out.id_term = IdTerm(article.id());
    Xapian::Document& doc = out.document;
    termgen_.set_document(doc);
    // Title: once prefixed (for title:) and weighted into the free-text
    // terms; then the body, after a position gap so phrases do not span.
    termgen_.index_text(article.title(), 1, kPrefixTitle);
    termgen_.increase_termpos();
    termgen_.index_text(article.title(), kTitleWeight);
    termgen_.increase_termpos();
    termgen_.index_text(article.body());

    doc.add_boolean_term(out.id_term);
    if (!article.topic().empty()) {
      doc.add_boolean_term(TopicTerm(article.topic()));
      doc.add_value(kSlotTopic, article.topic());
    }
    if (!article.source().empty()) {
      doc.add_boolean_term(SourceTerm(article.source()));
      doc.add_value(kSlotSource, article.source());
    }
    for (const std::string& tag : article.tags()) {
      if (!tag.empty()) doc.add_boolean_term(TagTerm(tag));
    }
    if (article.has_publish_time()) {
      const double seconds = static_cast<double>(article.publish_time().seconds()) +
                             article.publish_time().nanos() / 1e9;
      doc.add_value(kSlotPublishTime, Xapian::sortable_serialise(seconds));
    }
    doc.add_value(kSlotSimHash,
                  EncodeSimHash(SimHash(absl::StrCat(article.title(), "\n", article.body()))));
    doc.set_data(EncodeArticleData(article));

    // The TermGenerator would otherwise keep a reference to the document,
    // whose (non-atomic) refcount the writer thread then shares with us.
    termgen_.set_document(Xapian::Document());
    if (spelling != nullptr) {
      // Document frequency, not occurrences: one long rant repeating a
      // misspelling should not outvote the corpus.
      absl::flat_hash_set<std::string> words;
      CollectSpellingWords(article.title(), &words);
      CollectSpellingWords(article.body(), &words);
      for (const std::string& w : words) (*spelling)[w] += 1;
    }
    return out;
  } catch (const Xapian::Error& e) {
    termgen_.set_document(Xapian::Document());
    return XapianErrorToStatus(e, absl::StrCat("indexing article ", article.id()));
  }
}

}  // namespace storyline::index
