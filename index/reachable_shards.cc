#include "index/reachable_shards.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "index/index_layout.h"
#include "index/shard_spec.h"

namespace storyline::index {

absl::StatusOr<ReachableShards> OpenReachableShards(const std::string& dir) {
  ASSIGN_OR_RETURN(const std::vector<ShardSpec> shards, ShardSpecs(dir));
  ReachableShards out;
  for (const ShardSpec& shard : shards) {
    try {
      out.db.add_database(OpenShardDatabase(shard));
    } catch (const Xapian::NetworkError&) {
      out.missing.push_back(shard.Name());
      out.db.add_database(Xapian::WritableDatabase(std::string(), Xapian::DB_BACKEND_INMEMORY));
    }
  }
  if (out.missing.size() == shards.size()) {
    return absl::UnavailableError(
        absl::StrCat("no shard of ", dir, " answers: ", absl::StrJoin(out.missing, ", ")));
  }
  return out;
}

}  // namespace storyline::index
