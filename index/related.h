// Related stories: SimilarStories (more-like-this for an article or a text)
// and Recommend (from a reading history). Both pick the seed's most
// distinctive stems by TF-IDF, search for them with BM25 weighted by those
// TF-IDF weights, fold near-duplicates (SimHash), and explain results with
// readable shared words and phrases. Recommend adds recency decay and MMR
// diversity over the history's themes.
//
// Thread-safety: the functions use the Database and Stem they are given,
// which are not thread-safe; Searcher calls them from its own thread.
#ifndef STORYLINE_INDEX_RELATED_H_
#define STORYLINE_INDEX_RELATED_H_

#include <xapian.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "index/lsa.h"
#include "index/tfidf.h"
#include "storyline/v1/article.pb.h"

namespace storyline::index {

// The Filter message, as index structs.
struct FilterParams {
  std::vector<std::string> topics;             // any of; case-insensitive
  std::vector<std::string> sources;            // any of; case-insensitive
  std::optional<absl::Time> published_after;   // inclusive
  std::optional<absl::Time> published_before;  // inclusive
};

// The filter as a Xapian query (empty Query when nothing is set).
Xapian::Query FilterQuery(const FilterParams& filter);

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

struct HistoryEntry {
  std::string article_id;
  std::optional<absl::Time> read_time;
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

// Fail with kNotFound (unknown seed / all-unknown history),
// kInvalidArgument (text without indexable words), kDeadlineExceeded.
// May throw Xapian::Error; Searcher maps it.
// `model` (may be null) adds latent-space similarity (index/lsa.h).
absl::StatusOr<SimilarResults> FindSimilar(Xapian::Database& db, const Xapian::Stem& stemmer,
                                           DfCache* df_cache, const LsaModel* model,
                                           const SimilarParams& params);
absl::StatusOr<RecommendResults> FindRecommendations(Xapian::Database& db,
                                                     const Xapian::Stem& stemmer, DfCache* df_cache,
                                                     const RecommendParams& params);

// Readable surface forms of stems, learned from a text: "Zleagu" ->
// "League", and adjacent pairs -> "Premier League".
class SurfaceForms {
 public:
  SurfaceForms(const Xapian::Stem& stemmer, absl::string_view text);
  // Learns only words that may stem to one of `wanted` (Z-prefixed stems):
  // a word is stemmed only if it starts like one of them, which skips most
  // of the stemming cost. Phrases then pair adjacent wanted words.
  SurfaceForms(const Xapian::Stem& stemmer, absl::string_view text,
               const std::vector<std::string>& wanted);
  // Words and two-word phrases for `zterms` (Z-prefixed stems, most
  // important first): at most `max` entries, never stems.
  std::vector<std::string> Readable(const std::vector<std::string>& zterms, size_t max) const;
  // The most common surface form of one Z-term, or "" if the text lacks it.
  std::string Word(const std::string& zterm) const;

 private:
  struct Forms {
    std::vector<std::pair<std::string, int>> counts;
  };
  std::vector<std::pair<std::string, Forms>> words_;  // sorted by zterm
  std::vector<std::pair<std::string, Forms>> pairs_;  // key "zterm1 zterm2"
  const Forms* Find(const std::vector<std::pair<std::string, Forms>>& v,
                    const std::string& key) const;
};

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_RELATED_H_
