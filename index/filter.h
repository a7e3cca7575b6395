// The request filter (topics, sources, publish-time window) shared by
// search, similar stories, recommendations and topic clusters: as a Xapian
// query, and evaluated on one document.
//
// Thread-safety: pure functions; the Documents and Queries they are given
// belong to the calling thread.
#ifndef STORYLINE_INDEX_FILTER_H_
#define STORYLINE_INDEX_FILTER_H_

#include <xapian.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace storyline::index {

// The Filter message, as index structs.
struct FilterParams {
  std::vector<std::string> topics;             // any of; case-insensitive
  std::vector<std::string> sources;            // any of; case-insensitive
  std::optional<absl::Time> published_after;   // inclusive
  std::optional<absl::Time> published_before;  // inclusive
};

// The filter as a Xapian query (empty Query when nothing is set). An
// inverted window (published_after > published_before) is an empty value
// range, which Xapian drops, so it restricts nothing here; callers reject
// such windows first (the server validates requests; SimilarStories returns
// no hits for an empty seed window).
Xapian::Query FilterQuery(const FilterParams& filter);

// `query` restricted by `filter` and without the articles `exclude_ids`.
Xapian::Query FilteredQuery(Xapian::Query query, const FilterParams& filter,
                            const std::vector<std::string>& exclude_ids);

// FilterQuery(filter), evaluated on one document (for a valid window).
bool MatchesFilter(const Xapian::Document& doc, const FilterParams& filter);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_FILTER_H_
