#include "index/filter.h"

#include <algorithm>

#include "index/schema.h"
#include "index/stored_document.h"

namespace storyline::index {
namespace {

bool HasTerm(const Xapian::Document& doc, const std::string& term) {
  Xapian::TermIterator it = doc.termlist_begin();
  it.skip_to(term);
  return it != doc.termlist_end() && *it == term;
}

// The publish-time window as a value-range query (empty if open).
std::optional<Xapian::Query> TimeWindowQuery(const FilterParams& p) {
  if (p.published_after && p.published_before) {
    return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, kSlotPublishTime,
                         Xapian::sortable_serialise(UnixSeconds(*p.published_after)),
                         Xapian::sortable_serialise(UnixSeconds(*p.published_before)));
  }
  if (p.published_after) {
    return Xapian::Query(Xapian::Query::OP_VALUE_GE, kSlotPublishTime,
                         Xapian::sortable_serialise(UnixSeconds(*p.published_after)));
  }
  if (p.published_before) {
    return Xapian::Query(Xapian::Query::OP_VALUE_LE, kSlotPublishTime,
                         Xapian::sortable_serialise(UnixSeconds(*p.published_before)));
  }
  return std::nullopt;
}

}  // namespace

Xapian::Query FilterQuery(const FilterParams& p) {
  auto any_of = [](const std::vector<std::string>& values,
                   std::string (*to_term)(absl::string_view)) {
    std::vector<Xapian::Query> terms;
    for (const std::string& v : values) terms.emplace_back(to_term(v));
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
  };
  std::vector<Xapian::Query> parts;
  if (!p.topics.empty()) parts.push_back(any_of(p.topics, &TopicTerm));
  if (!p.sources.empty()) parts.push_back(any_of(p.sources, &SourceTerm));
  if (std::optional<Xapian::Query> window = TimeWindowQuery(p)) parts.push_back(*window);
  if (parts.empty()) return Xapian::Query();
  return Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
}

Xapian::Query FilteredQuery(Xapian::Query query, const FilterParams& filter,
                            const std::vector<std::string>& exclude_ids) {
  if (Xapian::Query f = FilterQuery(filter); !f.empty()) {
    query = Xapian::Query(Xapian::Query::OP_FILTER, query, f);
  }
  if (!exclude_ids.empty()) {
    std::vector<Xapian::Query> ids;
    for (const std::string& id : exclude_ids) ids.emplace_back(IdTerm(id));
    query = Xapian::Query(Xapian::Query::OP_AND_NOT, query,
                          Xapian::Query(Xapian::Query::OP_OR, ids.begin(), ids.end()));
  }
  return query;
}

bool MatchesFilter(const Xapian::Document& doc, const FilterParams& f) {
  auto any = [&](const std::vector<std::string>& values,
                 std::string (*to_term)(absl::string_view)) {
    return values.empty() || std::any_of(values.begin(), values.end(), [&](const std::string& v) {
             return HasTerm(doc, to_term(v));
           });
  };
  if (!any(f.topics, &TopicTerm) || !any(f.sources, &SourceTerm)) return false;
  if (f.published_after || f.published_before) {
    std::optional<absl::Time> t = DocPublishTime(doc);
    if (!t) return false;
    if (f.published_after && *t < *f.published_after) return false;
    if (f.published_before && *t > *f.published_before) return false;
  }
  return true;
}

}  // namespace storyline::index
