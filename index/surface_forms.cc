#include "index/surface_forms.h"

#include <algorithm>
#include <map>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "index/stopwords.h"
#include "index/text_tokens.h"

namespace storyline::index {
namespace {

// Only the start of a long text is read.
constexpr size_t kSurfaceScanBytes = 32 * 1024;

// Occurrences of each surface form, by stem key.
using FormCounts = std::map<std::string, std::map<std::string, int>>;

// Counts the surface forms of `text`'s words (by "Z" + stem) and of its
// adjacent word pairs (by "zterm1 zterm2"). With `wanted` stems, words that
// cannot stem to one of them are skipped (and break phrases).
void CountForms(const Xapian::Stem& stemmer, absl::string_view text,
                const std::vector<std::string>& wanted, FormCounts* words, FormCounts* pairs) {
  // Stemming only changes endings, so a word can only stem to a wanted
  // stem if its first two letters match that stem's.
  absl::flat_hash_set<std::string> prefixes;
  for (const std::string& z : wanted) prefixes.insert(z.substr(1, 2));
  auto maybe_wanted = [&](const std::string& lower) {
    return wanted.empty() || prefixes.contains(absl::string_view(lower).substr(0, 2));
  };
  std::string prev_key, prev_word;
  size_t prev_end = 0;
  Xapian::Stem stem = stemmer;
  ForEachWord(text, WordChars::kLettersAndDigits, [&](WordSpan w) {
    // Only spaces and hyphens keep two words adjacent for phrases.
    if (text.substr(prev_end, w.begin - prev_end).find_first_not_of(" -") !=
        absl::string_view::npos) {
      prev_key.clear();
    }
    prev_end = w.end;
    const std::string word(text.substr(w.begin, w.end - w.begin));
    const std::string lower = AsciiLower(word);
    if (!maybe_wanted(lower)) {
      prev_key.clear();
      return;
    }
    const std::string key = "Z" + stem(lower);
    ++(*words)[key][word];
    if (!prev_key.empty()) ++(*pairs)[prev_key + " " + key][prev_word + " " + word];
    prev_key = key;
    prev_word = word;
  });
}

}  // namespace

void SurfaceForms::Flatten(const FormCounts& counts, FormTable* out) {
  for (const auto& [key, forms] : counts) {
    Forms f;
    for (const auto& [form, n] : forms) f.counts.emplace_back(form, n);
    out->emplace_back(key, std::move(f));
  }
}

SurfaceForms::SurfaceForms(const Xapian::Stem& stemmer, absl::string_view text)
    : SurfaceForms(stemmer, text, {}) {}

SurfaceForms::SurfaceForms(const Xapian::Stem& stemmer, absl::string_view text,
                           const std::vector<std::string>& wanted) {
  FormCounts words, pairs;
  CountForms(stemmer, text.substr(0, kSurfaceScanBytes), wanted, &words, &pairs);
  Flatten(words, &words_);
  Flatten(pairs, &pairs_);
}

const SurfaceForms::Forms* SurfaceForms::Find(const FormTable& v, const std::string& key) const {
  auto it = std::lower_bound(v.begin(), v.end(), key,
                             [](const auto& e, const std::string& k) { return e.first < k; });
  if (it == v.end() || it->first != key) return nullptr;
  return &it->second;
}

namespace {

// The most common form; a form with capitals wins ties (names).
std::string BestForm(const std::vector<std::pair<std::string, int>>& counts, int* total) {
  std::string best;
  int best_n = -1;
  *total = 0;
  for (const auto& [form, n] : counts) {
    *total += n;
    const bool caps = !form.empty() && form[0] >= 'A' && form[0] <= 'Z';
    const bool best_caps = !best.empty() && best[0] >= 'A' && best[0] <= 'Z';
    if (n > best_n || (n == best_n && caps && !best_caps)) {
      best = form;
      best_n = n;
    }
  }
  // A word capitalized only at sentence starts reads better in lower case.
  int lower_n = 0;
  for (const auto& [form, n] : counts) {
    if (!form.empty() && !(form[0] >= 'A' && form[0] <= 'Z')) lower_n += n;
  }
  if (lower_n > 0 && !best.empty() && best[0] >= 'A' && best[0] <= 'Z') {
    for (const auto& [form, n] : counts) {
      if (!form.empty() && !(form[0] >= 'A' && form[0] <= 'Z') && n == lower_n) return form;
    }
  }
  return best;
}

}  // namespace

std::string SurfaceForms::Word(const std::string& zterm) const {
  const Forms* f = Find(words_, zterm);
  if (f == nullptr) return "";
  int total = 0;
  return BestForm(f->counts, &total);
}

bool SurfaceForms::IsStopTerm(const std::string& zterm) const {
  const std::string word = Word(zterm);
  return word.empty() ? IsStopStem(zterm) : IsStopWord(word);
}

std::vector<std::string> SurfaceForms::Readable(const std::vector<std::string>& zterms,
                                                size_t max) const {
  std::vector<std::string> out;
  absl::flat_hash_set<std::string> used;
  // Phrases first: two wanted stems adjacent in the text, at least twice,
  // in the order of their first stem's importance.
  for (const std::string& a : zterms) {
    if (out.size() >= max) break;
    if (used.contains(a) || IsStopTerm(a)) continue;
    for (const std::string& b : zterms) {
      if (a == b || used.contains(b) || IsStopTerm(b)) continue;
      for (const std::string& key : {absl::StrCat(a, " ", b), absl::StrCat(b, " ", a)}) {
        const Forms* f = Find(pairs_, key);
        if (f == nullptr) continue;
        int total = 0;
        const std::string phrase = BestForm(f->counts, &total);
        if (total < 2) continue;
        out.push_back(phrase);
        used.insert(a);
        used.insert(b);
        break;
      }
      if (used.contains(a)) break;
    }
  }
  for (const std::string& z : zterms) {
    if (out.size() >= max) break;
    if (used.contains(z)) continue;
    std::string w = Word(z);
    if (w.size() < 3 || IsStopWord(w)) continue;
    out.push_back(std::move(w));
    used.insert(z);
  }
  return out;
}

}  // namespace storyline::index
