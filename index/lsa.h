// LsaModel: a latent semantic space (LSA) learned from an index's TF-IDF
// document vectors by a truncated SVD, A ~= U S V^T.
//
// Bag-of-stems cosine treats "striker" and "goal" as unrelated; in the
// latent space they point the same way, because they occur in the same
// stories. SimilarStories blends both similarities
// (index/similar_stories.cc), and topic clustering works in this space.
//
// Documents are stored as unit vectors A V (the rows of U S, normalized);
// any other text is folded in the same way: its TF-IDF vector times V. So a
// model built at one revision still places documents added later.
//
// The model lives in one LsaImage (index/lsa_image.h): 16-bit codes for V
// and for every document, so it can be saved, memory-mapped back at start-up
// (index/lsa_file.h) and kept within a memory budget.
//
// The SVD is randomized (Halko, Martinsson & Tropp 2011): a Gaussian test
// matrix with a fixed seed, a few power iterations, then an exact SVD of
// the small projected matrix. Same index + same options = same model.
//
// Thread-safety: immutable after Build(); share it freely across threads.
#ifndef STORYLINE_INDEX_LSA_H_
#define STORYLINE_INDEX_LSA_H_

#include <xapian.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "index/lsa_image.h"
#include "index/tfidf.h"

namespace storyline::index {

// Two views of one space: SimilarStories compares articles on the leading
// `similarity_dims` dimensions (coarse themes; measured best for
// more-like-this), topic clustering on all `rank` of them (finer topics).
enum class LsaView { kSimilarity, kTopics };

struct LsaOptions {
  // Dimensions of the latent space (the topics view). A small index gets
  // fewer: at most a quarter of its articles or of its shared words.
  int rank = 150;
  // Leading dimensions the similarity view keeps (at most rank).
  int similarity_dims = 20;
  // Extra random directions and power iterations for the randomized SVD
  // (accuracy of the leading singular vectors).
  int oversample = 10;
  int power_iterations = 4;
  uint64_t seed = 42;
  // Stems in fewer documents than this carry no co-occurrence signal.
  Xapian::doccount min_df = 2;
  // Fit on at most this many documents (an even sample), then fold the
  // rest in; bounds build time and memory on large indexes.
  Xapian::doccount max_fit_documents = 100000;
  // The model (its image and term table) stays within this many bytes:
  // past about 850,000 articles at the defaults the rank shrinks to fit.
  uint64_t max_memory_bytes = uint64_t{280} << 20;
  // Stored in the model as is: which index, at which revision (see
  // index/index_stamp.h). Empty: the document count and last docid.
  std::string provenance = {};
  // Give up (kDeadlineExceeded) rather than finish after this.
  absl::Time deadline = absl::InfiniteFuture();
  // If set, give up (kCancelled) soon after it turns true (not owned).
  const std::atomic<bool>* cancelled = nullptr;
};

class LsaModel {
 public:
  // Learns the space from every document in `db`. Fails with
  // kFailedPrecondition if the index has too few documents or stems for
  // a space of any use (fewer than 8 articles or 8 shared words).
  static absl::StatusOr<std::shared_ptr<const LsaModel>> Build(const Xapian::Database& db,
                                                               const LsaOptions& options);

  // Latent unit vector of a TF-IDF vector (see tfidf.h) in `view`. Empty
  // if none of its stems is in the model.
  std::vector<float> Project(const SparseVector& tfidf, LsaView view = LsaView::kSimilarity) const;

  // A model over a saved image (LsaImage::Adopt checked it). Builds the
  // term table.
  static std::shared_ptr<const LsaModel> FromImage(std::unique_ptr<const LsaImage> image);

  // Document `did`'s unit vector (a docid of the whole index) in the
  // similarity view, into `out`; false if the model does not know it.
  bool SimilarityVector(Xapian::docid did, std::vector<float>* out) const;

  // Document `did`'s unit vector in the topics view, into `out`; false if
  // the model does not know it. The topics view is stored as 16-bit codes
  // and one scale an article (half the floats' memory: 304 bytes an
  // article at rank 150, bench/README.md), so this decodes it.
  bool TopicsVector(Xapian::docid did, std::vector<float>* out) const;
  // The cosine of `z` (a topics-view unit vector) and document `did`'s
  // stored one, without decoding it; nullopt if the model does not know it.
  std::optional<float> TopicsDot(std::span<const float> z, Xapian::docid did) const;

  // The `n` documents whose similarity-view vectors are most similar
  // (cosine) to `z`, best first, as (docid, cosine). `skip` is left out.
  std::vector<std::pair<Xapian::docid, float>> Nearest(std::span<const float> z, size_t n,
                                                       Xapian::docid skip = 0) const;

  int rank() const { return rank_; }
  int dims(LsaView view) const { return view == LsaView::kSimilarity ? narrow_ : rank_; }
  size_t document_count() const { return docids_.size(); }
  // The largest docid the model knows (0 if none).
  Xapian::docid last_docid() const { return docids_.empty() ? 0 : docids_.back(); }
  size_t term_count() const { return term_index_.size(); }
  // The index the model was built from (LsaOptions::provenance).
  std::string_view provenance() const { return image_->sections().provenance; }
  const LsaImage& image() const { return *image_; }
  // Bytes the model holds: its image and its term table.
  uint64_t memory_bytes() const;

  static float Dot(std::span<const float> a, std::span<const float> b);

 private:
  // The row of document `did` in the stored vectors.
  std::optional<size_t> RowOf(Xapian::docid did) const;

  explicit LsaModel(std::unique_ptr<const LsaImage> image);

  std::unique_ptr<const LsaImage> image_;
  int rank_ = 0;
  int narrow_ = 0;  // similarity_dims
  // Views of the image (index/lsa_image.h says what each holds).
  std::span<const uint32_t> docids_;
  std::span<const float> term_scales_, topic_scales_, narrow_scales_;
  std::span<const int16_t> term_codes_, topic_codes_;
  absl::flat_hash_map<std::string_view, uint32_t> term_index_;  // stem -> row of V
};

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_LSA_H_
