// Facet counts the way filters match: a topic or source filter is a
// case-folded boolean term (schema.h, FoldCase), so the values a
// ValueCountMatchSpy saw as written ("POLITICS", "politics") are merged by
// their folded form, and the count of each merged value is exactly what
// the same query returns with that value as a filter.
//
// Each merged value is shown in one form: the written form most of its
// matches use (ties: the byte-wise smallest), so a corpus written in
// capitals keeps its capitals.
//
// Thread-safety: pure function.
#ifndef STORYLINE_INDEX_FACETS_H_
#define STORYLINE_INDEX_FACETS_H_

#include <xapian.h>

#include <cstddef>
#include <vector>

#include "index/search_results.h"

namespace storyline::index {

// The values `spy` counted, merged by FoldCase, by descending count (ties
// by display form); at most `max_values` of them.
std::vector<FacetCount> FoldedFacetCounts(const Xapian::ValueCountMatchSpy& spy, size_t max_values);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_FACETS_H_
