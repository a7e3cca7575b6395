#include "index/query_parser.h"

#include <cctype>
#include <utility>

#include "index/schema.h"
#include "index/stopwords.h"
#include "index/text_tokens.h"
#include "index/typo_expansion.h"

namespace storyline::index {
namespace {

// FLAG_PURE_NOT makes "NOT budget" mean "everything but budget".
constexpr unsigned kParseFlags =
    Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_PURE_NOT;
// Search-box fallback: no operators, just words.
constexpr unsigned kPlainFlags = 0;

// `topic:Politics` -> the term XTOPICpolitics.
class FoldedBooleanField : public Xapian::FieldProcessor {
 public:
  explicit FoldedBooleanField(std::string prefix) : prefix_(std::move(prefix)) {}
  Xapian::Query operator()(const std::string& value) override {
    return Xapian::Query(prefix_ + FoldCase(value));
  }

 private:
  std::string prefix_;
};

}  // namespace

bool HasQueryWords(absl::string_view text) {
  return text.find_first_not_of(" \t\r\n") != absl::string_view::npos;
}

Xapian::Query MatchEverything() { return Xapian::Query(std::string()); }

SearchQueryParser::SearchQueryParser(Xapian::Database& db, const Xapian::Stem& stemmer, bool plain)
    : SearchQueryParser(db, db, stemmer, plain) {}

SearchQueryParser::SearchQueryParser(Xapian::Database& db, const Xapian::Database& spelling,
                                     const Xapian::Stem& stemmer, bool plain)
    : db_(db), stemmer_(stemmer), corrector_(db_, spelling, stemmer_) {
  parser_.set_stemmer(stemmer_);
  parser_.set_stemming_strategy(Xapian::QueryParser::STEM_ALL_Z);  // as indexed
  parser_.set_database(db_);
  parser_.set_default_op(Xapian::Query::OP_OR);
  // Query-time stop words (the SMART list): "what", "of", "the" carry no
  // topic. Xapian keeps them inside phrases and when they are all there is.
  if (!plain) {
    parser_.set_stopper(&stopper_);
  }
  parser_.add_prefix("title", kPrefixTitle);
  // Filter values are stored case-folded, so fold what the user typed too.
  parser_.add_boolean_prefix("topic", (new FoldedBooleanField(kPrefixTopic))->release());
  parser_.add_boolean_prefix("source", (new FoldedBooleanField(kPrefixSource))->release());
  parser_.add_boolean_prefix("tag", (new FoldedBooleanField(kPrefixTag))->release());
}

bool SearchQueryParser::QueryStopper::operator()(const std::string& word) const {
  return IsStopWord(word) && (synonyms == nullptr || !synonyms->HasWord(word));
}

Xapian::Query SearchQueryParser::Parse(const std::string& text, bool typo_tolerance,
                                       std::string* corrected) {
  Xapian::Query query;
  bool suggest = true;
  try {
    query = parser_.parse_query(text, kParseFlags);
  } catch (const Xapian::QueryParserError&) {
    // A search box, not a compiler: fall back to plain words...
    try {
      query = parser_.parse_query(text, kPlainFlags);
    } catch (const Xapian::QueryParserError&) {
      // ...and, if even that fails, to letters, digits and spaces only.
      std::string words = text;
      for (char& c : words) {
        const unsigned char u = c;
        if (u < 0x80 && !std::isalnum(u)) c = ' ';
      }
      suggest = false;
      query = parser_.parse_query(words, kPlainFlags);
    }
  }
  if (!suggest) return query;
  // Xapian's FLAG_SPELLING_CORRECTION is not used: it checks unstemmed
  // terms, which this index (STEM_ALL_Z) does not hold, so it would
  // "correct" correct words ("card" -> "car").
  TypoExpansion typos = ExpandTypos(query, text, stemmer_, corrector_, typo_tolerance);
  *corrected = std::move(typos.corrected_text);
  return typos.query;
}

}  // namespace storyline::index
