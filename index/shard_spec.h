// Where one shard of an index lives: a local glass directory, or a remote
// database served by Xapian's `xapian-tcpsrv` (the remote backend).
//
// A remote shard has two endpoints, because `xapian-tcpsrv --writable`
// takes one writer connection and holds the shard's write lock for it: the
// writable server (for the index's single writer) and a read-only server on
// the same shard directory (for every reader). Both are named
// `tcp://HOST:PORT`. The stub of the index directory lists the read-only
// endpoint as Xapian's own `remote HOST:PORT` line, so readers open the
// directory as one Xapian::Database exactly as for local shards, and keeps
// the writable endpoint on the comment line after it
// (`#storyline-writable tcp://HOST:PORT`), which Xapian skips.
//
// Thread-safety: values and free functions; safe from any thread. The
// Xapian objects returned belong to the calling thread.
#ifndef STORYLINE_INDEX_SHARD_SPEC_H_
#define STORYLINE_INDEX_SHARD_SPEC_H_

#include <xapian.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace storyline::index {

struct TcpEndpoint {
  std::string host;
  unsigned port = 0;
  std::string ToString() const;  // "tcp://HOST:PORT"
  bool operator==(const TcpEndpoint&) const = default;
};

struct ShardSpec {
  std::string path;    // a local shard's glass directory; empty if remote
  TcpEndpoint reader;  // a remote shard's read-only xapian-tcpsrv
  TcpEndpoint writer;  // a remote shard's `xapian-tcpsrv --writable`
  static ShardSpec Local(std::string path) {
    ShardSpec s;
    s.path = std::move(path);
    return s;
  }
  static ShardSpec Remote(TcpEndpoint reader, TcpEndpoint writer) {
    ShardSpec s;
    s.reader = std::move(reader);
    s.writer = std::move(writer);
    return s;
  }
  bool remote() const { return !reader.host.empty(); }
  // How messages name the shard: its path, or its reader endpoint.
  std::string Name() const { return remote() ? reader.ToString() : path; }
};

// Parses "tcp://HOST:PORT" (HOST a name or IPv4 address, PORT 1..65535).
// kInvalidArgument naming `what` and the expected form otherwise.
absl::StatusOr<TcpEndpoint> ParseTcpEndpoint(absl::string_view text, absl::string_view what);

// Remote shard specs from two comma-separated lists of tcp://HOST:PORT
// (the flags --remote_shards and --remote_writers): the i-th reader and the
// i-th writer are shard i. kInvalidArgument, naming the flag, for a bad
// endpoint, lists of different lengths, or more than `max_shards`.
absl::StatusOr<std::vector<ShardSpec>> ParseRemoteShards(absl::string_view readers,
                                                         absl::string_view writers, int max_shards);

// Opens one shard for reading. Throws Xapian::Error (NetworkError when a
// remote shard cannot be reached).
Xapian::Database OpenShardDatabase(const ShardSpec& shard);

// Opens one shard's WritableDatabase: a local glass directory with
// `action` (Xapian::DB_CREATE_OR_OPEN or DB_OPEN), or the remote shard's
// writable server. Throws Xapian::Error.
Xapian::WritableDatabase OpenShardWritable(const ShardSpec& shard, int action);

// Opens every shard of `shards` in turn and reports the first one that
// cannot be reached: kUnavailable "shard i of N (NAME) is unreachable: ..."
// for a remote shard whose server does not answer; OK when all open. Local
// shards are opened too (their errors keep their own codes).
absl::Status FindUnreachableShard(const std::vector<ShardSpec>& shards);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_SHARD_SPEC_H_
