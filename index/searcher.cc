#include "index/searcher.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "index/article_data.h"
#include "index/index_layout.h"
#include "index/page_token.h"
#include "index/schema.h"
#include "index/snippet.h"
#include "index/stopwords.h"
#include "index/text_tokens.h"
#include "index/xapian_status.h"

namespace storyline::index {
namespace {

using storyline::v1::Article;

// FLAG_PURE_NOT makes "NOT budget" mean "everything but budget".
constexpr unsigned kParseFlags =
    Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_PURE_NOT;
// Search-box fallback: no operators, just words.
constexpr unsigned kPlainFlags = 0;
constexpr size_t kSnippetBytes = 240;
// With facets, look at (up to) this many matches so counts are exact for
// any realistic result set.
constexpr Xapian::doccount kFacetCheckAtLeast = 100000;
constexpr Xapian::doccount kMinCheckAtLeast = 100;
// Ranking (bench/README.md, "Search relevance"): textbook BM25 parameters;
// the top kRerankDepth BM25 results re-ranked by
//   BM25 / best BM25 + semantic_weight (1.0) * cosine(query, article)
// in the semantic model's topics view (latent semantic indexing as a
// second-stage ranker). RELEVANCE_RECENCY re-ranks the top
// kRecencyDepth by relevance * (1 + decay) / 2.
constexpr double kBm25K1 = 1.2;
constexpr double kBm25B = 0.75;
constexpr Xapian::doccount kRerankDepth = 100;
constexpr Xapian::doccount kRecencyDepth = 1000;

std::optional<unsigned> FacetSlot(absl::string_view field) {
  if (field == "topic") return kSlotTopic;
  if (field == "source") return kSlotSource;
  return std::nullopt;
}

// The request's filter, built by the same code SimilarStories uses.
Xapian::Query BuildFilter(const SearchParams& p) {
  return FilterQuery({.topics = p.topics,
                      .sources = p.sources,
                      .published_after = p.published_after,
                      .published_before = p.published_before});
}

// `topic:Politics` -> the term XTOPICpolitics.
class FoldedBooleanField : public Xapian::FieldProcessor {
 public:
  explicit FoldedBooleanField(std::string prefix) : prefix_(std::move(prefix)) {}
  Xapian::Query operator()(const std::string& value) override {
    return Xapian::Query(prefix_ + FoldCase(value));
  }

 private:
  std::string prefix_;
};

// The distinct terms that can add to a match's weight: everything except
// the right-hand sides of AND_NOT (excluded words) and FILTER (boolean
// conditions). Sorted.
std::vector<std::string> PositiveTerms(const Xapian::Query& query) {
  std::set<std::string> terms;
  std::function<void(const Xapian::Query&)> walk = [&](const Xapian::Query& q) {
    const Xapian::Query::op op = q.get_type();
    if (op == Xapian::Query::LEAF_TERM) {
      for (auto it = q.get_terms_begin(); it != q.get_terms_end(); ++it) terms.insert(*it);
      return;
    }
    const size_t n = q.get_num_subqueries();
    const bool first_only = op == Xapian::Query::OP_AND_NOT || op == Xapian::Query::OP_FILTER;
    for (size_t i = 0; i < n && (i == 0 || !first_only); ++i) walk(q.get_subquery(i));
  };
  walk(query);
  return {terms.begin(), terms.end()};
}

// The query's word stems ("barrag"), without field prefixes, for locating
// the part of a long text worth highlighting.
std::vector<std::string> QueryStems(const Xapian::Query& query) {
  std::vector<std::string> stems;
  for (auto it = query.get_unique_terms_begin(); it != query.get_unique_terms_end(); ++it) {
    std::string term = *it;
    size_t i = 0;
    while (i < term.size() && term[i] >= 'A' && term[i] <= 'Z') ++i;
    // Z-stems of free text and title: words; other prefixes are filters.
    if (i == 0 || (i == 1 && term[0] == 'Z') || (i == 2 && term[0] == 'Z' && term[1] == 'S')) {
      stems.push_back(term.substr(i));
    }
  }
  return stems;
}

absl::Status DeadlineError() {
  return absl::DeadlineExceededError("search did not finish before the deadline");
}

// A read that commits overtook on both attempts (see Searcher::Overtaken).
absl::Status OvertakenError(absl::string_view what) {
  return absl::AbortedError(
      absl::StrCat(what, ": the index changed under the read twice (concurrent ingest); retry"));
}

}  // namespace

uint64_t SearchFingerprint(const SearchParams& p) {
  auto time_str = [](const std::optional<absl::Time>& t) {
    return t ? absl::StrCat(absl::ToUnixNanos(*t)) : std::string("-");
  };
  std::vector<std::string> topics = p.topics, sources = p.sources;
  for (auto& t : topics) t = FoldCase(t);
  for (auto& s : sources) s = FoldCase(s);
  std::sort(topics.begin(), topics.end());
  std::sort(sources.begin(), sources.end());
  return Fingerprint(absl::StrCat(
      p.query, "\x1f", absl::StrJoin(topics, "\x1e"), "\x1f", absl::StrJoin(sources, "\x1e"),
      "\x1f", time_str(p.published_after), "\x1f", time_str(p.published_before), "\x1f",
      static_cast<int>(p.order), "\x1f", absl::StrJoin(p.facets, "\x1e"), "\x1f",
      p.order == SortOrder::kRelevanceRecency
          ? absl::StrCat(absl::ToInt64Milliseconds(p.recency_half_life))
          : std::string(),
      "\x1f", p.first_stage_order ? "1" : "0"));
}

bool IsFacetField(absl::string_view field) { return FacetSlot(field).has_value(); }

absl::StatusOr<std::unique_ptr<Searcher>> Searcher::Open(const std::string& dir,
                                                         const SemanticSpace* semantic,
                                                         RankingOptions ranking) {
  try {
    // Auto-detect: a sharded index is a directory with an XAPIANDB stub.
    Xapian::Database db(dir);
    return std::unique_ptr<Searcher>(new Searcher(dir, std::move(db), semantic, ranking));
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, absl::StrCat("opening index ", dir));
  }
}

Searcher::Searcher(std::string dir, Xapian::Database db, const SemanticSpace* semantic,
                   RankingOptions ranking)
    : dir_(std::move(dir)),
      db_(std::move(db)),
      semantic_(semantic),
      ranking_(ranking),
      stemmer_("english") {
  parser_.set_stemmer(stemmer_);
  parser_.set_stemming_strategy(Xapian::QueryParser::STEM_ALL_Z);  // as indexed
  parser_.set_database(db_);
  parser_.set_default_op(Xapian::Query::OP_OR);
  // Query-time stop words (the SMART list): "what", "of", "the" carry no
  // topic. Xapian keeps them inside phrases and when they are all there is.
  if (!ranking_.plain) {
    for (const std::string& w : EnglishStopWords()) stopper_.add(w);
    parser_.set_stopper(&stopper_);
  }
  parser_.add_prefix("title", kPrefixTitle);
  // Filter values are stored case-folded, so fold what the user typed too.
  parser_.add_boolean_prefix("topic", (new FoldedBooleanField(kPrefixTopic))->release());
  parser_.add_boolean_prefix("source", (new FoldedBooleanField(kPrefixSource))->release());
  parser_.add_boolean_prefix("tag", (new FoldedBooleanField(kPrefixTag))->release());
}

std::string Searcher::CorrectSpelling(const std::string& text) {
  // Words are runs of ASCII letters and UTF-8 bytes, as the indexer feeds
  // the spelling dictionary. A word is left alone if its stem is indexed,
  // if it is an operator (AND, NEAR, ...) or a field name ("title:"), or if
  // it is shorter than 4 bytes. Xapian's own FLAG_SPELLING_CORRECTION is not
  // used: it checks unstemmed terms, which this index (STEM_ALL_Z) does not
  // hold, so it would "correct" correct words ("card" -> "car").
  std::string out;
  out.reserve(text.size());
  bool changed = false;
  size_t i = 0;
  while (i < text.size()) {
    const auto u = static_cast<unsigned char>(text[i]);
    if (!(u >= 0x80 || std::isalpha(u))) {
      out.push_back(text[i++]);
      continue;
    }
    size_t j = i;
    while (j < text.size() && (static_cast<unsigned char>(text[j]) >= 0x80 ||
                               std::isalpha(static_cast<unsigned char>(text[j])))) {
      ++j;
    }
    const std::string original = text.substr(i, j - i);
    std::string word = original;
    for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool is_operator = original == "AND" || original == "OR" || original == "NOT" ||
                             original == "XOR" || original == "NEAR" || original == "ADJ";
    const bool is_field = j < text.size() && text[j] == ':';
    std::string suggestion;
    if (!is_operator && !is_field && word.size() >= 4 && !db_.term_exists("Z" + stemmer_(word))) {
      suggestion = db_.get_spelling_suggestion(word);
    }
    if (!suggestion.empty() && suggestion != word) {
      out += suggestion;
      changed = true;
    } else {
      out += original;
    }
    i = j;
  }
  return changed ? out : std::string();
}

Xapian::Query Searcher::ParseQuery(const std::string& text, std::string* corrected) {
  Xapian::Query query;
  bool suggest = true;
  try {
    query = parser_.parse_query(text, kParseFlags);
  } catch (const Xapian::QueryParserError&) {
    // A search box, not a compiler: fall back to plain words...
    try {
      query = parser_.parse_query(text, kPlainFlags);
    } catch (const Xapian::QueryParserError&) {
      // ...and, if even that fails, to letters, digits and spaces only.
      std::string words = text;
      for (char& c : words) {
        const unsigned char u = c;
        if (u < 0x80 && !std::isalnum(u)) c = ' ';
      }
      suggest = false;
      query = parser_.parse_query(words, kPlainFlags);
    }
  }
  if (suggest) *corrected = CorrectSpelling(text);
  return query;
}

absl::StatusOr<SearchResults> Searcher::Search(const SearchParams& params) {
  for (int attempt = 0;; ++attempt) {
    try {
      if (db_.reopen()) df_cache_.Clear();
      return SearchOnce(params);
    } catch (const Xapian::DatabaseModifiedError& e) {
      if (attempt >= 1) return XapianErrorToStatus(e, "search");
    } catch (const Xapian::DatabaseCorruptError& e) {
      if (!Overtaken()) return XapianErrorToStatus(e, "search");
      if (attempt >= 1) return OvertakenError("search");
    } catch (const Xapian::Error& e) {
      return XapianErrorToStatus(e, "search");
    }
  }
}

absl::StatusOr<SearchResults> Searcher::SearchOnce(const SearchParams& p) {
  SearchResults out;
  if (absl::Now() >= p.deadline) return DeadlineError();

  Xapian::Query query;
  if (p.query.find_first_not_of(" \t\r\n") == std::string::npos) {
    // Not Xapian::Query::MatchAll: that static shares one non-atomic
    // reference count among all threads, and copies of it on two search
    // threads at once corrupted it (a crash; tests/index/concurrency_test).
    query = Xapian::Query(std::string());
  } else {
    query = ParseQuery(p.query, &out.corrected_query);
  }
  if (Xapian::Query filter = BuildFilter(p); !filter.empty()) {
    query = Xapian::Query(Xapian::Query::OP_FILTER, query, filter);
  }

  Xapian::Enquire enquire(db_);
  if (!ranking_.plain) {
    enquire.set_weighting_scheme(Xapian::BM25Weight(kBm25K1, 0, 1, kBm25B, 0.5));
  }
  enquire.set_query(query);
  if (p.order == SortOrder::kNewest) {
    enquire.set_sort_by_value_then_relevance(kSlotPublishTime, true);
  }
  if (p.deadline != absl::InfiniteFuture()) {
    // Parsing and spelling may have used the budget up; a negative limit
    // would mean "no limit" to Xapian.
    const double remaining = absl::ToDoubleSeconds(p.deadline - absl::Now());
    if (remaining <= 0) return DeadlineError();
    enquire.set_time_limit(std::max(remaining, 0.001));
  }

  std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
  for (const std::string& field : p.facets) {
    auto slot = FacetSlot(field);
    if (!slot) continue;
    spies.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(*slot));
    enquire.add_matchspy(spies.back().get());
  }

  const int page_size = std::clamp(p.page_size, 1, kMaxPageSize);
  const auto offset =
      static_cast<Xapian::doccount>(std::clamp<int64_t>(p.offset, 0, kMaxResultOffset));
  const bool has_words = p.query.find_first_not_of(" \t\r\n") != std::string::npos;
  // Re-ranked orders fetch their whole re-ranking window while the page
  // falls inside it; past it, results keep their first-stage order.
  Xapian::doccount depth = 0;
  std::shared_ptr<const LsaModel> model;
  if (has_words && p.order == SortOrder::kRelevance && semantic_ != nullptr && !ranking_.plain &&
      ranking_.semantic_weight > 0 && !p.first_stage_order) {
    model = CurrentModel();
    if (model != nullptr) depth = kRerankDepth;
  } else if (p.order == SortOrder::kRelevanceRecency) {
    depth = kRecencyDepth;
  }
  const bool rerank = depth > 0 && offset < depth;
  const Xapian::doccount first = rerank ? 0 : offset;
  const Xapian::doccount want =
      rerank ? std::max<Xapian::doccount>(depth, offset + page_size + 1) : page_size + 1;
  // Look at a few more matches than the page needs so total_size is exact
  // for small result sets (Xapian's bare estimate was off by 2x on the
  // demo corpus); with facets, at everything so counts are exact.
  const Xapian::doccount check_at_least =
      spies.empty() ? first + want + kMinCheckAtLeast : kFacetCheckAtLeast;
  Xapian::MSet mset = enquire.get_mset(first, want, check_at_least);
  if (absl::Now() > p.deadline) return DeadlineError();

  out.total_estimate = mset.get_matches_estimated();
  out.first_stage_order = p.order == SortOrder::kRelevance && depth == 0;
  // Ranked list of (mset index, score) from `offset` on.
  std::vector<std::pair<Xapian::doccount, double>> ranked;
  ranked.reserve(mset.size());
  for (auto it = mset.begin(); it != mset.end(); ++it)
    ranked.emplace_back(it.get_rank() - first, it.get_weight());
  // Latent cosine per mset index inside the re-ranking window.
  std::vector<double> semantic;
  if (rerank) {
    const double top = std::max(1e-9, mset.get_max_attained());
    const size_t window = std::min<size_t>(ranked.size(), depth);
    if (p.order == SortOrder::kRelevance) {
      const std::vector<float> query_z = QueryVector(*model, query);
      semantic.resize(window);
      for (size_t r = 0; r < window; ++r) {
        semantic[r] = Semantic(*model, query_z, *mset[static_cast<Xapian::doccount>(r)]);
        ranked[r].second = ranked[r].second / top + ranking_.semantic_weight * semantic[r];
      }
    } else {
      // Decay relative to the newest candidate: "recent" means recent for
      // this query, in a live index (≈ now) and in an archive alike.
      double newest = -1e300;
      std::vector<double> when(window, -1e300);
      for (size_t r = 0; r < window; ++r) {
        const std::string v =
            mset[static_cast<Xapian::doccount>(r)].get_document().get_value(kSlotPublishTime);
        if (!v.empty()) when[r] = Xapian::sortable_unserialise(v);
        newest = std::max(newest, when[r]);
      }
      const double half_life = std::max(1e-3, absl::ToDoubleSeconds(p.recency_half_life));
      for (size_t r = 0; r < window; ++r) {
        const double decay =
            when[r] <= -1e300 ? 0.0 : std::pow(0.5, (newest - when[r]) / half_life);
        // Filter-only queries weigh every match 0: recency alone orders them.
        const double relevance = mset.get_max_attained() > 0 ? ranked[r].second / top : 1.0;
        ranked[r].second = relevance * (1 + decay) / 2;
      }
    }
    std::stable_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(window),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    for (size_t r = window; r < ranked.size(); ++r) ranked[r].second /= top;
    ranked.erase(ranked.begin(), ranked.begin() + std::min<size_t>(offset, ranked.size()));
  } else if (depth > 0) {
    // Past the re-ranking window: the same scale as the pages before it.
    const double top = std::max(1e-9, mset.get_max_attained());
    for (auto& r : ranked) r.second /= top;
  }
  out.has_more = ranked.size() > static_cast<size_t>(page_size) &&
                 offset + page_size < static_cast<Xapian::doccount>(kMaxResultOffset);
  out.hits.reserve(std::min<size_t>(ranked.size(), page_size));
  const Highlighter highlighter(stemmer_, QueryStems(query));
  const std::vector<ExplainedTerm> explained_terms =
      p.explain ? ExplainedTerms(query, p.query) : std::vector<ExplainedTerm>();
  for (size_t n = 0; n < ranked.size() && n < static_cast<size_t>(page_size); ++n) {
    const auto it = mset[ranked[n].first];
    SearchHit& hit = out.hits.emplace_back();
    const Xapian::Document doc = it.get_document();
    if (absl::Status s = DecodeArticleData(doc.get_data(), &hit.article); !s.ok()) {
      return absl::DataLossError(
          absl::StrCat("document ", *it, ": ", s.message(), "; re-ingest it"));
    }
    hit.score = ranked[n].second;
    if (p.explain) {
      hit.explanation =
          Explain(explained_terms, *it, doc, hit.score,
                  depth > 0 ? std::max(1e-9, mset.get_max_attained()) : 1.0,
                  ranked[n].first < semantic.size() ? semantic[ranked[n].first] : 0.0,
                  p.order == SortOrder::kRelevanceRecency ? "(recency decay)" : "(other)");
    }
    if (p.snippets) {
      hit.snippet = highlighter.Snippet(
          hit.article.body().empty() ? hit.article.title() : hit.article.body(), kSnippetBytes);
    }
    if (!p.include_body) hit.article.clear_body();
  }

  for (size_t i = 0, s = 0; i < p.facets.size(); ++i) {
    Facet& facet = out.facets.emplace_back();
    facet.field = p.facets[i];
    if (!FacetSlot(p.facets[i])) continue;
    const Xapian::ValueCountMatchSpy& spy = *spies[s++];
    for (auto it = spy.top_values_begin(100); it != spy.top_values_end(100); ++it) {
      facet.values.push_back({*it, static_cast<int64_t>(it.get_termfreq())});
    }
  }
  if (absl::Now() > p.deadline) return DeadlineError();
  return out;
}

std::shared_ptr<const LsaModel> Searcher::CurrentModel() const {
  return semantic_ != nullptr ? semantic_->Current() : nullptr;
}

std::vector<float> Searcher::QueryVector(const LsaModel& model, const Xapian::Query& query) {
  // The query's word stems, weighted by idf like a document's TF-IDF.
  SparseVector v;
  const double n = std::max<double>(1, db_.get_doccount());
  for (const std::string& term : PositiveTerms(query)) {
    if (!IsVectorTerm(term)) continue;
    const double w = TfIdfWeight(1, df_cache_.Get(db_, term), n);
    if (w > 0) v.emplace_back(term, w);
  }
  return model.Project(v, LsaView::kTopics);
}

double Searcher::Semantic(const LsaModel& model, const std::vector<float>& query_z,
                          Xapian::docid did) {
  if (query_z.empty()) return 0;
  std::span<const float> z = model.DocVector(did, LsaView::kTopics);
  std::vector<float> folded;
  if (z.empty()) {  // newer than the model
    folded =
        model.Project(TfIdfVector(db_, did, db_.get_document(did), &df_cache_), LsaView::kTopics);
    z = folded;
  }
  return z.empty() ? 0.0 : LsaModel::Dot(query_z, z);
}

std::vector<Searcher::ExplainedTerm> Searcher::ExplainedTerms(const Xapian::Query& query,
                                                              const std::string& text) {
  // The words as typed, by stem, so "barrages" explains as "barrages".
  absl::flat_hash_map<std::string, std::string> typed;
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    typed.try_emplace("Z" + stemmer_(FoldCase(word)), word);
    word.clear();
  };
  for (char c : text) {
    if (IsWordByte(static_cast<unsigned char>(c))) {
      word.push_back(c);
    } else {
      flush();
    }
  }
  flush();
  std::vector<ExplainedTerm> out;
  for (const std::string& term : PositiveTerms(query)) {
    if (term.empty() || term[0] != 'Z') continue;  // boolean filter terms weigh nothing
    // Title terms ("ZSbarrag") explain as the word too.
    const std::string word_term = term.compare(0, 2, "ZS") == 0 ? "Z" + term.substr(2) : term;
    auto found = typed.find(word_term);
    out.push_back({term, found != typed.end() ? found->second : word_term.substr(1)});
  }
  return out;
}

std::vector<TermContribution> Searcher::Explain(const std::vector<ExplainedTerm>& terms,
                                                Xapian::docid did, const Xapian::Document& doc,
                                                double score, double scale, double semantic,
                                                const char* rest_label) {
  // BM25 per matched term, as Xapian's BM25Weight computes it (k2 = 0,
  // k3 = 1, min_normlen 0.5).
  const double n = std::max<double>(1, db_.get_doccount());
  const double avlen = std::max(1e-9, db_.get_avlength());
  const double normlen = std::max(db_.get_doclength(did) / avlen, 0.5);
  std::vector<TermContribution> out;
  double explained = 0;
  for (const auto& [term, shown] : terms) {
    Xapian::TermIterator t = doc.termlist_begin();
    t.skip_to(term);
    if (t == doc.termlist_end() || *t != term || t.get_wdf() == 0) continue;
    const double df = std::max<double>(1, df_cache_.Get(db_, term));
    double tw = (n - df + 0.5) / (df + 0.5);
    if (tw < 2) tw = tw * 0.5 + 1;
    const double wdf = t.get_wdf();
    // Xapian's defaults under plain ranking: k1 1, b 0.5.
    const double k1 = ranking_.plain ? 1.0 : kBm25K1, b = ranking_.plain ? 0.5 : kBm25B;
    const double w = std::log(tw) * (k1 + 1) * wdf / (k1 * (normlen * b + (1 - b)) + wdf) / scale;
    out.push_back({shown, w});
    explained += w;
  }
  if (semantic != 0) {
    out.push_back({"(semantic similarity)", ranking_.semantic_weight * semantic});
    explained += ranking_.semantic_weight * semantic;
  }
  std::sort(out.begin(), out.end(), [](const TermContribution& a, const TermContribution& b) {
    return a.weight > b.weight || (a.weight == b.weight && a.term < b.term);
  });
  // Whatever the terms do not account for: phrase structure, recency
  // decay, expansion.
  const double rest = score - explained;
  if (std::abs(rest) > 1e-6 * std::max(1.0, std::abs(score))) out.push_back({rest_label, rest});
  return out;
}

bool Searcher::Overtaken() {
  // Xapian 1.4 readers are not isolated from the writer: a read that
  // commits overtake fails with DatabaseModifiedError or, if it lands on a
  // block the writer has already reused, with DatabaseCorruptError ("Expected
  // block 18 to be level 1, not 0"; seen under concurrent ingest). If the
  // index has moved on since, that was the case; on the latest revision
  // the corruption is real.
  try {
    if (!db_.reopen()) return false;
    df_cache_.Clear();
    return true;
  } catch (const Xapian::Error&) {
    return false;
  }
}

template <typename Fn>
auto Searcher::WithFreshDatabase(const char* what, Fn fn) -> decltype(fn()) {
  for (int attempt = 0;; ++attempt) {
    try {
      if (db_.reopen()) df_cache_.Clear();
      return fn();
    } catch (const Xapian::DatabaseModifiedError& e) {
      if (attempt >= 1) return XapianErrorToStatus(e, what);
    } catch (const Xapian::DatabaseCorruptError& e) {
      if (!Overtaken()) return XapianErrorToStatus(e, what);
      if (attempt >= 1) return OvertakenError(what);
    } catch (const Xapian::Error& e) {
      return XapianErrorToStatus(e, what);
    }
  }
}

absl::StatusOr<SimilarResults> Searcher::Similar(const SimilarParams& params) {
  // Holding the model keeps it alive if a rebuild swaps it meanwhile.
  const std::shared_ptr<const LsaModel> model = CurrentModel();
  return WithFreshDatabase("similar stories",
                           [&] { return FindSimilar(Reader(model.get()), params); });
}

absl::StatusOr<ClusterResults> Searcher::Clusters(const ClusterParams& params) {
  const std::shared_ptr<const LsaModel> model = CurrentModel();
  return WithFreshDatabase("topic clusters", [&]() -> absl::StatusOr<ClusterResults> {
    Xapian::Query query;
    if (params.query.find_first_not_of(" \t\r\n") != std::string::npos) {
      std::string unused;
      query = ParseQuery(params.query, &unused);
    }
    return FindClusters(Reader(model.get()), query, params);
  });
}

absl::StatusOr<RecommendResults> Searcher::Recommend(const RecommendParams& params) {
  return WithFreshDatabase("recommend",
                           [&] { return FindRecommendations(Reader(nullptr), params); });
}

absl::StatusOr<Article> Searcher::Get(absl::string_view id) {
  for (int attempt = 0;; ++attempt) {
    try {
      if (db_.reopen()) df_cache_.Clear();
      const std::string term = IdTerm(id);
      Xapian::PostingIterator it = db_.postlist_begin(term);
      if (it == db_.postlist_end(term)) {
        return absl::NotFoundError(absl::StrCat("no article with id \"", id, "\""));
      }
      Article article;
      if (absl::Status s = DecodeArticleData(db_.get_document(*it).get_data(), &article); !s.ok()) {
        return absl::DataLossError(absl::StrCat("article ", id, ": ", s.message()));
      }
      return article;
    } catch (const Xapian::DatabaseModifiedError& e) {
      if (attempt >= 1) return XapianErrorToStatus(e, "get");
    } catch (const Xapian::DatabaseCorruptError& e) {
      if (!Overtaken()) return XapianErrorToStatus(e, absl::StrCat("get ", id));
      if (attempt >= 1) return OvertakenError("get");
    } catch (const Xapian::Error& e) {
      return XapianErrorToStatus(e, absl::StrCat("get ", id));
    }
  }
}

absl::StatusOr<IndexStatsData> Searcher::Stats() {
  try {
    if (db_.reopen()) df_cache_.Clear();
    IndexStatsData stats;
    stats.article_count = db_.get_doccount();
    if (std::shared_ptr<const LsaModel> model = CurrentModel()) {
      stats.semantic_articles = static_cast<int64_t>(model->document_count());
    }
    // Revisions and commit times are per shard: report the sum (which grows
    // with every commit) and the latest.
    absl::StatusOr<std::vector<std::string>> shards = ShardDirs(dir_);
    if (!shards.ok()) return shards.status();
    for (const std::string& shard : *shards) {
      Xapian::Database db(shard);
      stats.revision += db.get_revision();
      int64_t ms = 0;
      if (absl::SimpleAtoi(db.get_metadata(kMetaLastCommit), &ms)) {
        const absl::Time t = absl::FromUnixMillis(ms);
        if (!stats.last_commit_time || t > *stats.last_commit_time) stats.last_commit_time = t;
      }
    }
    // Sum file sizes without throwing: unreadable entries (lost+found on a
    // mount point, say) are skipped.
    std::error_code ec;
    std::filesystem::recursive_directory_iterator it(
        dir_, std::filesystem::directory_options::skip_permission_denied, ec);
    for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code fec;
      if (!it->is_regular_file(fec)) continue;
      const uintmax_t size = it->file_size(fec);
      if (!fec) stats.disk_bytes += static_cast<int64_t>(size);
    }
    return stats;
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "index stats");
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("index stats: ", e.what()));
  }
}

}  // namespace storyline::index
