#include "server/opened_index.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "index/index_check.h"
#include "index/index_layout.h"
#include "index/shard_spec.h"
#include "server/replication.h"
#include "server/seed_loader.h"
#include "server/startup.h"

ABSL_FLAG(std::string, seed_jsonl, "",
          "If the index is empty at start-up, index this JSONL file of articles first.");
ABSL_FLAG(int, shards, 2,
          "Shards of a NEW index (existing indexes keep theirs). Each shard has its own "
          "writer thread, so ingest scales with cores; readers search all shards as one.");
ABSL_FLAG(int, flush_threshold, 300,
          "Documents Xapian buffers before flushing them to disk (sets "
          "XAPIAN_FLUSH_THRESHOLD unless the environment already does). Small batches keep "
          "the writer's in-memory maps small, which indexes faster than Xapian's default of "
          "10000 (bench/README.md).");
// Read replicas (server/replication.h, server/replica_sync.h).
ABSL_FLAG(std::string, replication_listen, "",
          "Writer: publish the shards to read replicas on HOST:PORT (xapian-replicate-server, "
          "supervised). No authentication: loopback or a private network only.");
ABSL_FLAG(bool, read_only, false,
          "Run as a read replica of --replicate_from: StoryService only (IngestService answers "
          "FAILED_PRECONDITION naming the writer); --index_dir is the replica's own copy.");
ABSL_FLAG(std::string, replicate_from, "", "Read replica: the writer's --replication_listen.");
ABSL_FLAG(std::string, writer_address, "",
          "Read replica: the writer's gRPC address, named when ingest is refused.");
ABSL_FLAG(int, replica_sync_interval_ms, 1000, "Read replica: time between sync rounds.");

// Remote shards (docs/ARCHITECTURE.md, "Remote shards").
ABSL_FLAG(std::string, remote_shards, "",
          "A NEW index made of remote shards: their read-only xapian-tcpsrv endpoints, "
          "tcp://HOST:PORT,... (shard 0 first). Needs --remote_writers; recorded in the index "
          "directory's stub, so later starts need neither flag.");
ABSL_FLAG(std::string, remote_writers, "",
          "The same shards' `xapian-tcpsrv --writable` endpoints, tcp://HOST:PORT,..., in the "
          "order of --remote_shards.");

namespace storyline::server {
namespace {

// --seed_jsonl: indexes the file into an empty index.
absl::Status SeedIfEmpty(index::WritePipeline& pipeline, uint64_t* article_count) {
  const std::string seed = absl::GetFlag(FLAGS_seed_jsonl);
  if (seed.empty() || *article_count != 0) return absl::OkStatus();
  const absl::Time start = absl::Now();
  absl::StatusOr<SeedResult> seeded = SeedFromJsonl(seed, pipeline);
  if (!seeded.ok()) {
    return Failure(seeded.status(), absl::StrCat("seeding failed: ", seeded.status().message()));
  }
  spdlog::info("seeded {} articles from {} ({} rejected) in {:.2f}s", seeded->indexed, seed,
               seeded->rejected, absl::ToDoubleSeconds(absl::Now() - start));
  *article_count = seeded->indexed;
  return absl::OkStatus();
}

absl::StatusOr<OpenedIndex> OpenIndex(const std::string& index_dir) {
  if (std::getenv("XAPIAN_FLUSH_THRESHOLD") == nullptr) {
    // Read by Xapian when the WritableDatabase opens, so set it first.
    setenv("XAPIAN_FLUSH_THRESHOLD", std::to_string(absl::GetFlag(FLAGS_flush_threshold)).c_str(),
           1);
  }
  // Cheap integrity checks before serving anything: a damaged shard is
  // refused loudly here rather than found by a user's query.
  if (absl::Status s = index::QuickCheck(index_dir); !s.ok()) {
    return Failure(s,
                   absl::StrCat("index ", index_dir, " failed its start-up check: ", s.ToString()));
  }
  absl::StatusOr<std::vector<index::ShardSpec>> remote = index::ParseRemoteShards(
      absl::GetFlag(FLAGS_remote_shards), absl::GetFlag(FLAGS_remote_writers), index::kMaxShards);
  if (!remote.ok()) return remote.status();
  absl::StatusOr<std::vector<std::unique_ptr<index::IndexWriter>>> writers =
      OpenWritersWaitingForLock(index_dir, absl::GetFlag(FLAGS_shards), *remote);
  if (!writers.ok()) {
    return Failure(writers.status(),
                   absl::StrCat("cannot open index ", index_dir, ": ", writers.status().message()));
  }
  OpenedIndex out;
  for (const auto& w : *writers) out.article_count += w->ArticleCount();
  out.shards = writers->size();
  out.pipeline = std::make_unique<index::WritePipeline>(std::move(*writers));
  RETURN_IF_ERROR(SeedIfEmpty(*out.pipeline, &out.article_count));
  return out;
}

// --read_only: a replica syncing into `index_dir`; else the writer's index,
// published with --replication_listen.
}  // namespace

absl::StatusOr<OpenedIndex> OpenIndexOrReplica(const std::string& index_dir) {
  OpenedIndex out;
  if (absl::GetFlag(FLAGS_read_only)) {
    const int interval_ms = absl::GetFlag(FLAGS_replica_sync_interval_ms);
    ASSIGN_OR_RETURN(out.replica,
                     ReplicaSync::Start({.index_dir = index_dir,
                                         .writer = absl::GetFlag(FLAGS_replicate_from),
                                         .interval = absl::Milliseconds(interval_ms)}));
    return out;
  }
  const std::string publish = absl::GetFlag(FLAGS_replication_listen);
  if (!publish.empty()) {
    // Before the index is touched, so a refused start changes nothing.
    RETURN_IF_ERROR(CheckPublishable(index_dir, absl::GetFlag(FLAGS_remote_shards)));
    EnableChangesets(10);
  }
  ASSIGN_OR_RETURN(out, OpenIndex(index_dir));
  if (!publish.empty()) {
    ASSIGN_OR_RETURN(out.publisher, StartReplicationPublisher(index_dir, publish));
  }
  return out;
}

}  // namespace storyline::server
