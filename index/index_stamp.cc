#include "index/index_stamp.h"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "index/index_layout.h"
#include "index/schema.h"

namespace storyline::index {
namespace {

bool ParseRevisions(absl::string_view text, std::vector<Xapian::rev>* out) {
  if (text.empty()) return true;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    uint64_t rev = 0;
    if (!absl::SimpleAtoi(part, &rev)) return false;
    out->push_back(static_cast<Xapian::rev>(rev));
  }
  return true;
}

template <typename T>
bool ParseNumber(absl::string_view text, T* out) {
  uint64_t n = 0;
  if (!absl::SimpleAtoi(text, &n) || n > std::numeric_limits<T>::max()) return false;
  *out = static_cast<T>(n);
  return true;
}

// A shard's revision (for a remote shard, its last commit time).
Xapian::rev RevisionOf(const Xapian::Database& shard) {
  try {
    return shard.get_revision();
  } catch (const Xapian::InvalidOperationError&) {
    return 0;
  } catch (const Xapian::UnimplementedError&) {
    // The remote backend has no revisions; every commit sets the commit
    // time, which then tells revisions apart (only equality matters).
    uint64_t ms = 0;
    if (!absl::SimpleAtoi(shard.get_metadata(kMetaLastCommit), &ms)) return 0;
    return static_cast<Xapian::rev>(ms);
  }
}

}  // namespace

std::string IndexStamp::ToText() const {
  return absl::StrCat("uuid=", uuid, "\nrevisions=", absl::StrJoin(revisions, ","),
                      "\ndocuments=", documents, "\nlast_docid=", last_docid, "\n");
}

std::optional<IndexStamp> IndexStamp::FromText(std::string_view text) {
  IndexStamp stamp;
  int seen = 0;
  for (absl::string_view line :
       absl::StrSplit(absl::string_view(text.data(), text.size()), '\n', absl::SkipEmpty())) {
    const std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(line, '=');
    bool ok = true;
    if (kv.first == "uuid") {
      stamp.uuid = std::string(kv.second);
    } else if (kv.first == "revisions") {
      ok = ParseRevisions(kv.second, &stamp.revisions);
    } else if (kv.first == "documents") {
      ok = ParseNumber(kv.second, &stamp.documents);
    } else if (kv.first == "last_docid") {
      ok = ParseNumber(kv.second, &stamp.last_docid);
    } else {
      continue;  // a key a later version added
    }
    if (!ok) return std::nullopt;
    ++seen;
  }
  if (seen != 4) return std::nullopt;
  return stamp;
}

absl::StatusOr<StampedDatabase> OpenStamped(const std::string& dir) {
  absl::StatusOr<std::vector<ShardSpec>> shards = ShardSpecs(dir);
  if (!shards.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot open the index in ", dir, ": ", shards.status().message()));
  }
  try {
    StampedDatabase out;
    for (const ShardSpec& spec : *shards) {
      Xapian::Database shard = OpenShardDatabase(spec);
      out.stamp.revisions.push_back(RevisionOf(shard));
      out.db.add_database(shard);
    }
    out.stamp.uuid = out.db.get_uuid();
    out.stamp.documents = out.db.get_doccount();
    out.stamp.last_docid = out.db.get_lastdocid();
    return out;
  } catch (const Xapian::Error& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot open the index in ", dir, ": ", e.get_type(), ": ", e.get_msg()));
  }
}

ModelDrift DriftOf(const IndexStamp& model, const IndexStamp& index) {
  ModelDrift drift;
  if (model.uuid != index.uuid || index.last_docid < model.last_docid ||
      model.revisions.size() != index.revisions.size()) {
    return drift;  // kForeign
  }
  if (model == index) {
    drift.fit = ModelDrift::kCurrent;
    drift.share = 0;
    return drift;
  }
  drift.fit = ModelDrift::kBehind;
  drift.added = index.last_docid - model.last_docid;
  const uint64_t kept = model.documents + drift.added;
  drift.removed = kept > index.documents ? kept - index.documents : 0;
  drift.share =
      static_cast<double>(drift.added + drift.removed) / std::max<uint64_t>(1, index.documents);
  return drift;
}

}  // namespace storyline::index
