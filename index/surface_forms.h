// SurfaceForms: readable words and phrases for stems, learned from a text,
// so results can say "Premier League" where the index holds "Zleagu".
// Similar stories, recommendations and topic clusters explain themselves
// with it.
//
// Thread-safety: immutable after construction; the constructor uses (a
// copy of) the Stem it is given on the calling thread.
#ifndef STORYLINE_INDEX_SURFACE_FORMS_H_
#define STORYLINE_INDEX_SURFACE_FORMS_H_

#include <xapian.h>

#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace storyline::index {

// Shared words a similar story or recommendation shows (from twice as many
// candidate stems).
inline constexpr size_t kSharedTerms = 5;

// Readable surface forms of stems, learned from a text: "Zleagu" ->
// "League", and adjacent pairs -> "Premier League".
class SurfaceForms {
 public:
  SurfaceForms(const Xapian::Stem& stemmer, absl::string_view text);
  // Learns only words that may stem to one of `wanted` (Z-prefixed stems):
  // a word is stemmed only if it starts like one of them, which skips most
  // of the stemming cost. Phrases then pair adjacent wanted words.
  SurfaceForms(const Xapian::Stem& stemmer, absl::string_view text,
               const std::vector<std::string>& wanted);
  // Words and two-word phrases for `zterms` (Z-prefixed stems, most
  // important first): at most `max` entries, never stems.
  std::vector<std::string> Readable(const std::vector<std::string>& zterms, size_t max) const;
  // The most common surface form of one Z-term, or "" if the text lacks it.
  std::string Word(const std::string& zterm) const;
  // True if `zterm` reads as a stop word ("said", "the", "are"): judged by
  // its surface form, so "change" is kept though "changes" is a stop word;
  // by its stem when the text lacks it.
  bool IsStopTerm(const std::string& zterm) const;

 private:
  struct Forms {
    std::vector<std::pair<std::string, int>> counts;
  };
  using FormTable = std::vector<std::pair<std::string, Forms>>;
  // Occurrences of each surface form, by stem key.
  using FormCounts = std::map<std::string, std::map<std::string, int>>;
  static void Flatten(const FormCounts& counts, FormTable* out);
  FormTable words_;  // sorted by zterm
  FormTable pairs_;  // key "zterm1 zterm2"
  const Forms* Find(const FormTable& v, const std::string& key) const;
};

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_SURFACE_FORMS_H_
