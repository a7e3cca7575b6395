#include "client/cli/ingest_checkpoint.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace storyline::cli {
namespace {

constexpr char kMagic[] = "storyline-ingest-checkpoint 1";

}  // namespace

std::string DefaultCheckpointPath(const std::string& input) {
  return std::filesystem::path(input).filename().string() + ".ingest-checkpoint";
}

absl::StatusOr<IngestCheckpoint> DescribeInput(const std::string& input) {
  struct stat st {};
  if (stat(input.c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat(input, ": ", std::strerror(errno)));
  }
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(input, ec);
  return IngestCheckpoint{
      .path = ec ? input : absolute.lexically_normal().string(),
      .size = static_cast<uint64_t>(st.st_size),
      .mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
      .line = 0};
}

absl::Status SaveCheckpoint(const std::string& file, const IngestCheckpoint& c) {
  const std::string tmp = file + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << kMagic << "\npath " << c.path << "\nsize " << c.size << "\nmtime_ns " << c.mtime_ns
        << "\nline " << c.line << "\n";
    out.flush();
    if (!out) return absl::UnavailableError(absl::StrCat("cannot write checkpoint ", tmp));
  }
  if (std::rename(tmp.c_str(), file.c_str()) != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot write checkpoint ", file, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<IngestCheckpoint> LoadCheckpoint(const std::string& file) {
  std::ifstream in(file);
  if (!in) return absl::NotFoundError(absl::StrCat("no checkpoint ", file));
  std::string line;
  if (!std::getline(in, line) || line != kMagic) {
    return absl::InvalidArgumentError(absl::StrCat(file, " is not an ingest checkpoint"));
  }
  IngestCheckpoint c;
  int fields = 0;
  while (std::getline(in, line)) {
    std::pair<std::string, std::string> kv = absl::StrSplit(line, absl::MaxSplits(' ', 1));
    bool parsed = false;
    if (kv.first == "path") {
      c.path = kv.second;
      parsed = true;
    }
    if (kv.first == "size") parsed = absl::SimpleAtoi(kv.second, &c.size);
    if (kv.first == "mtime_ns") parsed = absl::SimpleAtoi(kv.second, &c.mtime_ns);
    if (kv.first == "line") parsed = absl::SimpleAtoi(kv.second, &c.line);
    fields += parsed ? 1 : 0;
  }
  if (fields != 4) return absl::InvalidArgumentError(absl::StrCat(file, " is garbled"));
  return c;
}

absl::Status CheckSameInput(const IngestCheckpoint& saved, const IngestCheckpoint& now) {
  if (saved.path != now.path) {
    return absl::FailedPreconditionError(
        absl::StrCat("the checkpoint is for ", saved.path, ", not ", now.path));
  }
  if (saved.size != now.size || saved.mtime_ns != now.mtime_ns) {
    return absl::FailedPreconditionError(
        absl::StrCat(now.path,
                     " changed since the checkpoint was written; ingest it again without --resume "
                     "(articles are upserted by id, so that converges)"));
  }
  return absl::OkStatus();
}

}  // namespace storyline::cli
