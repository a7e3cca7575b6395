#include "index/shard_spec.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "index/xapian_status.h"

namespace storyline::index {
namespace {

// How long a probe waits for a remote shard to accept a connection, and
// then for each answer, in milliseconds (Xapian's unit for remote
// timeouts): a hung server (stopped, or behind a partition) is named as
// lost instead of holding the probe forever.
constexpr unsigned kProbeConnectMs = 2000;

std::vector<absl::string_view> SplitList(absl::string_view list) {
  std::vector<absl::string_view> out;
  for (absl::string_view item : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    out.push_back(absl::StripAsciiWhitespace(item));
  }
  return out;
}

}  // namespace

std::string TcpEndpoint::ToString() const { return absl::StrCat("tcp://", host, ":", port); }

absl::StatusOr<TcpEndpoint> ParseTcpEndpoint(absl::string_view text, absl::string_view what) {
  auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(what, ": \"", text,
                                                   "\" is not tcp://HOST:PORT (for example "
                                                   "tcp://10.0.0.5:7001)"));
  };
  absl::string_view rest = text;
  if (!absl::ConsumePrefix(&rest, "tcp://")) return bad();
  const size_t colon = rest.rfind(':');
  if (colon == absl::string_view::npos || colon == 0) return bad();
  TcpEndpoint endpoint;
  endpoint.host = std::string(rest.substr(0, colon));
  if (endpoint.host.find_first_of("/ #") != std::string::npos) return bad();
  if (!absl::SimpleAtoi(rest.substr(colon + 1), &endpoint.port) || endpoint.port == 0 ||
      endpoint.port > 65535) {
    return bad();
  }
  return endpoint;
}

absl::StatusOr<std::vector<ShardSpec>> ParseRemoteShards(absl::string_view readers,
                                                         absl::string_view writers,
                                                         int max_shards) {
  const std::vector<absl::string_view> read_list = SplitList(readers);
  const std::vector<absl::string_view> write_list = SplitList(writers);
  if (read_list.size() != write_list.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--remote_shards lists ", read_list.size(), " read-only endpoint(s) but --remote_writers ",
        write_list.size(), "; give each remote shard both, in the same order"));
  }
  if (read_list.size() > static_cast<size_t>(max_shards)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--remote_shards: at most ", max_shards, " shards; got ", read_list.size()));
  }
  std::vector<ShardSpec> shards(read_list.size());
  for (size_t i = 0; i < read_list.size(); ++i) {
    absl::StatusOr<TcpEndpoint> reader = ParseTcpEndpoint(read_list[i], "--remote_shards");
    if (!reader.ok()) return reader.status();
    absl::StatusOr<TcpEndpoint> writer = ParseTcpEndpoint(write_list[i], "--remote_writers");
    if (!writer.ok()) return writer.status();
    shards[i].reader = *std::move(reader);
    shards[i].writer = *std::move(writer);
  }
  return shards;
}

Xapian::Database OpenShardDatabase(const ShardSpec& shard) {
  if (shard.remote()) return Xapian::Remote::open(shard.reader.host, shard.reader.port);
  return Xapian::Database(shard.path);
}

Xapian::WritableDatabase OpenShardWritable(const ShardSpec& shard, int action) {
  if (shard.remote()) return Xapian::Remote::open_writable(shard.writer.host, shard.writer.port);
  return Xapian::WritableDatabase(shard.path, action | Xapian::DB_BACKEND_GLASS);
}

absl::Status FindUnreachableShard(const std::vector<ShardSpec>& shards) {
  for (size_t i = 0; i < shards.size(); ++i) {
    const ShardSpec& shard = shards[i];
    try {
      Xapian::Database db = shard.remote()
                                ? Xapian::Remote::open(shard.reader.host, shard.reader.port,
                                                       kProbeConnectMs, kProbeConnectMs)
                                : Xapian::Database(shard.path);
      (void)db.get_doccount();
    } catch (const Xapian::Error& e) {
      const absl::Status s = XapianErrorToStatus(e);
      const std::string which =
          absl::StrCat("shard ", i, " of ", shards.size(), " (", shard.Name(), ")");
      if (shard.remote() || absl::IsUnavailable(s)) {
        return absl::UnavailableError(
            absl::StrCat(which, " is unreachable: ", e.get_description(),
                         shard.remote() ? "; check its xapian-tcpsrv" : ""));
      }
      return absl::Status(s.code(), absl::StrCat(which, ": ", s.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace storyline::index
