#include "index/typo_corrector.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"

namespace storyline::index {
namespace {

// A correction that fewer articles use than this share of the best one's
// is left out: it is more likely noise than what the user meant.
constexpr Xapian::doccount kRunnerUpShare = 10;

bool IsLowerAsciiWord(const std::string& word) {
  return std::all_of(word.begin(), word.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

}  // namespace

std::vector<std::string> OneEditVariants(const std::string& word) {
  std::vector<std::string> out;
  out.reserve(word.size() * 54 + 26);
  for (size_t i = 0; i < word.size(); ++i) {
    std::string deleted = word;
    deleted.erase(i, 1);
    out.push_back(std::move(deleted));
    if (i + 1 < word.size() && word[i] != word[i + 1]) {
      std::string swapped = word;
      std::swap(swapped[i], swapped[i + 1]);
      out.push_back(std::move(swapped));
    }
    for (char c = 'a'; c <= 'z'; ++c) {
      if (c == word[i]) continue;
      std::string replaced = word;
      replaced[i] = c;
      out.push_back(std::move(replaced));
    }
  }
  for (size_t i = 0; i <= word.size(); ++i) {
    for (char c = 'a'; c <= 'z'; ++c) out.push_back(word.substr(0, i) + c + word.substr(i));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  out.erase(std::remove(out.begin(), out.end(), word), out.end());
  return out;
}

TypoCorrector::TypoCorrector(const Xapian::Database& db, const Xapian::Stem& stemmer)
    : TypoCorrector(db, db, stemmer) {}

TypoCorrector::TypoCorrector(const Xapian::Database& db, const Xapian::Database& spelling,
                             const Xapian::Stem& stemmer)
    : db_(db), spelling_(spelling), stemmer_(stemmer) {}

Xapian::doccount TypoCorrector::ArticlesUsing(const std::string& word) {
  Xapian::TermIterator it = spelling_.spellings_begin();
  it.skip_to(word);
  if (it != spelling_.spellings_end() && *it == word) return it.get_termfreq();
  return StemArticles(stemmer_(word));
}

Xapian::doccount TypoCorrector::StemArticles(const std::string& stem) {
  // A bound on the memory: a long-lived reader of an index that does not
  // change sees every query word once.
  constexpr size_t kMaxRemembered = 1 << 16;
  if (auto it = stem_articles_.find(stem); it != stem_articles_.end()) return it->second;
  if (stem_articles_.size() >= kMaxRemembered) stem_articles_.clear();
  const Xapian::doccount articles = db_.get_termfreq("Z" + stem);
  stem_articles_.emplace(stem, articles);
  return articles;
}

std::vector<Correction> TypoCorrector::WithinOneEdit(const std::string& word) {
  // One forward pass over the (sorted) dictionary for the sorted variants:
  // each lookup starts where the last one ended.
  std::vector<Correction> found;
  Xapian::TermIterator it = spelling_.spellings_begin();
  const Xapian::TermIterator end = spelling_.spellings_end();
  for (const std::string& v : OneEditVariants(word)) {
    it.skip_to(v);
    if (it == end) break;
    if (*it == v) {
      found.push_back({v, it.get_termfreq()});
    } else if (absl::StartsWith(*it, v) && db_.term_exists("Z" + v)) {
      // A stem used only in the plural: "lagoon" from "lagoons".
      Xapian::TermIterator plural = spelling_.spellings_begin();
      plural.skip_to(v + "s");
      if (plural != end && *plural == v + "s") found.push_back({v, plural.get_termfreq()});
    }
  }
  return found;
}

std::vector<Correction> TypoCorrector::Corrections(const std::string& word, size_t max) {
  if (word.size() < kMinTypoWordLetters || !IsLowerAsciiWord(word)) return {};
  // The articles with the word's stem: one lookup for most query words,
  // as cheap as the check before typo tolerance. The misspelling
  // "goverment" shares its stem with "governess", so this is not zero.
  const std::string own_stem = stemmer_(word);
  const Xapian::doccount own = StemArticles(own_stem);
  if (own > kRareWordArticles) return {};
  std::vector<Correction> found = WithinOneEdit(word);
  if (found.empty() && word.size() >= kTwoTypoWordLetters) {
    // Xapian ranks by edit distance, then by use: with nothing within one
    // edit, this is the most used word within two. As in Meilisearch, an
    // edit of the first letter counts twice, so it must keep the first
    // letter ("goverment" is not "movement").
    std::string suggestion = spelling_.get_spelling_suggestion(word, 2);
    if (!suggestion.empty() && suggestion != word && suggestion[0] == word[0]) {
      const Xapian::doccount articles = ArticlesUsing(suggestion);
      found.push_back({std::move(suggestion), articles});
    }
  }
  const Xapian::doccount needed = own == 0 ? 1 : own * kDominance;
  std::erase_if(found, [&](const Correction& c) {
    return c.articles < needed || stemmer_(c.word) == own_stem;
  });
  std::sort(found.begin(), found.end(), [](const Correction& a, const Correction& b) {
    return a.articles != b.articles ? a.articles > b.articles : a.word < b.word;
  });
  if (!found.empty()) {
    const Xapian::doccount best = found.front().articles;
    std::erase_if(found, [&](const Correction& c) { return c.articles * kRunnerUpShare < best; });
  }
  if (found.size() > max) found.resize(max);
  return found;
}

}  // namespace storyline::index
