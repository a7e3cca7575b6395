#include "index/tfidf.h"

#include <algorithm>
#include <cmath>

namespace storyline::index {

const DfCache::Vector* DfCache::FindVector(Xapian::docid did) const {
  auto it = vectors_.find(did);
  return it == vectors_.end() ? nullptr : &it->second;
}

void DfCache::PutVector(Xapian::docid did, const Vector& v) {
  if (vectors_.size() >= 20000) vectors_.clear();  // bound memory
  vectors_.emplace(did, v);
}

Xapian::doccount DfCache::Get(const Xapian::Database& db, const std::string& term) {
  auto it = map_.find(term);
  if (it != map_.end()) return it->second;
  if (map_.size() > 2'000'000) map_.clear();  // bound memory on huge vocabularies
  const Xapian::doccount df = db.get_termfreq(term);
  map_.emplace(term, df);
  return df;
}

double TfIdfWeight(Xapian::termcount wdf, Xapian::doccount df, double n) {
  if (wdf == 0 || df == 0) return 0;
  return (1.0 + std::log(static_cast<double>(wdf))) * std::log(n / df);
}

SparseVector ComputeTfIdfVector(const Xapian::Database& db, const Xapian::Document& doc,
                                DfCache* cache) {
  const double n = std::max<double>(1, db.get_doccount());
  SparseVector v;
  double norm = 0;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    const std::string& term = *it;
    if (!IsVectorTerm(term)) continue;
    const double w = TfIdfWeight(it.get_wdf(), cache->Get(db, term), n);
    if (w <= 0) continue;
    v.emplace_back(term, w);
    norm += w * w;
  }
  norm = std::sqrt(std::max(norm, 1e-12));
  for (auto& [t, w] : v) w /= norm;
  return v;  // termlists are sorted, so v is too
}

SparseVector TfIdfVector(const Xapian::Database& db, Xapian::docid did, const Xapian::Document& doc,
                         DfCache* cache) {
  if (did != 0) {
    if (const DfCache::Vector* v = cache->FindVector(did)) return *v;
  }
  SparseVector v = ComputeTfIdfVector(db, doc, cache);
  if (did != 0) cache->PutVector(did, v);
  return v;
}

double Dot(const SparseVector& a, const SparseVector& b) {
  double dot = 0;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const int c = a[i].first.compare(b[j].first);
    if (c == 0) {
      dot += a[i++].second * b[j++].second;
    } else if (c < 0) {
      ++i;
    } else {
      ++j;
    }
  }
  return dot;
}

}  // namespace storyline::index
