#include "index/replica_layout.h"

#include <xapian.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "index/schema.h"
#include "index/xapian_status.h"

namespace storyline::index {

namespace fs = std::filesystem;

absl::StatusOr<int> RecordedShardCount(const std::string& shard_dir) {
  std::string layout;
  try {
    layout = Xapian::Database(shard_dir).get_metadata(kMetaShardLayout);
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, absl::StrCat("opening ", shard_dir));
  }
  std::vector<std::string> parts = absl::StrSplit(layout, '/');
  int count = 0;
  if (parts.size() != 2 || parts[0] != "0" || !absl::SimpleAtoi(parts[1], &count) || count < 1) {
    return absl::DataLossError(absl::StrCat(shard_dir, " records shard layout \"", layout,
                                            "\", not the first shard's \"0/N\""));
  }
  return count;
}

absl::Status PublishReplicaStub(const std::string& dir,
                                const std::vector<std::string>& shard_names) {
  const fs::path tmp = fs::path(dir) / "XAPIANDB.tmp";
  {
    std::ofstream out(tmp);
    out << "# Storyline read replica: " << shard_names.size() << " shard(s)\n";
    for (const std::string& name : shard_names) out << "auto " << name << "\n";
    out.flush();
    if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", tmp.string()));
  }
  std::error_code ec;
  fs::rename(tmp, fs::path(dir) / "XAPIANDB", ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot publish ", (fs::path(dir) / "XAPIANDB").string(), ": ", ec.message()));
  }
  return absl::OkStatus();
}

}  // namespace storyline::index
