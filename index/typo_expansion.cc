#include "index/typo_expansion.h"

#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "index/schema.h"
#include "index/text_tokens.h"

namespace storyline::index {
namespace {

// A word of the text that may be corrected, and its stem.
struct TextWord {
  WordSpan span;
  std::string stem;
};

// The corrections of one typed word: their stems (best first) and the best
// one as a word, for the corrected text.
struct WordCorrections {
  std::vector<std::string> stems;
  std::string best;
};

bool IsOperator(absl::string_view word) {
  return word == "AND" || word == "OR" || word == "NOT" || word == "XOR" || word == "NEAR" ||
         word == "ADJ";
}

// The words of `text` that could be query words: runs of letters (as the
// spelling dictionary holds them), without operators and field names.
std::vector<TextWord> CandidateWords(const std::string& text, const Xapian::Stem& stemmer) {
  std::vector<TextWord> words;
  ForEachWord(text, WordChars::kLetters, [&](WordSpan w) {
    const absl::string_view original = absl::string_view(text).substr(w.begin, w.end - w.begin);
    const bool is_field = w.end < text.size() && text[w.end] == ':';
    if (IsOperator(original) || is_field) return;
    words.push_back({w, stemmer(AsciiLower(original))});
  });
  return words;
}

// Rebuilds a query with each correctable word term T replaced by
// T OR scaled(SYNONYM(corrections)), and records which stems it corrected.
class TermRewriter {
 public:
  explicit TermRewriter(const absl::flat_hash_map<std::string, WordCorrections>& corrections)
      : corrections_(corrections) {}

  Xapian::Query Rewrite(const Xapian::Query& q) {
    const Xapian::Query::op op = q.get_type();
    switch (op) {
      case Xapian::Query::LEAF_TERM:
        return RewriteTerm(q);
      case Xapian::Query::OP_AND:
      case Xapian::Query::OP_OR:
      case Xapian::Query::OP_XOR:
      case Xapian::Query::OP_AND_MAYBE:
      case Xapian::Query::OP_SYNONYM:
      case Xapian::Query::OP_MAX:
        return RewriteChildren(q, q.get_num_subqueries());
      case Xapian::Query::OP_AND_NOT:
      case Xapian::Query::OP_FILTER:
        // Only the first subquery adds weight; the rest exclude or filter.
        return RewriteChildren(q, 1);
      default:
        // Phrases, NEAR, scaled and value-range queries: kept as they are
        // (their parameters cannot be read back to rebuild them).
        return q;
    }
  }

  const absl::flat_hash_set<std::string>& corrected_stems() const { return corrected_; }

 private:
  Xapian::Query RewriteChildren(const Xapian::Query& q, size_t rewritten) {
    std::vector<Xapian::Query> children;
    bool changed = false;
    for (size_t i = 0; i < q.get_num_subqueries(); ++i) {
      const Xapian::Query child = q.get_subquery(i);
      children.push_back(i < rewritten ? Rewrite(child) : child);
      changed = changed || children.back().internal.get() != child.internal.get();
    }
    if (!changed) return q;
    return Xapian::Query(q.get_type(), children.begin(), children.end());
  }

  Xapian::Query RewriteTerm(const Xapian::Query& q) {
    const std::string term = *q.get_terms_begin();
    // Free-text words are "Z" + stem, title: words "Z" + "S" + stem.
    const std::string title_prefix = std::string("Z") + kPrefixTitle;
    std::string prefix = absl::StartsWith(term, title_prefix) ? title_prefix : "Z";
    if (!absl::StartsWith(term, prefix) || term.size() == prefix.size()) return q;
    const auto it = corrections_.find(term.substr(prefix.size()));
    if (it == corrections_.end() || it->second.stems.empty()) return q;
    corrected_.insert(it->first);
    std::vector<Xapian::Query> alternatives;
    for (const std::string& stem : it->second.stems) alternatives.emplace_back(prefix + stem);
    const Xapian::Query corrected(Xapian::Query::OP_SYNONYM, alternatives.begin(),
                                  alternatives.end());
    return Xapian::Query(
        Xapian::Query::OP_OR, q,
        Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, corrected, kCorrectionWeight));
  }

  const absl::flat_hash_map<std::string, WordCorrections>& corrections_;
  absl::flat_hash_set<std::string> corrected_;
};

}  // namespace

TypoExpansion ExpandTypos(const Xapian::Query& parsed, const std::string& text,
                          const Xapian::Stem& stemmer, TypoCorrector& corrector, bool expand) {
  const std::vector<TextWord> words = CandidateWords(text, stemmer);
  absl::flat_hash_map<std::string, WordCorrections> corrections;
  bool any = false;
  for (const TextWord& w : words) {
    if (corrections.contains(w.stem)) continue;
    WordCorrections& c = corrections[w.stem];
    const std::string word = AsciiLower(text.substr(w.span.begin, w.span.end - w.span.begin));
    for (Correction& found : corrector.Corrections(word, kCorrectionsPerWord)) {
      if (c.best.empty()) c.best = found.word;
      c.stems.push_back(stemmer(found.word));
      any = true;
    }
  }
  if (!any) return {.query = parsed, .corrected_text = {}};
  TermRewriter rewriter(corrections);
  TypoExpansion out{.query = rewriter.Rewrite(parsed), .corrected_text = {}};
  if (!expand) out.query = parsed;
  if (rewriter.corrected_stems().empty()) return out;
  size_t pos = 0;
  for (const TextWord& w : words) {
    if (!rewriter.corrected_stems().contains(w.stem)) continue;
    out.corrected_text.append(text, pos, w.span.begin - pos);
    out.corrected_text += corrections[w.stem].best;
    pos = w.span.end;
  }
  out.corrected_text.append(text, pos);
  return out;
}

}  // namespace storyline::index
