#include "index/query_parser.h"

#include <cctype>
#include <utility>

#include "index/schema.h"
#include "index/stopwords.h"
#include "index/text_tokens.h"

namespace storyline::index {
namespace {

// FLAG_PURE_NOT makes "NOT budget" mean "everything but budget".
constexpr unsigned kParseFlags =
    Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_PURE_NOT;
// Search-box fallback: no operators, just words.
constexpr unsigned kPlainFlags = 0;
// Words shorter than this are never corrected.
constexpr size_t kMinCorrectedBytes = 4;

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

bool IsOperator(absl::string_view word) {
  return word == "AND" || word == "OR" || word == "NOT" || word == "XOR" || word == "NEAR" ||
         word == "ADJ";
}

}  // namespace

bool HasQueryWords(absl::string_view text) {
  return text.find_first_not_of(" \t\r\n") != absl::string_view::npos;
}

Xapian::Query MatchEverything() { return Xapian::Query(std::string()); }

SearchQueryParser::SearchQueryParser(Xapian::Database& db, const Xapian::Stem& stemmer, bool plain)
    : db_(db), stemmer_(stemmer) {
  parser_.set_stemmer(stemmer_);
  parser_.set_stemming_strategy(Xapian::QueryParser::STEM_ALL_Z);  // as indexed
  parser_.set_database(db_);
  parser_.set_default_op(Xapian::Query::OP_OR);
  // Query-time stop words (the SMART list): "what", "of", "the" carry no
  // topic. Xapian keeps them inside phrases and when they are all there is.
  if (!plain) {
    for (const std::string& w : EnglishStopWords()) stopper_.add(w);
    parser_.set_stopper(&stopper_);
  }
  parser_.add_prefix("title", kPrefixTitle);
  // Filter values are stored case-folded, so fold what the user typed too.
  parser_.add_boolean_prefix("topic", (new FoldedBooleanField(kPrefixTopic))->release());
  parser_.add_boolean_prefix("source", (new FoldedBooleanField(kPrefixSource))->release());
  parser_.add_boolean_prefix("tag", (new FoldedBooleanField(kPrefixTag))->release());
}

std::string SearchQueryParser::CorrectSpelling(const std::string& text) {
  // Words are runs of ASCII letters and UTF-8 bytes, as the indexer feeds
  // the spelling dictionary. A word is left alone if its stem is indexed,
  // if it is an operator (AND, NEAR, ...) or a field name ("title:"), or if
  // it is shorter than 4 bytes. Xapian's own FLAG_SPELLING_CORRECTION is not
  // used: it checks unstemmed terms, which this index (STEM_ALL_Z) does not
  // hold, so it would "correct" correct words ("card" -> "car").
  std::string out;
  out.reserve(text.size());
  bool changed = false;
  size_t pos = 0;
  ForEachWord(text, WordChars::kLetters, [&](WordSpan w) {
    out.append(text, pos, w.begin - pos);
    pos = w.end;
    const std::string original = text.substr(w.begin, w.end - w.begin);
    const std::string word = AsciiLower(original);
    const bool is_field = w.end < text.size() && text[w.end] == ':';
    std::string suggestion;
    if (!IsOperator(original) && !is_field && word.size() >= kMinCorrectedBytes &&
        !db_.term_exists("Z" + stemmer_(word))) {
      suggestion = db_.get_spelling_suggestion(word);
    }
    if (!suggestion.empty() && suggestion != word) {
      out += suggestion;
      changed = true;
    } else {
      out += original;
    }
  });
  out.append(text, pos);
  return changed ? out : std::string();
}

Xapian::Query SearchQueryParser::Parse(const std::string& text, std::string* corrected) {
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
  if (suggest) *corrected = CorrectSpelling(text);
  return query;
}

}  // namespace storyline::index
