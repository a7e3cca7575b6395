// Weighted stems, as similar stories and recommendations choose them: a
// seed's most distinctive stems by TF-IDF, searched as a weighted OR.
//
// Thread-safety: pure functions over the calling thread's Database and
// DfCache.
#ifndef STORYLINE_INDEX_WEIGHTED_TERMS_H_
#define STORYLINE_INDEX_WEIGHTED_TERMS_H_

#include <xapian.h>

#include <cstddef>
#include <string>
#include <vector>

#include "index/tfidf.h"

namespace storyline::index {

struct WeightedTerm {
  std::string term;
  double weight;
};

// The `k` heaviest of `terms`; ties go to the smaller term, so results are
// deterministic.
std::vector<WeightedTerm> Heaviest(std::vector<WeightedTerm> terms, size_t k);

// The `k` most distinctive stems of a document: the heaviest entries of its
// TF-IDF vector. For an indexed document (`in_index`), stems only it has
// are skipped, since they cannot match anything else.
std::vector<WeightedTerm> TopTerms(const Xapian::Database& db, const SparseVector& vec, size_t k,
                                   bool in_index, DfCache* cache);

// OR of the terms, each scaled by its weight.
Xapian::Query WeightedOr(const std::vector<WeightedTerm>& terms);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_WEIGHTED_TERMS_H_
