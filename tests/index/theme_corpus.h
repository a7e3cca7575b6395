// A synthetic corpus of three themes whose articles share no fixed wording,
// only a vocabulary: what the semantic-model tests (lsa_test.cc,
// lsa_file_test.cc) learn a space from.
#ifndef STORYLINE_TESTS_INDEX_THEME_CORPUS_H_
#define STORYLINE_TESTS_INDEX_THEME_CORPUS_H_

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/index/test_index.h"

namespace storyline::index::testing {

inline const std::vector<std::vector<std::string>> kThemes = {
    {"striker", "goal", "keeper", "penalty", "midfield", "league", "referee", "stadium", "coach",
     "transfer", "derby", "fixture", "winger", "tackle", "offside", "season"},
    {"inflation", "bank", "rates", "bond", "market", "shares", "investor", "profit", "dividend",
     "currency", "lending", "mortgage", "treasury", "earnings", "deficit", "yield"},
    {"comet", "orbit", "telescope", "galaxy", "planet", "rocket", "launch", "astronaut",
     "satellite", "nebula", "asteroid", "crater", "lunar", "module", "probe", "spacecraft"},
};
inline const std::vector<std::string> kCommon = {"report", "said", "week", "people", "new", "year"};

// Article i of theme t: ten words drawn from the theme, three common ones.
inline std::string ThemeText(size_t theme, std::mt19937& rng) {
  std::vector<std::string> words;
  std::uniform_int_distribution<size_t> pick_theme(0, kThemes[theme].size() - 1);
  std::uniform_int_distribution<size_t> pick_common(0, kCommon.size() - 1);
  for (int i = 0; i < 10; ++i) words.push_back(kThemes[theme][pick_theme(rng)]);
  for (int i = 0; i < 3; ++i) words.push_back(kCommon[pick_common(rng)]);
  return absl::StrJoin(words, " ");
}

// `per_theme` articles of each theme, ids "<prefix><theme>-<n>".
inline std::vector<storyline::v1::Article> ThemeArticles(int per_theme, unsigned seed,
                                                         const std::string& prefix = "t") {
  std::mt19937 rng(seed);
  std::vector<storyline::v1::Article> articles;
  for (size_t t = 0; t < kThemes.size(); ++t) {
    for (int i = 0; i < per_theme; ++i) {
      articles.push_back(MakeArticle(
          {.id = absl::StrCat(prefix, t, "-", i), .title = "", .body = ThemeText(t, rng)}));
    }
  }
  return articles;
}

}  // namespace storyline::index::testing

#endif  // STORYLINE_TESTS_INDEX_THEME_CORPUS_H_
