#include "index/synonyms.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace storyline::index {
namespace {

// Operators whose children are alternatives or parts of a boolean
// combination: expanding a child does not change what the operator means.
bool HasPlainChildren(Xapian::Query::op op) {
  switch (op) {
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_XOR:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_MAX:
      return true;
    default:
      return false;
  }
}

// Children joined by the operator: a run of words typed as one group.
bool JoinsWords(Xapian::Query::op op) {
  return op == Xapian::Query::OP_OR || op == Xapian::Query::OP_AND;
}

std::string LeafTerm(const Xapian::Query& query) {
  if (query.get_type() != Xapian::Query::LEAF_TERM) return std::string();
  return *query.get_terms_begin();
}

}  // namespace

// `words` leaves from a child on form entry `entry` of group `group`.
struct SynonymTable::Match {
  size_t words = 0;
  size_t group = 0;
  size_t entry = 0;
};

absl::StatusOr<std::shared_ptr<const SynonymTable>> SynonymTable::Build(
    const std::vector<SynonymGroup>& groups) {
  std::shared_ptr<SynonymTable> table(new SynonymTable());
  const Xapian::Stem stem("english");
  for (const SynonymGroup& group : groups) {
    std::vector<Entry>& entries = table->groups_.emplace_back();
    for (const std::vector<std::string>& words : group.entries) {
      Entry terms;
      for (const std::string& word : words) {
        terms.push_back("Z" + stem(word));
        table->words_.insert(absl::AsciiStrToLower(word));
      }
      auto [it, added] = table->keys_.try_emplace(absl::StrJoin(terms, " "),
                                                  table->groups_.size() - 1, entries.size());
      if (!added && it->second.first != table->groups_.size() - 1) {
        return absl::InvalidArgumentError(
            absl::StrCat("line ", group.line, ": \"", absl::StrJoin(words, " "),
                         "\" is already in the group on line ", groups[it->second.first].line,
                         " (after stemming); a word or phrase may be in one group only"));
      }
      if (!added) continue;  // the same stems as an earlier entry of this group
      table->max_words_ = std::max(table->max_words_, terms.size());
      entries.push_back(std::move(terms));
    }
  }
  return std::shared_ptr<const SynonymTable>(std::move(table));
}

Xapian::Query SynonymTable::Expand(const Xapian::Query& query) const {
  if (keys_.empty()) return query;
  bool changed = false;
  return ExpandNode(query, &changed);
}

Xapian::Query SynonymTable::ExpandNode(const Xapian::Query& query, bool* changed) const {
  if (query.get_type() == Xapian::Query::LEAF_TERM) {
    const Match match = Longest({query}, 0);
    if (match.words == 0) return query;
    *changed = true;
    return Alternatives(query, match);
  }
  if (HasPlainChildren(query.get_type())) return ExpandChildren(query, changed);
  return query;
}

Xapian::Query SynonymTable::ExpandChildren(const Xapian::Query& query, bool* changed) const {
  const Xapian::Query::op op = query.get_type();
  std::vector<Xapian::Query> children;
  for (size_t i = 0; i < query.get_num_subqueries(); ++i) {
    children.push_back(query.get_subquery(i));
  }
  std::vector<Xapian::Query> out;
  bool expanded = false;
  for (size_t i = 0; i < children.size();) {
    const Match match = JoinsWords(op) ? Longest(children, i) : Longest({children[i]}, 0);
    if (match.words == 0) {
      out.push_back(ExpandNode(children[i], &expanded));
      ++i;
      continue;
    }
    const auto first = children.begin() + static_cast<std::ptrdiff_t>(i);
    const Xapian::Query typed =
        match.words == 1
            ? children[i]
            : Xapian::Query(op, first, first + static_cast<std::ptrdiff_t>(match.words));
    out.push_back(Alternatives(typed, match));
    expanded = true;
    i += match.words;
  }
  if (!expanded) return query;
  *changed = true;
  return Xapian::Query(op, out.begin(), out.end());
}

SynonymTable::Match SynonymTable::Longest(const std::vector<Xapian::Query>& children,
                                          size_t i) const {
  Match best;
  std::string key;
  for (size_t n = 0; n < max_words_ && i + n < children.size(); ++n) {
    const std::string term = LeafTerm(children[i + n]);
    if (term.empty()) break;
    if (n > 0) key += ' ';
    key += term;
    if (auto it = keys_.find(key); it != keys_.end()) {
      best = {.words = n + 1, .group = it->second.first, .entry = it->second.second};
    }
  }
  return best;
}

Xapian::Query SynonymTable::Alternatives(const Xapian::Query& typed, const Match& match) const {
  std::vector<Xapian::Query> subs = {typed};
  const std::vector<Entry>& entries = groups_[match.group];
  for (size_t e = 0; e < entries.size(); ++e) {
    if (e == match.entry) continue;
    const Entry& terms = entries[e];
    if (terms.size() == 1) {
      subs.emplace_back(terms[0]);
    } else {
      subs.emplace_back(Xapian::Query::OP_PHRASE, terms.begin(), terms.end(), terms.size());
    }
  }
  return Xapian::Query(Xapian::Query::OP_SYNONYM, subs.begin(), subs.end());
}

void SynonymSet::Replace(std::shared_ptr<const SynonymTable> table) {
  absl::MutexLock lock(&mu_);
  table_ = std::move(table);
  generation_.fetch_add(1, std::memory_order_release);
}

std::shared_ptr<const SynonymTable> SynonymSet::Current() const {
  absl::MutexLock lock(&mu_);
  return table_;
}

}  // namespace storyline::index
