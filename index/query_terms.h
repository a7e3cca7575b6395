// What a parsed query is made of, for the steps after the match: the terms
// that can add weight (re-ranking, explanations) and the word stems worth
// highlighting (snippets).
//
// Thread-safety: pure functions over the calling thread's Query.
#ifndef STORYLINE_INDEX_QUERY_TERMS_H_
#define STORYLINE_INDEX_QUERY_TERMS_H_

#include <xapian.h>

#include <string>
#include <vector>

namespace storyline::index {

// The distinct terms that can add to a match's weight: everything except
// the right-hand sides of AND_NOT (excluded words) and FILTER (boolean
// conditions). Sorted.
std::vector<std::string> PositiveTerms(const Xapian::Query& query);

// The query's word stems ("barrag"), without field prefixes, for locating
// the part of a long text worth highlighting.
std::vector<std::string> QueryStems(const Xapian::Query& query);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_QUERY_TERMS_H_
