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
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
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

  // The stored unit vector of document `did` (a docid of the whole index)
  // in the similarity view, or an empty span if the model does not know it.
  std::span<const float> DocVector(Xapian::docid did) const;

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
  size_t term_count() const { return term_index_.size(); }
  // A fingerprint of the index the model was built from (see Signature).
  const std::string& signature() const { return signature_; }

  // A cheap fingerprint of an index's contents: document count, last docid
  // and total length. It changes with almost every commit.
  static std::string Signature(const Xapian::Database& db);

  static float Dot(std::span<const float> a, std::span<const float> b);

 private:
  // The row of document `did` in the stored vectors.
  std::optional<size_t> RowOf(Xapian::docid did) const;

  LsaModel() = default;

  int rank_ = 0;
  int narrow_ = 0;  // similarity_dims
  std::string signature_;
  absl::flat_hash_map<std::string, uint32_t> term_index_;
  std::vector<float> term_vectors_;    // terms x rank: rows of V
  std::vector<Xapian::docid> docids_;  // sorted
  std::vector<float> narrow_vectors_;  // docids_.size() x narrow_, unit rows
  // The topics view: docids_.size() x rank_ 16-bit codes; row i is
  // wide_codes_[i * rank_ + k] * wide_scales_[i], a unit vector.
  std::vector<int16_t> wide_codes_;
  std::vector<float> wide_scales_;
};

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_LSA_H_
