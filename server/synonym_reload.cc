#include "server/synonym_reload.h"

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "index/synonym_file.h"

namespace storyline::server {

absl::Status SynonymReloader::ReadAndReplace() {
  ASSIGN_OR_RETURN(const std::vector<index::SynonymGroup> groups, index::ReadSynonymFile(path_));
  absl::StatusOr<std::shared_ptr<const index::SynonymTable>> table =
      index::SynonymTable::Build(groups);
  if (!table.ok()) {
    return absl::Status(table.status().code(), absl::StrCat(path_, " ", table.status().message()));
  }
  const size_t count = (*table)->group_count();
  synonyms_->Replace(*std::move(table));
  spdlog::info("synonyms: {} group(s) loaded from {}", count, path_);
  return absl::OkStatus();
}

absl::Status SynonymReloader::Load() {
  if (path_.empty()) return absl::OkStatus();
  if (absl::Status s = ReadAndReplace(); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat("--synonyms: ", s.message()));
  }
  return absl::OkStatus();
}

absl::Status SynonymReloader::Reload() {
  if (path_.empty()) {
    spdlog::info("SIGHUP: no --synonyms file to reload");
    return absl::OkStatus();
  }
  absl::Status s = ReadAndReplace();
  if (!s.ok()) {
    spdlog::error("SIGHUP: synonyms not reloaded, the previous ones stay: {}",
                  std::string(s.message()));
  }
  return s;
}

}  // namespace storyline::server
