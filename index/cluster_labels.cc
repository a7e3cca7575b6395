#include "index/cluster_labels.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "index/stopwords.h"

namespace storyline::index {
namespace {

constexpr size_t kMaxPhraseWords = 3;

bool IsWordChar(char c) {
  return absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '\'' || c == '-';
}

bool AllDigits(absl::string_view w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A word that may start or end a phrase: two letters or more, not a stop
// word or a number.
bool CanEndPhrase(absl::string_view w) { return w.size() >= 2 && !AllDigits(w) && !IsStopWord(w); }

// Runs of words of `text` that a phrase may span: words separated by
// exactly one space (a line break or punctuation ends a run).
std::vector<std::vector<absl::string_view>> WordRuns(absl::string_view text) {
  std::vector<std::vector<absl::string_view>> runs(1);
  size_t i = 0;
  while (i < text.size()) {
    if (!IsWordChar(text[i]) && !absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) {
      if (text[i] != ' ' || (i > 0 && text[i - 1] == ' ')) runs.emplace_back();
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() &&
           (IsWordChar(text[j]) || absl::ascii_isdigit(static_cast<unsigned char>(text[j])))) {
      ++j;
    }
    runs.back().push_back(text.substr(i, j - i));
    i = j;
  }
  return runs;
}

// Phrase key (lower case) -> spellings seen in one text.
using PhraseForms = absl::flat_hash_map<std::string, std::vector<std::string>>;

PhraseForms PhrasesOf(absl::string_view text) {
  PhraseForms out;
  for (const std::vector<absl::string_view>& run : WordRuns(text)) {
    for (size_t start = 0; start < run.size(); ++start) {
      if (!CanEndPhrase(run[start])) continue;
      for (size_t n = 2; n <= kMaxPhraseWords && start + n <= run.size(); ++n) {
        if (!CanEndPhrase(run[start + n - 1])) continue;
        std::string form = absl::StrJoin(run.begin() + start, run.begin() + start + n, " ");
        out[absl::AsciiStrToLower(form)].push_back(std::move(form));
      }
    }
  }
  return out;
}

struct Candidate {
  std::string key;
  int members = 0;
  size_t words = 0;
};

// True if a word of `key` stems to one of `stems`.
bool BuiltOnKeyword(const std::string& key, const absl::flat_hash_set<std::string>& stems,
                    const Xapian::Stem& stemmer) {
  for (absl::string_view word : absl::StrSplit(key, ' ')) {
    if (stems.contains(absl::StrCat("Z", stemmer(std::string(word))))) return true;
  }
  return false;
}

// The most common spelling of `forms`, the first alphabetically on a tie.
std::string CommonestForm(const std::map<std::string, int>& forms) {
  std::string best;
  int count = 0;
  for (const auto& [form, n] : forms) {
    if (n > count) best = form, count = n;
  }
  return best;
}

}  // namespace

std::string PhraseLabel(const std::vector<std::string>& member_texts,
                        const absl::flat_hash_set<std::string>& keyword_stems,
                        const Xapian::Stem& stemmer, const std::vector<std::string>& taken,
                        const PhraseLabelOptions& options) {
  absl::flat_hash_map<std::string, int> members;
  absl::flat_hash_map<std::string, std::map<std::string, int>> spellings;
  for (const std::string& text : member_texts) {
    for (auto& [key, forms] : PhrasesOf(text)) {
      ++members[key];
      for (std::string& f : forms) ++spellings[key][std::move(f)];
    }
  }
  const int needed = std::max(
      static_cast<int>(options.min_members),
      static_cast<int>(std::ceil(options.min_share * static_cast<double>(member_texts.size()))));
  std::vector<Candidate> candidates;
  for (const auto& [key, count] : members) {
    if (count < needed) continue;
    bool used = false;
    for (const std::string& t : taken) used = used || absl::AsciiStrToLower(t) == key;
    if (used || !BuiltOnKeyword(key, keyword_stems, stemmer)) continue;
    candidates.push_back(
        {key, count, static_cast<size_t>(std::count(key.begin(), key.end(), ' ')) + 1});
  }
  if (candidates.empty()) return "";
  const Candidate& best = *std::min_element(candidates.begin(), candidates.end(),
                                            [](const Candidate& a, const Candidate& b) {
                                              if (a.members != b.members)
                                                return a.members > b.members;
                                              if (a.words != b.words) return a.words > b.words;
                                              return a.key < b.key;
                                            });
  return CommonestForm(spellings[best.key]);
}

}  // namespace storyline::index
