// Saving a semantic model (index/lsa.h) beside its index and mapping it back
// at start-up, so a restart serves the model in well under a second instead
// of rebuilding it (minutes at a million articles).
//
// The file is the model's LsaImage (index/lsa_image.h) byte for byte: it is
// written to a temporary file, synced and renamed over the old one, so a
// reader sees the old model or the new one, never a mixture; it is loaded
// with mmap, its checksums checked, and used in place (its pages are the
// page cache's, shared and reclaimable).
//
// Thread-safety: free functions; a loaded model is immutable.
#ifndef STORYLINE_INDEX_LSA_FILE_H_
#define STORYLINE_INDEX_LSA_FILE_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "index/lsa.h"

namespace storyline::index {

// The model's file name inside an index directory.
inline constexpr char kSemanticModelFile[] = "semantic-model";

// Writes `model` to `path` atomically (PATH.tmp, fsync, rename, fsync of
// the directory). kUnavailable (with the reason) if it cannot.
absl::Status SaveLsaModel(const LsaModel& model, const std::string& path);

// Maps the model saved at `path`: kNotFound if there is none, kDataLoss if
// it is damaged (truncated, checksum), kFailedPrecondition if another
// version of Storyline wrote it.
absl::StatusOr<std::shared_ptr<const LsaModel>> LoadLsaModel(const std::string& path);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_LSA_FILE_H_
