#include "index/index_layout.h"

#include <spdlog/spdlog.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/hash64.h"
#include "common/status_macros.h"
#include "index/schema.h"

namespace storyline::index {
namespace {

namespace fs = std::filesystem;

constexpr char kStubName[] = "XAPIANDB";
constexpr char kWritableLine[] = "#storyline-writable";

std::string LayoutValue(size_t shard, size_t count) { return absl::StrCat(shard, "/", count); }

// Parses "i/N"; false if malformed.
bool ParseLayout(absl::string_view value, size_t* shard, size_t* count) {
  std::vector<absl::string_view> parts = absl::StrSplit(value, '/');
  return parts.size() == 2 && absl::SimpleAtoi(parts[0], shard) &&
         absl::SimpleAtoi(parts[1], count);
}

// Checks that the shard at `position` of `count` recorded that place when
// it was created. Indexes made before the record existed get it now.
absl::Status CheckLayout(const std::string& dir, IndexWriter& shard, size_t position,
                         size_t count) {
  ASSIGN_OR_RETURN(const std::string recorded, shard.GetMetadata(kMetaShardLayout));
  const std::string expected = LayoutValue(position, count);
  if (recorded == expected) return absl::OkStatus();
  if (recorded.empty()) {
    if (shard.ArticleCount() == 0) {  // a new shard (a remote one is created by its server)
      spdlog::info("{}: new shard, recording its place {}", shard.dir(), expected);
    } else {
      spdlog::warn("{} has no recorded shard layout (made by an older Storyline); recording {}",
                   shard.dir(), expected);
    }
    RETURN_IF_ERROR(shard.SetMetadata(kMetaShardLayout, expected));
    return shard.Commit().status();
  }
  size_t was_shard = 0, was_count = 0;
  if (!ParseLayout(recorded, &was_shard, &was_count)) {
    return absl::DataLossError(
        absl::StrCat(shard.dir(), ": unreadable shard layout \"", recorded, "\""));
  }
  if (was_count != count) {
    return absl::FailedPreconditionError(
        absl::StrCat((fs::path(dir) / kStubName).string(), " lists ", count,
                     " shard(s) but the index was created with ", was_count, " (", shard.dir(),
                     " is shard ", recorded,
                     "). Articles are placed by the shard count, so changing it "
                     "moves them: restore the stub, or run `storyline-admin reshard --index_dir=",
                     dir, " --shards=", count, "` with the server stopped"));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      (fs::path(dir) / kStubName).string(), " lists ", shard.dir(), " as shard ", position,
      " but it was created as shard ", was_shard, "; restore the stub's order"));
}

// The writer of shard `position` of an index that exists. Shard 0 of a
// remote index keeps the spelling dictionary in SpellingDir(dir).
absl::StatusOr<std::unique_ptr<IndexWriter>> OpenExistingShard(const std::string& dir,
                                                               const ShardSpec& shard,
                                                               size_t position) {
  std::error_code ec;
  if (!shard.remote() && !fs::exists(fs::path(shard.path) / "iamglass", ec)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "shard ", shard.path, " listed in ", (fs::path(dir) / kStubName).string(),
        " is missing; refusing to serve part of the index. Restore the shard from a backup "
        "(or move the whole index away to start empty)"));
  }
  const std::string spelling = shard.remote() && position == 0 ? SpellingDir(dir) : "";
  absl::StatusOr<std::unique_ptr<IndexWriter>> w =
      IndexWriter::Open(shard, IndexWriter::Mode::kOpenExisting, spelling);
  if (!w.ok() && shard.remote()) {
    return absl::UnavailableError(absl::StrCat("remote shard ", position, " (writable server ",
                                               shard.writer.ToString(),
                                               ") cannot be opened: ", w.status().message()));
  }
  return w;
}

// Opens the writers of an index that exists. Never creates a shard: a
// missing one would silently serve part of the index.
absl::StatusOr<std::vector<std::unique_ptr<IndexWriter>>> OpenExistingShards(
    const std::string& dir, const std::vector<ShardSpec>& shards) {
  std::vector<std::unique_ptr<IndexWriter>> writers;
  for (size_t i = 0; i < shards.size(); ++i) {
    ASSIGN_OR_RETURN(std::unique_ptr<IndexWriter> w, OpenExistingShard(dir, shards[i], i));
    RETURN_IF_ERROR(CheckLayout(dir, *w, i, shards.size()));
    writers.push_back(std::move(w));
  }
  return writers;
}

// A new index over remote shards: each records its place (an existing
// shard must already hold this place), then the stub is published.
absl::StatusOr<std::vector<std::unique_ptr<IndexWriter>>> CreateRemoteIndex(
    const std::string& dir, const std::vector<ShardSpec>& shards) {
  ASSIGN_OR_RETURN(std::vector<std::unique_ptr<IndexWriter>> writers,
                   OpenExistingShards(dir, shards));
  RETURN_IF_ERROR(PublishStub(dir, shards));
  return writers;
}

// Remote shards given for an index that exists must be the ones it lists.
absl::Status CheckSameRemoteShards(const std::string& dir, const std::vector<ShardSpec>& listed,
                                   const std::vector<ShardSpec>& given) {
  bool same = listed.size() == given.size();
  for (size_t i = 0; same && i < listed.size(); ++i) {
    same = listed[i].reader == given[i].reader && listed[i].writer == given[i].writer;
  }
  if (same) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      (fs::path(dir) / kStubName).string(),
      " already lists the index's shards, and they differ from --remote_shards/--remote_writers; "
      "these flags only create a new index: drop them, or edit the stub with the server stopped"));
}

// Adds what one stub line says to `shards`: "glass PATH" (relative to the
// stub), "remote HOST:PORT", or "#storyline-writable tcp://HOST:PORT" for
// the remote shard just before it. Other comments are skipped.
absl::Status AddStubLine(const std::string& stub, const std::string& dir, absl::string_view line,
                         std::vector<ShardSpec>* shards) {
  absl::string_view l = absl::StripAsciiWhitespace(line);
  auto bad = [&] { return absl::DataLossError(absl::StrCat(stub, ": bad line \"", l, "\"")); };
  if (absl::ConsumePrefix(&l, kWritableLine)) {
    if (shards->empty() || !shards->back().remote()) return bad();
    ASSIGN_OR_RETURN(shards->back().writer, ParseTcpEndpoint(absl::StripAsciiWhitespace(l), stub));
    return absl::OkStatus();
  }
  if (l.empty() || l[0] == '#') return absl::OkStatus();
  std::vector<absl::string_view> parts = absl::StrSplit(l, absl::MaxSplits(' ', 1));
  if (parts.size() != 2) return bad();
  if (parts[0] == "remote") {
    ASSIGN_OR_RETURN(TcpEndpoint reader, ParseTcpEndpoint(absl::StrCat("tcp://", parts[1]), stub));
    shards->push_back(ShardSpec::Remote(std::move(reader), {}));
    return absl::OkStatus();
  }
  shards->push_back(ShardSpec::Local((fs::path(dir) / std::string(parts[1])).string()));
  return absl::OkStatus();
}

}  // namespace

size_t ShardForId(absl::string_view id, size_t shards) {
  if (shards <= 1) return 0;
  return static_cast<size_t>(common::Fnv1a64(id) % shards);
}

absl::StatusOr<std::vector<ShardSpec>> ShardSpecs(const std::string& dir) {
  const fs::path stub = fs::path(dir) / kStubName;
  std::ifstream in(stub);
  if (!in) {
    std::error_code ec;
    if (fs::exists(fs::path(dir) / "iamglass", ec))
      return std::vector<ShardSpec>{ShardSpec::Local(dir)};
    return absl::NotFoundError(absl::StrCat("no Storyline index in ", dir));
  }
  std::vector<ShardSpec> shards;
  std::string line;
  while (std::getline(in, line)) {
    RETURN_IF_ERROR(AddStubLine(stub.string(), dir, line, &shards));
  }
  if (shards.empty()) return absl::DataLossError(absl::StrCat(stub.string(), " lists no shards"));
  for (const ShardSpec& shard : shards) {
    if (shard.remote() && shard.writer.host.empty()) {
      return absl::DataLossError(absl::StrCat(stub.string(), ": remote shard ", shard.Name(),
                                              " has no \"", kWritableLine,
                                              " tcp://HOST:PORT\" line"));
    }
  }
  return shards;
}

absl::StatusOr<std::vector<std::string>> ShardDirs(const std::string& dir) {
  ASSIGN_OR_RETURN(const std::vector<ShardSpec> shards, ShardSpecs(dir));
  std::vector<std::string> dirs;
  for (const ShardSpec& shard : shards) {
    if (shard.remote()) {
      return absl::FailedPreconditionError(
          absl::StrCat("the index in ", dir, " has remote shard ", shard.Name(),
                       "; this operation works on local shards only (run it on the shard's host)"));
    }
    dirs.push_back(shard.path);
  }
  return dirs;
}

std::string SpellingDir(const std::string& dir) { return (fs::path(dir) / "spelling").string(); }

absl::StatusOr<std::vector<std::unique_ptr<IndexWriter>>> CreateShards(
    const std::string& dir, const std::string& name_prefix, int count) {
  std::vector<std::unique_ptr<IndexWriter>> writers;
  for (int i = 0; i < count; ++i) {
    const std::string path = (fs::path(dir) / absl::StrFormat("%s%02d", name_prefix, i)).string();
    ASSIGN_OR_RETURN(std::unique_ptr<IndexWriter> w, IndexWriter::Open(path));
    RETURN_IF_ERROR(w->SetMetadata(kMetaShardLayout, LayoutValue(i, count)));
    // Commit once so the empty shard is a valid database for readers.
    RETURN_IF_ERROR(w->Commit().status());
    writers.push_back(std::move(w));
  }
  return writers;
}

absl::Status PublishStub(const std::string& dir, const std::vector<std::string>& shard_dirs) {
  std::vector<ShardSpec> shards;
  for (const std::string& path : shard_dirs) shards.push_back(ShardSpec::Local(path));
  return PublishStub(dir, shards);
}

absl::Status PublishStub(const std::string& dir, const std::vector<ShardSpec>& shards) {
  std::ostringstream stub;
  const bool remote = !shards.empty() && shards[0].remote();
  stub << "# Storyline index: " << shards.size() << (remote ? " remote" : " glass")
       << " shard(s)\n";
  for (const ShardSpec& shard : shards) {
    if (shard.remote()) {
      stub << "remote " << shard.reader.host << ":" << shard.reader.port << "\n"
           << kWritableLine << " " << shard.writer.ToString() << "\n";
    } else {
      stub << "glass " << fs::path(shard.path).lexically_relative(dir).string() << "\n";
    }
  }
  const fs::path tmp = fs::path(dir) / "XAPIANDB.tmp";
  {
    std::ofstream out(tmp);
    out << stub.str();
    out.flush();
    if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", tmp.string()));
  }
  std::error_code ec;
  fs::rename(tmp, fs::path(dir) / kStubName, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot publish stub: ", ec.message()));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::unique_ptr<IndexWriter>>> OpenShardWriters(const std::string& dir,
                                                                           int shards_if_new) {
  return OpenShardWriters(dir, shards_if_new, {});
}

absl::StatusOr<std::vector<std::unique_ptr<IndexWriter>>> OpenShardWriters(
    const std::string& dir, int shards_if_new, const std::vector<ShardSpec>& remote_if_new) {
  if (shards_if_new < 1 || shards_if_new > kMaxShards) {
    return absl::InvalidArgumentError(
        absl::StrCat("shard count must be 1 to ", kMaxShards, "; got ", shards_if_new));
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot create ", dir, ": ", ec.message()));

  absl::StatusOr<std::vector<ShardSpec>> listed = ShardSpecs(dir);
  if (listed.ok()) {
    if (!remote_if_new.empty()) RETURN_IF_ERROR(CheckSameRemoteShards(dir, *listed, remote_if_new));
    return OpenExistingShards(dir, *listed);
  }
  if (listed.status().code() != absl::StatusCode::kNotFound) return listed.status();
  if (!remote_if_new.empty()) return CreateRemoteIndex(dir, remote_if_new);
  // New index: create the shards, then publish the stub (atomically, so a
  // reader never sees a stub naming shards that do not exist yet).
  ASSIGN_OR_RETURN(std::vector<std::unique_ptr<IndexWriter>> writers,
                   CreateShards(dir, "shard-", shards_if_new));
  std::vector<std::string> paths;
  for (const auto& w : writers) paths.push_back(w->dir());
  RETURN_IF_ERROR(PublishStub(dir, paths));
  return writers;
}

}  // namespace storyline::index
