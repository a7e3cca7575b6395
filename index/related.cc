#include "index/related.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "index/article_data.h"
#include "index/schema.h"
#include "index/simhash.h"
#include "index/snippet.h"

namespace storyline::index {
namespace {

using storyline::v1::Article;

// Seed terms for SimilarStories, per history article for Recommend, and the
// cap on Recommend's combined query.
constexpr size_t kSimilarTerms = 40;
constexpr Xapian::doccount kCandidates = 50;
constexpr size_t kFeedbackDocs = 5;
constexpr double kFeedbackBeta = 1.0;
// With a semantic model, similarity is this share TF-IDF cosine and the
// rest latent-space cosine.
constexpr double kLexicalShare = 0.5;
// TF-IDF cosine above which two articles are copies of one story even when
// edits moved their SimHash apart (a 10%-edited wire copy scores ~0.9; two
// stories on the same topic ~0.3).
constexpr double kDuplicateCosine = 0.8;
constexpr size_t kHistoryTerms = 25;
constexpr size_t kRecommendTerms = 150;
constexpr size_t kMaxHistoryUsed = 50;
constexpr size_t kSurfaceScanBytes = 32 * 1024;
constexpr size_t kTextTermScanBytes = 256 * 1024;
constexpr size_t kSharedTerms = 5;

struct WeightedTerm {
  std::string term;
  double weight;
};

double UnixSeconds(absl::Time t) { return absl::ToDoubleSeconds(t - absl::UnixEpoch()); }

absl::Status DeadlineError() {
  return absl::DeadlineExceededError("did not finish before the deadline");
}

// The `k` heaviest of `terms`; ties go to the smaller term, so results are
// deterministic.
std::vector<WeightedTerm> Heaviest(std::vector<WeightedTerm> terms, size_t k) {
  const size_t keep = std::min(k, terms.size());
  std::partial_sort(terms.begin(), terms.begin() + keep, terms.end(),
                    [](const WeightedTerm& a, const WeightedTerm& b) {
                      return a.weight > b.weight || (a.weight == b.weight && a.term < b.term);
                    });
  terms.resize(keep);
  return terms;
}

// The `k` most distinctive stems of a document: the heaviest entries of its
// TF-IDF vector. For an indexed document (`in_index`), stems only it has
// are skipped, since they cannot match anything else.
std::vector<WeightedTerm> TopTerms(const Xapian::Database& db, const SparseVector& vec, size_t k,
                                   bool in_index, DfCache* cache) {
  std::vector<WeightedTerm> terms;
  terms.reserve(vec.size());
  for (const auto& [term, w] : vec) {
    if (in_index && cache->Get(db, term) < 2) continue;
    terms.push_back({term, w});
  }
  return Heaviest(std::move(terms), k);
}

Xapian::Query WeightedOr(const std::vector<WeightedTerm>& terms) {
  std::vector<Xapian::Query> parts;
  parts.reserve(terms.size());
  for (const WeightedTerm& t : terms) {
    parts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(t.term), t.weight);
  }
  return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
}

std::optional<Xapian::docid> FindDoc(const Xapian::Database& db, const std::string& id) {
  const std::string term = IdTerm(id);
  Xapian::PostingIterator it = db.postlist_begin(term);
  if (it == db.postlist_end(term)) return std::nullopt;
  return *it;
}

uint64_t DocSimHash(const Xapian::Document& doc) {
  return DecodeSimHash(doc.get_value(kSlotSimHash)).value_or(0);
}

std::optional<absl::Time> DocTime(const Xapian::Document& doc) {
  const std::string v = doc.get_value(kSlotPublishTime);
  if (v.empty()) return std::nullopt;
  return absl::UnixEpoch() + absl::Seconds(Xapian::sortable_unserialise(v));
}

bool ParseArticle(const Xapian::Document& doc, Article* out) {
  return DecodeArticleData(doc.get_data(), out).ok();
}

Xapian::Query Filtered(Xapian::Query query, const FilterParams& filter,
                       const std::vector<std::string>& exclude_ids) {
  if (Xapian::Query f = FilterQuery(filter); !f.empty()) {
    query = Xapian::Query(Xapian::Query::OP_FILTER, query, f);
  }
  if (!exclude_ids.empty()) {
    std::vector<Xapian::Query> ids;
    for (const std::string& id : exclude_ids) ids.emplace_back(IdTerm(id));
    query = Xapian::Query(Xapian::Query::OP_AND_NOT, query,
                          Xapian::Query(Xapian::Query::OP_OR, ids.begin(), ids.end()));
  }
  return query;
}

bool HasTerm(const Xapian::Document& doc, const std::string& term) {
  Xapian::TermIterator it = doc.termlist_begin();
  it.skip_to(term);
  return it != doc.termlist_end() && *it == term;
}

// FilterQuery(filter), evaluated on one document.
bool MatchesFilter(const Xapian::Document& doc, const FilterParams& f) {
  auto any = [&](const std::vector<std::string>& values,
                 std::string (*to_term)(absl::string_view)) {
    return values.empty() || std::any_of(values.begin(), values.end(), [&](const std::string& v) {
             return HasTerm(doc, to_term(v));
           });
  };
  if (!any(f.topics, &TopicTerm) || !any(f.sources, &SourceTerm)) return false;
  if (f.published_after || f.published_before) {
    std::optional<absl::Time> t = DocTime(doc);
    if (!t) return false;
    if (f.published_after && *t < *f.published_after) return false;
    if (f.published_before && *t > *f.published_before) return false;
  }
  return true;
}

}  // namespace

Xapian::Query FilterQuery(const FilterParams& p) {
  auto any_of = [](const std::vector<std::string>& values,
                   std::string (*to_term)(absl::string_view)) {
    std::vector<Xapian::Query> terms;
    for (const std::string& v : values) terms.emplace_back(to_term(v));
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
  };
  std::vector<Xapian::Query> parts;
  if (!p.topics.empty()) parts.push_back(any_of(p.topics, &TopicTerm));
  if (!p.sources.empty()) parts.push_back(any_of(p.sources, &SourceTerm));
  if (p.published_after && p.published_before) {
    parts.emplace_back(Xapian::Query::OP_VALUE_RANGE, kSlotPublishTime,
                       Xapian::sortable_serialise(UnixSeconds(*p.published_after)),
                       Xapian::sortable_serialise(UnixSeconds(*p.published_before)));
  } else if (p.published_after) {
    parts.emplace_back(Xapian::Query::OP_VALUE_GE, kSlotPublishTime,
                       Xapian::sortable_serialise(UnixSeconds(*p.published_after)));
  } else if (p.published_before) {
    parts.emplace_back(Xapian::Query::OP_VALUE_LE, kSlotPublishTime,
                       Xapian::sortable_serialise(UnixSeconds(*p.published_before)));
  }
  if (parts.empty()) return Xapian::Query();
  return Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
}

// ---------------------------------------------------------------------------
// SurfaceForms

SurfaceForms::SurfaceForms(const Xapian::Stem& stemmer, absl::string_view text)
    : SurfaceForms(stemmer, text, {}) {}

SurfaceForms::SurfaceForms(const Xapian::Stem& stemmer, absl::string_view text,
                           const std::vector<std::string>& wanted) {
  text = text.substr(0, kSurfaceScanBytes);
  // Stemming only changes endings, so a word can only stem to a wanted
  // stem if its first two letters match that stem's.
  absl::flat_hash_set<std::string> prefixes;
  for (const std::string& z : wanted) prefixes.insert(z.substr(1, 2));
  auto maybe_wanted = [&](const std::string& lower) {
    return wanted.empty() || prefixes.contains(absl::string_view(lower).substr(0, 2));
  };
  std::map<std::string, std::map<std::string, int>> words, pairs;
  std::string prev_key, prev_word;
  size_t i = 0;
  Xapian::Stem stem = stemmer;
  while (i < text.size()) {
    if (!IsWordByte(static_cast<unsigned char>(text[i]))) {
      // Only spaces and hyphens keep two words adjacent for phrases.
      if (text[i] != ' ' && text[i] != '-') prev_key.clear();
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && IsWordByte(static_cast<unsigned char>(text[j]))) ++j;
    const std::string word(text.substr(i, j - i));
    std::string lower = word;
    for (char& c : lower) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (!maybe_wanted(lower)) {
      prev_key.clear();
      i = j;
      continue;
    }
    const std::string key = "Z" + stem(lower);
    ++words[key][word];
    if (!prev_key.empty()) ++pairs[prev_key + " " + key][prev_word + " " + word];
    prev_key = key;
    prev_word = word;
    i = j;
  }
  auto flatten = [](std::map<std::string, std::map<std::string, int>>& m,
                    std::vector<std::pair<std::string, Forms>>* out) {
    for (auto& [key, forms] : m) {
      Forms f;
      for (auto& [form, n] : forms) f.counts.emplace_back(form, n);
      out->emplace_back(key, std::move(f));
    }
  };
  flatten(words, &words_);
  flatten(pairs, &pairs_);
}

const SurfaceForms::Forms* SurfaceForms::Find(const std::vector<std::pair<std::string, Forms>>& v,
                                              const std::string& key) const {
  auto it = std::lower_bound(v.begin(), v.end(), key,
                             [](const auto& e, const std::string& k) { return e.first < k; });
  if (it == v.end() || it->first != key) return nullptr;
  return &it->second;
}

namespace {

// The most common form; a form with capitals wins ties (names).
std::string BestForm(const std::vector<std::pair<std::string, int>>& counts, int* total) {
  std::string best;
  int best_n = -1;
  *total = 0;
  for (const auto& [form, n] : counts) {
    *total += n;
    const bool caps = !form.empty() && form[0] >= 'A' && form[0] <= 'Z';
    const bool best_caps = !best.empty() && best[0] >= 'A' && best[0] <= 'Z';
    if (n > best_n || (n == best_n && caps && !best_caps)) {
      best = form;
      best_n = n;
    }
  }
  // A word capitalized only at sentence starts reads better in lower case.
  int lower_n = 0;
  for (const auto& [form, n] : counts) {
    if (!form.empty() && !(form[0] >= 'A' && form[0] <= 'Z')) lower_n += n;
  }
  if (lower_n > 0 && !best.empty() && best[0] >= 'A' && best[0] <= 'Z') {
    for (const auto& [form, n] : counts) {
      if (!form.empty() && !(form[0] >= 'A' && form[0] <= 'Z') && n == lower_n) return form;
    }
  }
  return best;
}

}  // namespace

std::string SurfaceForms::Word(const std::string& zterm) const {
  const Forms* f = Find(words_, zterm);
  if (f == nullptr) return "";
  int total = 0;
  return BestForm(f->counts, &total);
}

std::vector<std::string> SurfaceForms::Readable(const std::vector<std::string>& zterms,
                                                size_t max) const {
  std::vector<std::string> out;
  absl::flat_hash_set<std::string> used;
  // Phrases first: two wanted stems adjacent in the text, at least twice,
  // in the order of their first stem's importance.
  for (const std::string& a : zterms) {
    if (out.size() >= max) break;
    if (used.contains(a)) continue;
    for (const std::string& b : zterms) {
      if (a == b || used.contains(b)) continue;
      for (const std::string& key : {a + " " + b, b + " " + a}) {
        const Forms* f = Find(pairs_, key);
        if (f == nullptr) continue;
        int total = 0;
        const std::string phrase = BestForm(f->counts, &total);
        if (total < 2) continue;
        out.push_back(phrase);
        used.insert(a);
        used.insert(b);
        break;
      }
      if (used.contains(a)) break;
    }
  }
  for (const std::string& z : zterms) {
    if (out.size() >= max) break;
    if (used.contains(z)) continue;
    std::string w = Word(z);
    if (w.size() < 3) continue;
    out.push_back(std::move(w));
    used.insert(z);
  }
  return out;
}

// ---------------------------------------------------------------------------
// SimilarStories
//
// 1. The seed's kSimilarTerms most distinctive stems (TF-IDF) retrieve
//    kCandidates candidates with BM25; with a semantic model, the seed's
//    kCandidates nearest neighbours in the latent space join them.
// 2. Candidates are scored by kLexicalShare x TF-IDF cosine + the rest x
//    latent cosine (plain TF-IDF cosine without a model).
// 3. Rocchio feedback: the seed is moved toward the mean of its
//    kFeedbackDocs best candidates, in both spaces, and candidates are
//    scored again. Stories that share the seed's neighbourhood, not just
//    its rarest words, come first (bench/README.md has the figures).

absl::StatusOr<SimilarResults> FindSimilar(Xapian::Database& db, const Xapian::Stem& stemmer,
                                           DfCache* df_cache, const LsaModel* model,
                                           const SimilarParams& p) {
  if (absl::Now() >= p.deadline) return DeadlineError();
  SimilarResults out;
  std::vector<WeightedTerm> terms;
  SparseVector seed_vec;
  Xapian::docid seed_did = 0;
  uint64_t seed_hash = 0;
  std::vector<std::string> exclude;
  FilterParams filter = p.filter;
  std::string seed_text;

  if (!p.article_id.empty()) {
    std::optional<Xapian::docid> did = FindDoc(db, p.article_id);
    if (!did) {
      return absl::NotFoundError(absl::StrCat("no article with id \"", p.article_id, "\""));
    }
    Xapian::Document doc = db.get_document(*did);
    seed_vec = TfIdfVector(db, *did, doc, df_cache);
    seed_did = *did;
    terms = TopTerms(db, seed_vec, kSimilarTerms, /*in_index=*/true, df_cache);
    seed_hash = DocSimHash(doc);
    exclude.push_back(p.article_id);
    Article seed;
    if (ParseArticle(doc, &seed)) seed_text = absl::StrCat(seed.title(), "\n", seed.body());
    if (p.after_seed || p.before_seed) {
      std::optional<absl::Time> t = DocTime(doc);
      if (!t) {
        return absl::FailedPreconditionError(absl::StrCat(
            "article ", p.article_id,
            " has no publish_time, so published_after/published_before cannot be applied"));
      }
      if (p.after_seed) {
        const absl::Time lo = *t + *p.after_seed;
        filter.published_after =
            filter.published_after ? std::max(*filter.published_after, lo) : lo;
      }
      if (p.before_seed) {
        const absl::Time hi = *t + *p.before_seed;
        filter.published_before =
            filter.published_before ? std::min(*filter.published_before, hi) : hi;
      }
      if (filter.published_after && filter.published_before &&
          *filter.published_after > *filter.published_before) {
        return out;  // empty window: nothing can match
      }
    }
  } else {
    Xapian::TermGenerator tg;
    tg.set_stemmer(stemmer);
    tg.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL_Z);
    Xapian::Document doc;
    tg.set_document(doc);
    const absl::string_view text = absl::string_view(p.text).substr(0, kTextTermScanBytes);
    tg.index_text_without_positions(std::string(text));
    seed_vec = TfIdfVector(db, 0, doc, df_cache);
    terms = TopTerms(db, seed_vec, kSimilarTerms, /*in_index=*/false, df_cache);
    seed_hash = SimHash(p.text);
    seed_text = std::string(text.substr(0, kSurfaceScanBytes));
  }
  if (terms.empty()) {
    if (!p.text.empty()) {
      return absl::InvalidArgumentError(
          "text has no words that occur in the index; give text with some indexable words");
    }
    return out;  // an article with nothing distinctive: no similar stories
  }

  Xapian::Enquire enquire(db);
  enquire.set_query(Filtered(WeightedOr(terms), filter, exclude));
  const int page_size = std::clamp(p.page_size, 1, 100);
  const auto want =
      std::max<Xapian::doccount>(kCandidates, static_cast<Xapian::doccount>(page_size) * 2);
  Xapian::MSet mset = enquire.get_mset(0, want);
  if (absl::Now() > p.deadline) return DeadlineError();

  // The seed in the semantic space, if there is one.
  std::vector<float> seed_z;
  if (model != nullptr) {
    std::span<const float> stored =
        seed_did != 0 ? model->DocVector(seed_did) : std::span<const float>();
    seed_z = stored.empty() ? model->Project(seed_vec)
                            : std::vector<float>(stored.begin(), stored.end());
  }
  const bool semantic = !seed_z.empty();

  struct Candidate {
    Xapian::Document doc;
    SparseVector vec;
    std::vector<float> z;
    double cosine = 0;  // TF-IDF cosine to the seed (duplicate test)
    double knn = 0;
    double score = 0;
  };
  std::vector<Candidate> candidates;
  candidates.reserve(mset.size() + (semantic ? want : 0));
  absl::flat_hash_set<Xapian::docid> seen;
  auto add = [&](Xapian::docid did, Xapian::Document doc) {
    if (!seen.insert(did).second) return;
    Candidate& c = candidates.emplace_back();
    c.doc = std::move(doc);
    c.vec = TfIdfVector(db, did, c.doc, df_cache);
    c.cosine = Dot(seed_vec, c.vec);
    c.knn = c.cosine;
    if (semantic) {
      std::span<const float> stored = model->DocVector(did);
      c.z =
          stored.empty() ? model->Project(c.vec) : std::vector<float>(stored.begin(), stored.end());
      c.knn = kLexicalShare * c.cosine + (1 - kLexicalShare) * LsaModel::Dot(seed_z, c.z);
    }
  };
  for (auto it = mset.begin(); it != mset.end(); ++it) add(*it, it.get_document());
  if (semantic) {
    // Neighbours in the semantic space that share few words with the seed.
    for (const auto& [did, cos] : model->Nearest(seed_z, want, seed_did)) {
      if (seen.contains(did)) continue;
      Xapian::Document doc;
      try {
        doc = db.get_document(did);
      } catch (const Xapian::DocNotFoundError&) {
        continue;  // deleted since the model was built
      }
      if (!MatchesFilter(doc, filter)) continue;
      add(did, std::move(doc));
    }
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const Candidate& a, const Candidate& b) { return a.knn > b.knn; });
  if (absl::Now() > p.deadline) return DeadlineError();

  // Rocchio: move the seed toward the mean of its nearest candidates, in
  // both spaces, and score again.
  absl::flat_hash_map<std::string, double> q;
  for (const auto& [t, w] : seed_vec) q[t] += w;
  std::vector<double> qz(seed_z.begin(), seed_z.end());
  const size_t m = std::min(kFeedbackDocs, candidates.size());
  for (size_t i = 0; i < m; ++i) {
    for (const auto& [t, w] : candidates[i].vec) q[t] += kFeedbackBeta * w / m;
    for (size_t k = 0; k < qz.size() && k < candidates[i].z.size(); ++k) {
      qz[k] += kFeedbackBeta * candidates[i].z[k] / m;
    }
  }
  double qnorm = 0;
  for (const auto& [t, w] : q) qnorm += w * w;
  qnorm = std::sqrt(std::max(qnorm, 1e-12));
  double qznorm = 0;
  for (double x : qz) qznorm += x * x;
  qznorm = std::sqrt(std::max(qznorm, 1e-12));
  for (Candidate& c : candidates) {
    double dot = 0;
    for (const auto& [t, w] : c.vec) {
      auto it = q.find(t);
      if (it != q.end()) dot += w * it->second;
    }
    c.score = dot / qnorm;
    if (semantic) {
      double zdot = 0;
      for (size_t k = 0; k < qz.size() && k < c.z.size(); ++k) zdot += qz[k] * c.z[k];
      c.score = kLexicalShare * c.score + (1 - kLexicalShare) * zdot / qznorm;
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  if (absl::Now() > p.deadline) return DeadlineError();

  absl::flat_hash_map<std::string, double> seed_weight(seed_vec.begin(), seed_vec.end());
  const SurfaceForms forms(stemmer, seed_text);
  std::vector<uint64_t> kept_hashes;
  std::vector<const SparseVector*> kept_vecs;
  for (Candidate& c : candidates) {
    if (static_cast<int>(out.hits.size()) >= page_size) break;
    const uint64_t h = DocSimHash(c.doc);
    Article article;
    if (!ParseArticle(c.doc, &article)) continue;
    if (!p.include_duplicates) {
      if (NearDuplicates(h, seed_hash) || c.cosine >= kDuplicateCosine) {
        out.seed_duplicates.push_back(article.id());
        continue;
      }
      bool folded = false;
      for (size_t k = 0; k < kept_hashes.size(); ++k) {
        if (NearDuplicates(h, kept_hashes[k]) || Dot(c.vec, *kept_vecs[k]) >= kDuplicateCosine) {
          out.hits[k].duplicates.push_back(article.id());
          folded = true;
          break;
        }
      }
      if (folded) continue;
    }
    SimilarHit& hit = out.hits.emplace_back();
    if (!p.include_body) article.clear_body();
    hit.article = std::move(article);
    hit.score = c.score;
    // Shared stems, by their contribution to the cosine.
    std::vector<std::pair<double, std::string>> shared;
    for (const auto& [t, w] : c.vec) {
      auto it = seed_weight.find(t);
      if (it != seed_weight.end()) shared.emplace_back(w * it->second, t);
    }
    std::sort(shared.begin(), shared.end(), std::greater<>());
    std::vector<std::string> stems;
    for (size_t i = 0; i < shared.size() && i < kSharedTerms * 2; ++i)
      stems.push_back(shared[i].second);
    hit.shared_terms = forms.Readable(stems, kSharedTerms);
    kept_hashes.push_back(h);
    kept_vecs.push_back(&c.vec);
  }
  if (absl::Now() > p.deadline) return DeadlineError();
  return out;
}

// ---------------------------------------------------------------------------
// Recommend

absl::StatusOr<RecommendResults> FindRecommendations(Xapian::Database& db,
                                                     const Xapian::Stem& stemmer, DfCache* df_cache,
                                                     const RecommendParams& p) {
  if (absl::Now() >= p.deadline) return DeadlineError();
  RecommendResults out;
  struct Known {
    std::string id;
    uint64_t hash;
    SparseVector vec;
    absl::flat_hash_map<std::string, double> weights;  // normalized to sum 1
  };
  std::vector<Known> known;
  std::vector<std::string> exclude;
  std::string history_text;
  absl::flat_hash_set<std::string> seen;
  for (const HistoryEntry& h : p.history) {
    if (!seen.insert(h.article_id).second) continue;
    std::optional<Xapian::docid> did = FindDoc(db, h.article_id);
    if (!did) {
      out.unknown_ids.push_back(h.article_id);
      continue;
    }
    exclude.push_back(h.article_id);
    if (known.size() >= kMaxHistoryUsed) continue;  // older reads: excluded, not profiled
    Xapian::Document doc = db.get_document(*did);
    Known k;
    k.id = h.article_id;
    k.hash = DocSimHash(doc);
    k.vec = TfIdfVector(db, *did, doc, df_cache);
    double total = 0;
    for (const WeightedTerm& t : TopTerms(db, k.vec, kHistoryTerms, /*in_index=*/true, df_cache)) {
      k.weights[t.term] = t.weight;
      total += t.weight;
    }
    if (total > 0) {
      for (auto& [term, w] : k.weights) w /= total;
    }
    Article a;
    if (known.size() < 20 && ParseArticle(doc, &a)) {
      absl::StrAppend(&history_text, a.title(), "\n", a.body().substr(0, 1500), "\n");
    }
    known.push_back(std::move(k));
  }
  if (known.empty()) {
    return absl::NotFoundError(
        absl::StrCat("none of the ", out.unknown_ids.size(),
                     " history ids is in the index; recommendations need at least one"));
  }

  absl::flat_hash_map<std::string, double> combined;
  for (const Known& k : known) {
    for (const auto& [term, w] : k.weights) combined[term] += w;
  }
  std::vector<WeightedTerm> all;
  all.reserve(combined.size());
  for (const auto& [term, w] : combined) all.push_back({term, w});
  const std::vector<WeightedTerm> terms = Heaviest(std::move(all), kRecommendTerms);
  if (terms.empty()) return out;

  // Reproducible: nothing published after as_of (articles without a
  // publish_time have no value in the slot and are kept).
  Xapian::Query query =
      Xapian::Query(Xapian::Query::OP_AND_NOT, Filtered(WeightedOr(terms), p.filter, exclude),
                    Xapian::Query(Xapian::Query::OP_VALUE_GE, kSlotPublishTime,
                                  Xapian::sortable_serialise(UnixSeconds(p.as_of) + 1e-3)));
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  const int page_size = std::clamp(p.page_size, 1, 100);
  Xapian::MSet mset = enquire.get_mset(0, std::max(100, page_size * 5));
  if (absl::Now() > p.deadline) return DeadlineError();
  if (mset.empty()) return out;

  struct Candidate {
    Xapian::docid did = 0;
    Xapian::Document doc;
    uint64_t hash;
    double base;                   // relevance x recency
    std::vector<double> affinity;  // per known history item
    std::vector<std::string> matched;
    SparseVector vec;  // computed only for picks
  };
  std::vector<Candidate> candidates;
  const double top = std::max(1e-9, mset.begin().get_weight());
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    Candidate c;
    c.did = *it;
    c.doc = it.get_document();
    c.hash = DocSimHash(c.doc);
    bool dup = false;
    for (const Known& k : known) dup = dup || NearDuplicates(c.hash, k.hash);
    if (dup) continue;  // never recommend a copy of something already read
    double decay = 1.0;
    if (p.half_life > absl::ZeroDuration()) {
      if (std::optional<absl::Time> t = DocTime(c.doc)) {
        const double age = std::max(0.0, absl::ToDoubleSeconds(p.as_of - *t));
        decay = std::pow(0.5, age / absl::ToDoubleSeconds(p.half_life));
      }
    }
    c.base = (it.get_weight() / top) * decay;
    // The query terms this candidate holds (cheaper than Xapian's
    // get_matching_terms, which rebuilds the query's term list per call).
    for (auto t = c.doc.termlist_begin(); t != c.doc.termlist_end(); ++t) {
      const std::string& term = *t;
      if (term.size() > 1 && term[0] == 'Z' && combined.contains(term)) c.matched.push_back(term);
    }
    c.affinity.assign(known.size(), 0.0);
    for (size_t h = 0; h < known.size(); ++h) {
      for (const std::string& t : c.matched) {
        auto w = known[h].weights.find(t);
        if (w != known[h].weights.end()) c.affinity[h] += w->second;
      }
    }
    candidates.push_back(std::move(c));
  }
  auto cosine = [](const std::vector<double>& a, const std::vector<double>& b) {
    double dot = 0, na = 0, nb = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return (na == 0 || nb == 0) ? 0.0 : dot / std::sqrt(na * nb);
  };

  // MMR: each pick maximizes (1 - d) * relevance - d * (similarity to the
  // picks so far), similarity being the overlap of history themes.
  const double d = std::clamp(p.diversity, 0.0, 1.0);
  std::vector<bool> taken(candidates.size(), false);
  std::vector<size_t> picks;
  const SurfaceForms forms(stemmer, history_text);
  while (static_cast<int>(picks.size()) < page_size) {
    double best = -1e18;
    size_t best_i = candidates.size();
    for (size_t i = 0; i < candidates.size(); ++i) {
      if (taken[i]) continue;
      double max_sim = 0;
      for (size_t s : picks)
        max_sim = std::max(max_sim, cosine(candidates[i].affinity, candidates[s].affinity));
      const double score = (1 - d) * candidates[i].base - d * max_sim;
      if (score > best) {
        best = score;
        best_i = i;
      }
    }
    if (best_i == candidates.size()) break;
    taken[best_i] = true;
    // Copies of something read, or of an earlier pick, are left out.
    Candidate& c = candidates[best_i];
    c.vec = TfIdfVector(db, c.did, c.doc, df_cache);
    bool dup = false;
    for (const Known& k : known) dup = dup || Dot(c.vec, k.vec) >= kDuplicateCosine;
    for (size_t s : picks) {
      dup = dup || NearDuplicates(c.hash, candidates[s].hash) ||
            Dot(c.vec, candidates[s].vec) >= kDuplicateCosine;
    }
    if (dup) continue;
    picks.push_back(best_i);
  }

  for (size_t i : picks) {
    Candidate& c = candidates[i];
    RecommendHit& hit = out.hits.emplace_back();
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
    std::sort(c.matched.begin(), c.matched.end(), [&](const std::string& a, const std::string& b) {
      return combined[a] > combined[b];
    });
    if (c.matched.size() > kSharedTerms * 2) c.matched.resize(kSharedTerms * 2);
    hit.shared_terms = forms.Readable(c.matched, kSharedTerms);
  }
  if (absl::Now() > p.deadline) return DeadlineError();
  return out;
}

}  // namespace storyline::index
