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
    spdlog::warn("{} has no recorded shard layout (made by an older Storyline); recording {}",
                 shard.dir(), expected);
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

// Opens the writers of an index that exists. Never creates a shard: a
// missing one would silently serve part of the index.
absl::StatusOr<std::vector<std::unique_ptr<IndexWriter>>> OpenExistingShards(
    const std::string& dir, const std::vector<std::string>& shard_dirs) {
  std::vector<std::unique_ptr<IndexWriter>> writers;
  for (size_t i = 0; i < shard_dirs.size(); ++i) {
    std::error_code ec;
    if (!fs::exists(fs::path(shard_dirs[i]) / "iamglass", ec)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "shard ", shard_dirs[i], " listed in ", (fs::path(dir) / kStubName).string(),
          " is missing; refusing to serve part of the index. Restore the shard from a backup "
          "(or move the whole index away to start empty)"));
    }
    ASSIGN_OR_RETURN(std::unique_ptr<IndexWriter> w,
                     IndexWriter::Open(shard_dirs[i], IndexWriter::Mode::kOpenExisting));
    RETURN_IF_ERROR(CheckLayout(dir, *w, i, shard_dirs.size()));
    writers.push_back(std::move(w));
  }
  return writers;
}

}  // namespace

size_t ShardForId(absl::string_view id, size_t shards) {
  if (shards <= 1) return 0;
  return static_cast<size_t>(common::Fnv1a64(id) % shards);
}

absl::StatusOr<std::vector<std::string>> ShardDirs(const std::string& dir) {
  const fs::path stub = fs::path(dir) / kStubName;
  std::ifstream in(stub);
  if (!in) {
    std::error_code ec;
    if (fs::exists(fs::path(dir) / "iamglass", ec)) return std::vector<std::string>{dir};
    return absl::NotFoundError(absl::StrCat("no Storyline index in ", dir));
  }
  std::vector<std::string> shards;
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view l = absl::StripAsciiWhitespace(line);
    if (l.empty() || l[0] == '#') continue;
    // "glass shard-00": backend, then a path relative to the stub.
    std::vector<absl::string_view> parts = absl::StrSplit(l, absl::MaxSplits(' ', 1));
    if (parts.size() != 2) {
      return absl::DataLossError(absl::StrCat(stub.string(), ": bad line \"", l, "\""));
    }
    shards.push_back((fs::path(dir) / std::string(parts[1])).string());
  }
  if (shards.empty()) return absl::DataLossError(absl::StrCat(stub.string(), " lists no shards"));
  return shards;
}

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
  std::ostringstream stub;
  stub << "# Storyline index: " << shard_dirs.size() << " glass shard(s)\n";
  for (const std::string& shard : shard_dirs) {
    stub << "glass " << fs::path(shard).lexically_relative(dir).string() << "\n";
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
  if (shards_if_new < 1 || shards_if_new > kMaxShards) {
    return absl::InvalidArgumentError(
        absl::StrCat("shard count must be 1 to ", kMaxShards, "; got ", shards_if_new));
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot create ", dir, ": ", ec.message()));

  absl::StatusOr<std::vector<std::string>> dirs = ShardDirs(dir);
  if (dirs.ok()) return OpenExistingShards(dir, *dirs);
  if (dirs.status().code() != absl::StatusCode::kNotFound) return dirs.status();
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
