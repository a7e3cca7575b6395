#include "bench/eval/spelling_mode.h"

#include <cctype>
#include <cstdio>
#include <fstream>
#include <random>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/article_jsonl.h"

namespace storyline::eval {
namespace {

// The corpus's headlines with their article ids, and every word of its
// headlines and bodies.
struct SpellingCorpus {
  std::vector<std::string> titles;
  std::vector<std::string> ids;
  absl::flat_hash_set<std::string> vocabulary;
};

SpellingCorpus LoadSpellingCorpus(const std::string& path) {
  SpellingCorpus corpus;
  std::ifstream in(path);
  common::JsonlArticleReader reader(in);
  v1::Article a;
  while (reader.NextArticle(&a)) {
    corpus.titles.push_back(a.title());
    corpus.ids.push_back(a.id());
    for (std::string& w : WordsOf(a.title() + " " + a.body())) {
      corpus.vocabulary.insert(std::move(w));
    }
  }
  return corpus;
}

// `word` with one random edit: a letter deleted, inserted, substituted, or
// swapped with the next.
std::string OneEdit(const std::string& word, std::mt19937& rng) {
  std::string typo = word;
  const size_t pos = std::uniform_int_distribution<size_t>(0, word.size() - 1)(rng);
  const char letter = static_cast<char>('a' + std::uniform_int_distribution<int>(0, 25)(rng));
  switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
    case 0:
      typo.erase(pos, 1);
      break;
    case 1:
      typo.insert(pos, 1, letter);
      break;
    case 2:
      typo[pos] = letter;
      break;
    default:
      if (pos + 1 < typo.size()) std::swap(typo[pos], typo[pos + 1]);
  }
  return typo;
}

// One typo of a headline word.
struct TypoCase {
  std::string typo;
  std::string word;
  size_t headline = 0;  // index into SpellingCorpus::titles
};

// Up to `want` distinct typos of headline words of 5+ letters, none of them
// a word of the corpus.
std::vector<TypoCase> MakeTypos(const SpellingCorpus& corpus, int want, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<TypoCase> cases;
  absl::flat_hash_set<std::string> used;
  for (int attempts = 0; static_cast<int>(cases.size()) < want && attempts < want * 100;
       ++attempts) {
    const size_t headline = std::uniform_int_distribution<size_t>(0, corpus.titles.size() - 1)(rng);
    const std::vector<std::string> words = WordsOf(corpus.titles[headline]);
    std::vector<std::string> long_words;
    for (const std::string& w : words) {
      if (w.size() >= 5 && w.find('\'') == std::string::npos) long_words.push_back(w);
    }
    if (long_words.empty()) continue;
    const std::string word =
        long_words[std::uniform_int_distribution<size_t>(0, long_words.size() - 1)(rng)];
    std::string typo = OneEdit(word, rng);
    if (typo == word || corpus.vocabulary.contains(typo) || !used.insert(typo).second) continue;
    cases.push_back({std::move(typo), word, headline});
  }
  return cases;
}

struct SpellingTally {
  int restored = 0, false_corrections = 0, errors = 0;
  int headline_top10 = 0;  // the typo'd headline found its article in the top 10
  int headline_first = 0;  // ... as the first result
  std::vector<std::string> misses;
};

// Sends the typo, then the original word; adds the outcome to `tally`.
void MeasureTypo(Client& client, const std::string& typo, const std::string& word,
                 SpellingTally* tally) {
  v1::SearchRequest req;
  req.set_query(typo);
  auto resp = client.Search(req);
  if (!resp.ok()) {
    ++tally->errors;
    return;
  }
  if (absl::AsciiStrToLower(resp->corrected_query()) == word) {
    ++tally->restored;
  } else if (tally->misses.size() < 10) {
    tally->misses.push_back(absl::StrCat(
        typo, "->",
        resp->corrected_query().empty() ? std::string("(none)") : resp->corrected_query(), " [",
        word, "]"));
  }
  req.set_query(word);
  auto clean = client.Search(req);
  if (clean.ok() && !clean->corrected_query().empty()) {
    ++tally->false_corrections;
    tally->misses.push_back(
        absl::StrCat("false correction: ", word, "->", clean->corrected_query()));
  }
}

// The headline's words, lower-cased, with the first `word` as `typo`.
std::string TypoHeadline(const std::string& title, const TypoCase& c) {
  std::vector<std::string> words = WordsOf(title);
  for (std::string& w : words) {
    if (w == c.word) {
      w = c.typo;
      break;
    }
  }
  return absl::StrJoin(words, " ");
}

// Searches the headline with the typo, as a user would type it; counts the
// case if the headline's own article is in the top 10 (and if it is first).
void MeasureHeadline(Client& client, const SpellingCorpus& corpus, const TypoCase& c,
                     SpellingTally* tally) {
  v1::SearchRequest req;
  req.set_query(TypoHeadline(corpus.titles[c.headline], c));
  req.set_page_size(10);
  auto resp = client.Search(req);
  if (!resp.ok()) {
    ++tally->errors;
    return;
  }
  for (int i = 0; i < resp->results_size(); ++i) {
    if (resp->results(i).article().id() == corpus.ids[c.headline]) {
      ++tally->headline_top10;
      if (i == 0) ++tally->headline_first;
      return;
    }
  }
}

void PrintSummary(const SpellingOptions& options, size_t cases, const SpellingTally& t) {
  const double rate = cases == 0 ? 0 : static_cast<double>(t.restored) / cases;
  const double headline_rate = cases == 0 ? 0 : static_cast<double>(t.headline_top10) / cases;
  if (options.json) {
    std::printf(
        "{\"mode\":\"spelling\",\"typos\":%zu,\"restored\":%d,\"rate\":%.4f,"
        "\"false_corrections\":%d,\"headline_top10\":%d,\"headline_rate\":%.4f,"
        "\"headline_first\":%d,\"errors\":%d}\n",
        cases, t.restored, rate, t.false_corrections, t.headline_top10, headline_rate,
        t.headline_first, t.errors);
    return;
  }
  std::printf(
      "spelling: restored %d of %zu one-edit typos (%.1f%%); %d of %zu correct words "
      "falsely corrected; %d errors\n",
      t.restored, cases, 100 * rate, t.false_corrections, cases, t.errors);
  std::printf(
      "headlines with one typo: the article is in the top 10 for %d of %zu (%.1f%%), first "
      "for %d\n",
      t.headline_top10, cases, 100 * headline_rate, t.headline_first);
  for (const std::string& m : t.misses) std::printf("  missed: %s\n", m.c_str());
}

}  // namespace

std::vector<std::string> WordsOf(const std::string& text) {
  std::vector<std::string> out;
  std::string w;
  const std::string t = text + " ";
  for (size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (std::isalpha(static_cast<unsigned char>(c))) {
      w.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else if (c == '\'' && !w.empty() && i + 1 < t.size() &&
               std::isalpha(static_cast<unsigned char>(t[i + 1]))) {
      w.push_back(c);
    } else if (!w.empty()) {
      out.push_back(std::move(w));
      w.clear();
    }
  }
  return out;
}

int RunSpelling(Client& client, const SpellingOptions& options) {
  const SpellingCorpus corpus = LoadSpellingCorpus(options.corpus_path);
  const std::vector<TypoCase> cases = MakeTypos(corpus, options.typos, options.seed);
  SpellingTally tally;
  for (const TypoCase& c : cases) {
    MeasureTypo(client, c.typo, c.word, &tally);
    MeasureHeadline(client, corpus, c, &tally);
  }
  PrintSummary(options, cases.size(), tally);
  return tally.errors == 0 ? 0 : 1;
}

}  // namespace storyline::eval
