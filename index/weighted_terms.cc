#include "index/weighted_terms.h"

#include <algorithm>
#include <utility>

namespace storyline::index {

std::vector<WeightedTerm> Heaviest(std::vector<WeightedTerm> terms, size_t k) {
  const size_t keep = std::min(k, terms.size());
  std::partial_sort(terms.begin(), terms.begin() + keep, terms.end(),
                    [](const WeightedTerm& a, const WeightedTerm& b) {
                      return a.weight > b.weight || (a.weight == b.weight && a.term < b.term);
                    });
  terms.resize(keep);
  return terms;
}

std::vector<WeightedTerm> TopTerms(const Xapian::Database& db, const SparseVector& vec, size_t k,
                                   bool in_index, DfCache* cache) {
  std::vector<WeightedTerm> terms;
  terms.reserve(vec.size());
  for (const auto& [term, w] : vec) {
    if (in_index && cache->Get(db, term) < 2) continue;
    terms.push_back({term, w});
  }
  return Heaviest(std::move(terms), k);
}

Xapian::Query WeightedOr(const std::vector<WeightedTerm>& terms) {
  std::vector<Xapian::Query> parts;
  parts.reserve(terms.size());
  for (const WeightedTerm& t : terms) {
    parts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(t.term), t.weight);
  }
  return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
}

}  // namespace storyline::index
