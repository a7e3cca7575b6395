#include "index/facets.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "index/schema.h"

namespace storyline::index {
namespace {

// One folded value: its total and its most used written form.
struct Merged {
  int64_t count = 0;
  std::string display;
  int64_t display_count = 0;
};

}  // namespace

std::vector<FacetCount> FoldedFacetCounts(const Xapian::ValueCountMatchSpy& spy,
                                          size_t max_values) {
  // values_begin() walks every distinct written value (a few dozen topics
  // or sources), in byte order, so ties keep the smallest form.
  absl::flat_hash_map<std::string, Merged> merged;
  for (auto it = spy.values_begin(); it != spy.values_end(); ++it) {
    const std::string written = *it;
    const auto count = static_cast<int64_t>(it.get_termfreq());
    Merged& m = merged[FoldCase(written)];
    m.count += count;
    if (count > m.display_count) {
      m.display = written;
      m.display_count = count;
    }
  }
  std::vector<FacetCount> out;
  out.reserve(merged.size());
  for (auto& [folded, m] : merged) out.push_back({std::move(m.display), m.count});
  std::sort(out.begin(), out.end(), [](const FacetCount& a, const FacetCount& b) {
    return a.count != b.count ? a.count > b.count : a.value < b.value;
  });
  if (out.size() > max_values) out.resize(max_values);
  return out;
}

}  // namespace storyline::index
