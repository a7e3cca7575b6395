#include "server/replication.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "index/index_layout.h"
#include "index/shard_spec.h"
#include "server/listen_address.h"

namespace storyline::server {

absl::StatusOr<ReplicationAddress> ParseReplicationAddress(absl::string_view address,
                                                           absl::string_view flag) {
  const size_t colon = address.rfind(':');
  ReplicationAddress out;
  if (colon == absl::string_view::npos || !absl::SimpleAtoi(address.substr(colon + 1), &out.port) ||
      out.port < 1 || out.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " is \"", address, "\"; give HOST:PORT with a port from 1 to 65535"));
  }
  out.host = std::string(address.substr(0, colon));
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
  }
  return out;
}

void EnableChangesets(int changesets) {
  setenv("XAPIAN_MAX_CHANGESETS", std::to_string(changesets).c_str(), /*overwrite=*/0);
}

absl::Status CheckPublishable(const std::string& index_dir, const std::string& remote_shards) {
  std::string why;
  if (!remote_shards.empty()) {
    why = "--remote_shards makes its shards remote";
  } else if (absl::StatusOr<std::vector<index::ShardSpec>> shards = index::ShardSpecs(index_dir);
             shards.ok()) {
    for (size_t i = 0; i < shards->size() && why.empty(); ++i) {
      if ((*shards)[i].remote()) {
        why = absl::StrCat("its shard ", i, " is remote (", (*shards)[i].Name(), ")");
      }
    }
  }
  if (why.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "--replication_listen cannot publish the index in ", index_dir, ": ", why,
      ", and replication copies only the shard directories inside --index_dir, so replicas "
      "would never get a copy. Instead, drop --replication_listen and replicate each shard's "
      "directory on the host where its xapian-tcpsrv runs, or give the replicated index local "
      "shards (no --remote_shards)"));
}

absl::StatusOr<std::unique_ptr<ChildSupervisor>> StartReplicationPublisher(
    const std::string& index_dir, const std::string& listen, const std::string& program) {
  ASSIGN_OR_RETURN(const ReplicationAddress address,
                   ParseReplicationAddress(listen, "--replication_listen"));
  if (!IsLoopbackAddress(listen)) {
    spdlog::warn(
        "--replication_listen={} is not loopback: the replication protocol has no "
        "authentication, so anyone who reaches it can copy the index; keep it on a private "
        "network",
        listen);
  }
  std::vector<std::string> argv = {program, "--port", std::to_string(address.port)};
  if (!address.host.empty()) {
    argv.emplace_back("--interface");
    argv.push_back(address.host);
  }
  argv.push_back(index_dir);
  return std::make_unique<ChildSupervisor>(ChildSupervisorOptions{.argv = std::move(argv)});
}

}  // namespace storyline::server
