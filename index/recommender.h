// Recommend: stories for a reader, from their reading history. Each read
// article's most distinctive stems (TF-IDF) form a profile; the combined
// profile retrieves candidates with BM25 and, with a semantic model, the
// nearest neighbours of the history's centroid in the latent space join
// them (stories on the reader's topics in other words). Relevance is the
// BM25 share blended with the latent cosine (BM25 alone without a model),
// scaled by a recency decay; MMR picks a page that balances relevance
// against repeating the same history theme. Copies of read articles and
// of earlier picks are left out, and each hit says which read articles and
// shared words it comes from.
//
// Thread-safety: uses the reader's Database and Stem, which are not
// thread-safe; Searcher calls it from its own thread.
#ifndef STORYLINE_INDEX_RECOMMENDER_H_
#define STORYLINE_INDEX_RECOMMENDER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "index/filter.h"
#include "index/reader_context.h"
#include "storyline/v1/article.pb.h"

namespace storyline::index {

struct HistoryEntry {
  std::string article_id;
};

struct RecommendParams {
  std::vector<HistoryEntry> history;  // newest first
  int page_size = 10;
  FilterParams filter;
  absl::Duration half_life = absl::ZeroDuration();  // 0 = no recency decay
  double diversity = 0;                             // 0..1
  absl::Time as_of = absl::UnixEpoch();
  absl::Time deadline = absl::InfiniteFuture();
};

struct RecommendHit {
  storyline::v1::Article article;
  double score = 0;
  std::vector<std::string> because;
  std::vector<std::string> shared_terms;
};

struct RecommendResults {
  std::vector<RecommendHit> hits;
  std::vector<std::string> unknown_ids;
};

// Fails with kNotFound (no history id is in the index), kDeadlineExceeded.
// May throw Xapian::Error; Searcher maps it. Uses `reader.model` when set.
absl::StatusOr<RecommendResults> FindRecommendations(const ReaderContext& reader,
                                                     const RecommendParams& params);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_RECOMMENDER_H_
