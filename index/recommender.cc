#include "index/recommender.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <span>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "index/deadline.h"
#include "index/lsa.h"
#include "index/schema.h"
#include "index/simhash.h"
#include "index/stored_document.h"
#include "index/surface_forms.h"
#include "index/weighted_terms.h"

namespace storyline::index {
namespace {

using storyline::v1::Article;

// Profile stems per history article, the cap on the combined query, and
// the history articles profiled (older reads are only excluded).
constexpr size_t kHistoryTerms = 25;
constexpr size_t kRecommendTerms = 150;
constexpr size_t kMaxHistoryUsed = 50;
// With a semantic model, relevance and affinity are this share latent
// cosine and the rest lexical (bench/README.md has how it was chosen).
constexpr double kLatentShare = 0.6;
// Latent neighbours of the history that join the BM25 candidates: at least
// this many, or twice the page. Each costs a document read and a termlist
// scan; a wider pool did not change the measured quality (bench/README.md).
constexpr size_t kLatentCandidates = 20;
// History articles whose text teaches surface forms, and how much of each.
constexpr size_t kSurfaceArticles = 20;
constexpr size_t kSurfaceBodyBytes = 1500;

// A history article found in the index.
struct Known {
  std::string id;
  uint64_t hash;
  SparseVector vec;
  absl::flat_hash_map<std::string, double> weights;  // normalized to sum 1
  std::vector<float> z;                              // its latent vector (empty without a model)
};

// The reading history, as found in the index.
struct History {
  std::vector<Known> known;
  std::vector<std::string> exclude;                 // every known id, profiled or not
  absl::flat_hash_set<Xapian::docid> exclude_dids;  // the same articles' docids
  std::string text;                                 // for surface forms
  std::vector<float> z;  // unit centroid of the known articles' latent vectors
};

struct Candidate {
  Xapian::docid did = 0;
  Xapian::Document doc;
  uint64_t hash;
  double lexical = 0;            // BM25 weight over the best match's (0 if unmatched)
  double base;                   // relevance x recency
  std::vector<double> affinity;  // per known history item
  std::vector<std::string> matched;
  std::vector<float> z;  // latent vector (empty without a model)
  SparseVector vec;      // computed only for picks
};

Known Profile(const ReaderContext& reader, const std::string& id, Xapian::docid did,
              const Xapian::Document& doc) {
  Known k;
  k.id = id;
  k.hash = DocSimHash(doc);
  k.vec = TfIdfVector(reader.db, did, doc, &reader.df_cache);
  double total = 0;
  for (const WeightedTerm& t :
       TopTerms(reader.db, k.vec, kHistoryTerms, /*in_index=*/true, &reader.df_cache)) {
    k.weights[t.term] = t.weight;
    total += t.weight;
  }
  if (total > 0) {
    for (auto& [term, w] : k.weights) w /= total;
  }
  return k;
}

// Document `did`'s vector in the similarity view: the stored one, or its
// TF-IDF vector folded in (an article added since the model was built).
std::vector<float> LatentOf(const LsaModel& model, Xapian::docid did, const SparseVector& vec) {
  std::vector<float> stored;
  return model.SimilarityVector(did, &stored) ? stored : model.Project(vec);
}

// The unit centroid of the known articles' latent vectors: the reader's
// place in the semantic space (empty without a model).
std::vector<float> Centroid(const std::vector<Known>& known) {
  std::vector<float> sum;
  for (const Known& k : known) {
    if (k.z.empty()) continue;
    sum.resize(k.z.size(), 0.0f);
    for (size_t i = 0; i < k.z.size(); ++i) sum[i] += k.z[i];
  }
  const float norm = std::sqrt(LsaModel::Dot(sum, sum));
  if (norm <= 0) return {};
  for (float& x : sum) x /= norm;
  return sum;
}

// The history's articles in the index (ids it lacks go to `unknown_ids`).
History ReadHistory(const ReaderContext& reader, const RecommendParams& p,
                    std::vector<std::string>* unknown_ids) {
  History history;
  absl::flat_hash_set<std::string> seen;
  for (const HistoryEntry& h : p.history) {
    if (!seen.insert(h.article_id).second) continue;
    std::optional<Xapian::docid> did = FindDocId(reader.db, h.article_id);
    if (!did) {
      unknown_ids->push_back(h.article_id);
      continue;
    }
    history.exclude.push_back(h.article_id);
    history.exclude_dids.insert(*did);
    if (history.known.size() >= kMaxHistoryUsed) continue;  // older reads: excluded, not profiled
    Xapian::Document doc = reader.db.get_document(*did);
    Known k = Profile(reader, h.article_id, *did, doc);
    if (reader.model != nullptr) k.z = LatentOf(*reader.model, *did, k.vec);
    Article a;
    if (history.known.size() < kSurfaceArticles && ParseArticle(doc, &a)) {
      absl::StrAppend(&history.text, a.title(), "\n", a.body().substr(0, kSurfaceBodyBytes), "\n");
    }
    history.known.push_back(std::move(k));
  }
  history.z = Centroid(history.known);
  return history;
}

// Each profile stem's weight summed over the history.
absl::flat_hash_map<std::string, double> CombinedWeights(const std::vector<Known>& known) {
  absl::flat_hash_map<std::string, double> combined;
  for (const Known& k : known) {
    for (const auto& [term, w] : k.weights) combined[term] += w;
  }
  return combined;
}

// The combined profile within the filter, without read articles, and
// reproducible: nothing published after as_of (articles without a
// publish_time have no value in the slot and are kept).
Xapian::Query RecommendQuery(const std::vector<WeightedTerm>& terms, const RecommendParams& p,
                             const std::vector<std::string>& exclude) {
  return Xapian::Query(Xapian::Query::OP_AND_NOT,
                       FilteredQuery(WeightedOr(terms), p.filter, exclude),
                       Xapian::Query(Xapian::Query::OP_VALUE_GE, kSlotPublishTime,
                                     Xapian::sortable_serialise(UnixSeconds(p.as_of) + 1e-3)));
}

double RecencyDecay(const Xapian::Document& doc, const RecommendParams& p) {
  if (p.half_life <= absl::ZeroDuration()) return 1.0;
  std::optional<absl::Time> t = DocPublishTime(doc);
  if (!t) return 1.0;
  const double age = std::max(0.0, absl::ToDoubleSeconds(p.as_of - *t));
  return std::pow(0.5, age / absl::ToDoubleSeconds(p.half_life));
}

// True if the article with SimHash `hash` copies one the reader has read.
bool CopiesHistory(uint64_t hash, const std::vector<Known>& known) {
  for (const Known& k : known) {
    if (NearDuplicates(hash, k.hash)) return true;
  }
  return false;
}

// The profile stems `doc` holds (cheaper than Xapian's get_matching_terms,
// which rebuilds the query's term list per call).
std::vector<std::string> MatchedTerms(const Xapian::Document& doc,
                                      const absl::flat_hash_map<std::string, double>& combined) {
  std::vector<std::string> matched;
  for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
    const std::string& term = *t;
    if (term.size() > 1 && term[0] == 'Z' && combined.contains(term)) matched.push_back(term);
  }
  return matched;
}

// The matches of the profile, by their BM25 weight over the best one's;
// copies of something already read are dropped.
std::vector<Candidate> LexicalCandidates(const Xapian::MSet& mset, const std::vector<Known>& known,
                                         const absl::flat_hash_map<std::string, double>& combined) {
  std::vector<Candidate> candidates;
  if (mset.empty()) return candidates;
  const double top = std::max(1e-9, mset.begin().get_weight());
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    Candidate c;
    c.did = *it;
    c.doc = it.get_document();
    c.hash = DocSimHash(c.doc);
    if (CopiesHistory(c.hash, known)) continue;  // never recommend a copy of something read
    c.lexical = it.get_weight() / top;
    c.matched = MatchedTerms(c.doc, combined);
    candidates.push_back(std::move(c));
  }
  return candidates;
}

// True if the query RecommendQuery builds would leave `doc` out as
// published after as_of.
bool PublishedAfter(const Xapian::Document& doc, absl::Time as_of) {
  std::optional<absl::Time> t = DocPublishTime(doc);
  return t && UnixSeconds(*t) >= UnixSeconds(as_of) + 1e-3;
}

// Adds the nearest neighbours of the history's centroid in the semantic
// space (those among the `want` nearest that are not candidates yet): stories on the reader's
// topics that share few of the profile's words. The query's rules hold
// for them too: within the filter, not read, not published after as_of,
// not a copy of something read.
void AddLatentNeighbours(const ReaderContext& reader, const History& history,
                         const RecommendParams& p, size_t want,
                         const absl::flat_hash_map<std::string, double>& combined,
                         std::vector<Candidate>* candidates) {
  if (reader.model == nullptr || history.z.empty()) return;
  absl::flat_hash_set<Xapian::docid> seen(history.exclude_dids);
  for (const Candidate& c : *candidates) seen.insert(c.did);
  const size_t ask = want + history.exclude_dids.size();
  for (const auto& [did, cos] : reader.model->Nearest(history.z, ask)) {
    if (cos <= 0 || !seen.insert(did).second) continue;
    Candidate c;
    try {
      c.doc = reader.db.get_document(did);
    } catch (const Xapian::DocNotFoundError&) {
      continue;  // deleted since the model was built
    }
    if (!MatchesFilter(c.doc, p.filter) || PublishedAfter(c.doc, p.as_of)) continue;
    c.did = did;
    c.hash = DocSimHash(c.doc);
    if (CopiesHistory(c.hash, history.known)) continue;
    c.matched = MatchedTerms(c.doc, combined);
    candidates->push_back(std::move(c));
  }
}

// The candidate's latent vector; only an article added since the model
// was built needs its TF-IDF vector for it.
std::vector<float> CandidateLatent(const ReaderContext& reader, const Candidate& c) {
  std::vector<float> stored;
  if (reader.model->SimilarityVector(c.did, &stored)) return stored;
  return reader.model->Project(TfIdfVector(reader.db, c.did, c.doc, &reader.df_cache));
}

// How much more than its average the latent vector `z` leans to each
// history article (cosine minus the mean cosine, at least 0). Raw cosines
// in the similarity view are high across related themes, which would make
// every candidate look alike to MMR; the lean tells the themes apart. If it
// leans to none (one history article, or all alike), the plain cosines.
std::vector<double> LatentAffinity(const std::vector<Known>& known, const std::vector<float>& z) {
  std::vector<double> cos(known.size(), 0.0);
  double mean = 0;
  for (size_t h = 0; h < known.size(); ++h) {
    if (!known[h].z.empty()) cos[h] = LsaModel::Dot(known[h].z, z);
    mean += cos[h] / known.size();
  }
  std::vector<double> lean(known.size(), 0.0);
  bool leans = false;
  for (size_t h = 0; h < known.size(); ++h) {
    lean[h] = std::max(0.0, cos[h] - mean);
    leans = leans || lean[h] > 0;
  }
  if (leans) return lean;
  for (double& x : cos) x = std::max(0.0, x);
  return cos;
}

// Each candidate's relevance (base) and its affinity to each history
// article. Without a model: BM25 share x recency, and the weight of the
// history article's profile stems it holds. With one, each is blended with
// the latent cosine (to the history's centroid, to each history article):
// kLatentShare of it.
void ScoreCandidates(const ReaderContext& reader, const History& history, const RecommendParams& p,
                     std::vector<Candidate>* candidates) {
  const std::vector<Known>& known = history.known;
  const bool semantic = reader.model != nullptr && !history.z.empty();
  const double share = semantic ? kLatentShare : 0.0;
  for (Candidate& c : *candidates) {
    c.affinity.assign(known.size(), 0.0);
    for (size_t h = 0; h < known.size(); ++h) {
      for (const std::string& t : c.matched) {
        auto w = known[h].weights.find(t);
        if (w != known[h].weights.end()) c.affinity[h] += w->second;
      }
    }
    double relevance = c.lexical;
    if (semantic) {
      c.z = CandidateLatent(reader, c);
      relevance = (1 - share) * c.lexical + share * std::max(0.0f, LsaModel::Dot(history.z, c.z));
      const std::vector<double> latent = LatentAffinity(known, c.z);
      for (size_t h = 0; h < known.size(); ++h) {
        c.affinity[h] = (1 - share) * c.affinity[h] + share * latent[h];
      }
    }
    c.base = relevance * RecencyDecay(c.doc, p);
  }
}

double Cosine(const std::vector<double>& a, const std::vector<double>& b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return (na == 0 || nb == 0) ? 0.0 : dot / std::sqrt(na * nb);
}

// The untaken candidate with the best MMR score, or candidates.size().
size_t BestMmr(const std::vector<Candidate>& candidates, const std::vector<bool>& taken,
               const std::vector<size_t>& picks, double d) {
  double best = -1e18;
  size_t best_i = candidates.size();
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (taken[i]) continue;
    double max_sim = 0;
    for (size_t s : picks) {
      max_sim = std::max(max_sim, Cosine(candidates[i].affinity, candidates[s].affinity));
    }
    const double score = (1 - d) * candidates[i].base - d * max_sim;
    if (score > best) {
      best = score;
      best_i = i;
    }
  }
  return best_i;
}

// MMR: each pick maximizes (1 - d) * relevance - d * (similarity to the
// picks so far), similarity being the overlap of history themes. Copies of
// something read, or of an earlier pick, are left out.
std::vector<size_t> PickDiverse(const ReaderContext& reader, const std::vector<Known>& known,
                                const RecommendParams& p, int page_size,
                                std::vector<Candidate>* candidates) {
  const double d = std::clamp(p.diversity, 0.0, 1.0);
  std::vector<bool> taken(candidates->size(), false);
  std::vector<size_t> picks;
  while (static_cast<int>(picks.size()) < page_size) {
    const size_t best_i = BestMmr(*candidates, taken, picks, d);
    if (best_i == candidates->size()) break;
    taken[best_i] = true;
    Candidate& c = (*candidates)[best_i];
    c.vec = TfIdfVector(reader.db, c.did, c.doc, &reader.df_cache);
    bool dup = false;
    for (const Known& k : known) dup = dup || Dot(c.vec, k.vec) >= kDuplicateCosine;
    for (size_t s : picks) {
      const Candidate& picked = (*candidates)[s];
      dup =
          dup || NearDuplicates(c.hash, picked.hash) || Dot(c.vec, picked.vec) >= kDuplicateCosine;
    }
    if (dup) continue;
    picks.push_back(best_i);
  }
  return picks;
}

// A pick as a hit: up to three history articles it follows from (those
// with at least half the strongest affinity) and its shared words.
RecommendHit MakeHit(Candidate& c, const std::vector<Known>& known,
                     const absl::flat_hash_map<std::string, double>& combined,
                     const SurfaceForms& forms) {
  RecommendHit hit;
  if (ParseArticle(c.doc, &hit.article)) hit.article.clear_body();
  hit.score = c.base;
  double max_a = 0;
  for (double a : c.affinity) max_a = std::max(max_a, a);
  std::vector<size_t> order(known.size());
  for (size_t h = 0; h < order.size(); ++h) order[h] = h;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return c.affinity[a] > c.affinity[b]; });
  for (size_t h : order) {
    if (c.affinity[h] <= 0 || c.affinity[h] < 0.5 * max_a || hit.because.size() >= 3) break;
    hit.because.push_back(known[h].id);
  }
  std::erase_if(c.matched, [&](const std::string& t) { return forms.IsStopTerm(t); });
  std::sort(c.matched.begin(), c.matched.end(), [&](const std::string& a, const std::string& b) {
    return combined.at(a) > combined.at(b);
  });
  if (c.matched.size() > kSharedTerms * 2) c.matched.resize(kSharedTerms * 2);
  hit.shared_terms = forms.Readable(c.matched, kSharedTerms);
  return hit;
}

}  // namespace

absl::StatusOr<RecommendResults> FindRecommendations(const ReaderContext& reader,
                                                     const RecommendParams& p) {
  RETURN_IF_ERROR(CheckDeadlineBeforeStart(p.deadline, ""));
  RecommendResults out;
  const History history = ReadHistory(reader, p, &out.unknown_ids);
  if (history.known.empty()) {
    return absl::NotFoundError(
        absl::StrCat("none of the ", out.unknown_ids.size(),
                     " history ids is in the index; recommendations need at least one"));
  }
  const absl::flat_hash_map<std::string, double> combined = CombinedWeights(history.known);
  std::vector<WeightedTerm> all;
  all.reserve(combined.size());
  for (const auto& [term, w] : combined) all.push_back({term, w});
  const std::vector<WeightedTerm> terms = Heaviest(std::move(all), kRecommendTerms);
  if (terms.empty()) return out;

  Xapian::Enquire enquire(reader.db);
  enquire.set_query(RecommendQuery(terms, p, history.exclude));
  const int page_size = std::clamp(p.page_size, 1, 100);
  Xapian::MSet mset = enquire.get_mset(0, std::max(100, page_size * 5));
  RETURN_IF_ERROR(CheckDeadline(p.deadline, ""));

  std::vector<Candidate> candidates = LexicalCandidates(mset, history.known, combined);
  AddLatentNeighbours(reader, history, p,
                      std::max(kLatentCandidates, static_cast<size_t>(page_size) * 2), combined,
                      &candidates);
  RETURN_IF_ERROR(CheckDeadline(p.deadline, ""));
  if (candidates.empty()) return out;
  ScoreCandidates(reader, history, p, &candidates);
  const std::vector<size_t> picks = PickDiverse(reader, history.known, p, page_size, &candidates);
  const SurfaceForms forms(reader.stemmer, history.text);
  for (size_t i : picks) {
    out.hits.push_back(MakeHit(candidates[i], history.known, combined, forms));
  }
  RETURN_IF_ERROR(CheckDeadline(p.deadline, ""));
  return out;
}

}  // namespace storyline::index
