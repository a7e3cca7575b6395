#include "index/stopwords.h"

#include <xapian.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"

namespace storyline::index {

const std::vector<std::string>& EnglishStopWords() {
  // The classic SMART/Snowball core, plus news boilerplate verbs.
  static const auto* const words = new std::vector<std::string>{
      "a",       "about",  "above",  "after",   "again",   "against",  "all",        "also",
      "am",      "an",     "and",    "any",     "are",     "as",       "at",         "be",
      "because", "been",   "before", "being",   "below",   "between",  "both",       "but",
      "by",      "can",    "could",  "did",     "do",      "does",     "doing",      "down",
      "during",  "each",   "few",    "for",     "from",    "further",  "had",        "has",
      "have",    "having", "he",     "her",     "here",    "hers",     "herself",    "him",
      "himself", "his",    "how",    "i",       "if",      "in",       "into",       "is",
      "it",      "its",    "itself", "just",    "me",      "more",     "most",       "my",
      "myself",  "no",     "nor",    "not",     "now",     "of",       "off",        "on",
      "once",    "only",   "or",     "other",   "our",     "ours",     "ourselves",  "out",
      "over",    "own",    "same",   "she",     "should",  "so",       "some",       "such",
      "than",    "that",   "the",    "their",   "theirs",  "them",     "themselves", "then",
      "there",   "these",  "they",   "this",    "those",   "through",  "to",         "too",
      "under",   "until",  "up",     "very",    "was",     "we",       "were",       "what",
      "when",    "where",  "which",  "while",   "who",     "whom",     "why",        "will",
      "with",    "would",  "you",    "your",    "yours",   "yourself", "yourselves", "said",
      "says",    "say",    "told",   "mr",      "mrs",     "ms",       "one",        "two",
      "three",   "new",    "many",   "much",    "may",     "might",    "must",       "us",
      "yet",     "still",  "even",   "however", "since",   "though",   "within",     "without",
      "around",  "among",  "per",    "via",     "whether", "another",  "every",      "get",
      "got",     "make",   "made"};
  return *words;
}

bool IsStopWord(absl::string_view word) {
  static const auto* const set = [] {
    auto* s = new absl::flat_hash_set<std::string>();
    for (const std::string& w : EnglishStopWords()) s->insert(w);
    return s;
  }();
  return set->contains(absl::AsciiStrToLower(word));
}

bool IsStopStem(absl::string_view zterm) {
  static const auto* const set = [] {
    auto* s = new absl::flat_hash_set<std::string>();
    Xapian::Stem stem("english");
    for (const std::string& w : EnglishStopWords()) s->insert("Z" + stem(w));
    return s;
  }();
  return set->contains(zterm);
}

}  // namespace storyline::index
