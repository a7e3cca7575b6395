#include "server/search_fingerprint.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "index/schema.h"

namespace storyline::server {
namespace {

std::string TimeField(const std::optional<absl::Time>& t) {
  return t ? absl::StrCat(absl::ToUnixNanos(*t)) : std::string("-");
}

// `values` case-folded and sorted, so neither changes the fingerprint.
std::string SetField(std::vector<std::string> values) {
  for (std::string& v : values) v = index::FoldCase(v);
  std::sort(values.begin(), values.end());
  return absl::StrJoin(values, "\x1e");
}

}  // namespace

uint64_t SearchFingerprint(const index::SearchParams& p) {
  const std::string half_life = p.order == index::SortOrder::kRelevanceRecency
                                    ? absl::StrCat(absl::ToInt64Milliseconds(p.recency_half_life))
                                    : std::string();
  // \x1f separates fields and \x1e list items, so moving a value from one
  // field to another changes the string.
  return Fingerprint(absl::StrCat(p.query, "\x1f", SetField(p.topics), "\x1f", SetField(p.sources),
                                  "\x1f", TimeField(p.published_after), "\x1f",
                                  TimeField(p.published_before), "\x1f", static_cast<int>(p.order),
                                  "\x1f", absl::StrJoin(p.facets, "\x1e"), "\x1f", half_life,
                                  "\x1f", p.typo_tolerance ? "" : "exact"));
}

uint64_t Fingerprint(absl::string_view canonical) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size(), digest);
  uint64_t v;
  std::memcpy(&v, digest, sizeof(v));
  return v;
}

}  // namespace storyline::server
