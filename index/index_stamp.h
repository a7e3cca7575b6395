// IndexStamp: which index, at which revision. A saved semantic model
// records the stamp of the index it was built from (index/lsa_file.h), so a
// start-up can tell a model that is current from one that is behind
// (articles added since are folded in) and from one of another index.
//
// Thread-safety: plain values and free functions.
#ifndef STORYLINE_INDEX_INDEX_STAMP_H_
#define STORYLINE_INDEX_INDEX_STAMP_H_

#include <xapian.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace storyline::index {

struct IndexStamp {
  std::string uuid;                    // the shards' UUIDs (Database::get_uuid)
  std::vector<Xapian::rev> revisions;  // per shard, in stub order
  Xapian::doccount documents = 0;
  Xapian::docid last_docid = 0;

  // "key=value" lines, and back; nullopt for text that is not a stamp.
  std::string ToText() const;
  static std::optional<IndexStamp> FromText(std::string_view text);

  bool operator==(const IndexStamp&) const = default;
};

// The index in `dir` opened shard by shard as one Database, with the stamp
// of exactly what that Database sees. kUnavailable if it cannot be opened.
struct StampedDatabase {
  Xapian::Database db;
  IndexStamp stamp;
};
absl::StatusOr<StampedDatabase> OpenStamped(const std::string& dir);

// How a model built at `model` relates to the index now at `index`.
struct ModelDrift {
  enum Fit { kCurrent, kBehind, kForeign } fit = kForeign;
  uint64_t added = 0;    // articles newer than the model (at most)
  uint64_t removed = 0;  // the model's articles gone since
  double share = 1.0;    // (added + removed) / articles in the index
};
// kForeign: another index (UUIDs differ, or its last docid went back).
ModelDrift DriftOf(const IndexStamp& model, const IndexStamp& index);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_INDEX_STAMP_H_
