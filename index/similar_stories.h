// SimilarStories: more-like-this for a stored article or a free text. The
// seed's most distinctive stems (TF-IDF) retrieve candidates with BM25
// weighted by those TF-IDF weights; with a semantic model, the seed's
// latent-space neighbours join them and scores blend both spaces. Near
// duplicates (SimHash, TF-IDF cosine) are folded, and each hit says which
// readable words and phrases it shares with the seed.
//
// Thread-safety: uses the reader's Database and Stem, which are not
// thread-safe; Searcher calls it from its own thread.
#ifndef STORYLINE_INDEX_SIMILAR_STORIES_H_
#define STORYLINE_INDEX_SIMILAR_STORIES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "index/filter.h"
#include "index/reader_context.h"
#include "storyline/v1/article.pb.h"

namespace storyline::index {

struct SimilarParams {
  // Exactly one of these: a stored article's id, or free text.
  std::string article_id;
  std::string text;
  int page_size = 10;
  FilterParams filter;
  // Window relative to the seed's publish_time (article_id only).
  std::optional<absl::Duration> after_seed;
  std::optional<absl::Duration> before_seed;
  bool include_duplicates = false;
  bool include_body = false;
  absl::Time deadline = absl::InfiniteFuture();
};

struct SimilarHit {
  storyline::v1::Article article;
  double score = 0;
  std::vector<std::string> shared_terms;
  std::vector<std::string> duplicates;
};

struct SimilarResults {
  std::vector<SimilarHit> hits;
  std::vector<std::string> seed_duplicates;
};

// Fails with kNotFound (unknown seed article), kFailedPrecondition (a seed
// window on an article without publish_time), kInvalidArgument (text
// without indexable words), kDeadlineExceeded. May throw Xapian::Error;
// Searcher maps it. `reader.model` (may be null) adds latent-space
// similarity (index/lsa.h).
absl::StatusOr<SimilarResults> FindSimilar(const ReaderContext& reader,
                                           const SimilarParams& params);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_SIMILAR_STORIES_H_
