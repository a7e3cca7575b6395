// TF-IDF document vectors over word stems, shared by similar stories,
// recommendations, topic clusters and the semantic space (index/lsa.h).
//
// A vector is sparse and L2-normalized: weight (1 + ln wdf) * ln(N / df)
// for each Z-prefixed stem of the document, sorted by term so two vectors
// can be merge-joined.
//
// Thread-safety: DfCache is not thread-safe; each Searcher owns one.
#ifndef STORYLINE_INDEX_TFIDF_H_
#define STORYLINE_INDEX_TFIDF_H_

#include <xapian.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace storyline::index {

using SparseVector = std::vector<std::pair<std::string, double>>;

// Per-reader caches kept between requests: document frequencies (a B-tree
// access each; SimilarStories needs thousands) and documents' TF-IDF
// vectors (candidates recur across requests). Call Clear() when the
// database changes.
class DfCache {
 public:
  using Vector = SparseVector;

  Xapian::doccount Get(const Xapian::Database& db, const std::string& term);
  // The cached vector of document `did`, or null.
  const Vector* FindVector(Xapian::docid did) const;
  void PutVector(Xapian::docid did, const Vector& v);
  void Clear() {
    map_.clear();
    vectors_.clear();
  }

 private:
  absl::flat_hash_map<std::string, Xapian::doccount> map_;
  absl::flat_hash_map<Xapian::docid, Vector> vectors_;
};

// True for the terms TF-IDF vectors are made of: Z-prefixed word stems of
// title and body (not the ZS title-only copies, not field terms).
inline bool IsVectorTerm(const std::string& term) {
  return term.size() >= 3 && term[0] == 'Z' && term[1] != 'S';
}

// The TF-IDF weight of a term with within-document frequency `wdf` and
// document frequency `df` in a collection of `n` documents.
double TfIdfWeight(Xapian::termcount wdf, Xapian::doccount df, double n);

// The vector of `doc` (which need not be in `db`; `db` supplies df and N).
SparseVector ComputeTfIdfVector(const Xapian::Database& db, const Xapian::Document& doc,
                                DfCache* cache);

// ComputeTfIdfVector, cached for documents in the index. `did` must be the
// docid in `db` as a whole (Document::get_docid() is the shard's own docid,
// which collides across shards); 0 means "not in the index, do not cache".
SparseVector TfIdfVector(const Xapian::Database& db, Xapian::docid did, const Xapian::Document& doc,
                         DfCache* cache);

// Dot product of two sorted sparse vectors (their cosine, since both are
// normalized).
double Dot(const SparseVector& a, const SparseVector& b);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_TFIDF_H_
