#include "index/query_terms.h"

#include <functional>
#include <set>

namespace storyline::index {

std::vector<std::string> PositiveTerms(const Xapian::Query& query) {
  std::set<std::string> terms;
  std::function<void(const Xapian::Query&)> walk = [&](const Xapian::Query& q) {
    const Xapian::Query::op op = q.get_type();
    if (op == Xapian::Query::LEAF_TERM) {
      for (auto it = q.get_terms_begin(); it != q.get_terms_end(); ++it) terms.insert(*it);
      return;
    }
    const size_t n = q.get_num_subqueries();
    const bool first_only = op == Xapian::Query::OP_AND_NOT || op == Xapian::Query::OP_FILTER;
    for (size_t i = 0; i < n && (i == 0 || !first_only); ++i) walk(q.get_subquery(i));
  };
  walk(query);
  return {terms.begin(), terms.end()};
}

std::vector<std::string> QueryStems(const Xapian::Query& query) {
  std::vector<std::string> stems;
  for (auto it = query.get_unique_terms_begin(); it != query.get_unique_terms_end(); ++it) {
    std::string term = *it;
    size_t i = 0;
    while (i < term.size() && term[i] >= 'A' && term[i] <= 'Z') ++i;
    // Z-stems of free text and title: words; other prefixes are filters.
    if (i == 0 || (i == 1 && term[0] == 'Z') || (i == 2 && term[0] == 'Z' && term[1] == 'S')) {
      stems.push_back(term.substr(i));
    }
  }
  return stems;
}

}  // namespace storyline::index
