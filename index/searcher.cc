#include "index/searcher.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "index/index_layout.h"
#include "index/page_token.h"
#include "index/schema.h"
#include "index/snippet.h"
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
      p.query, "\x1f", absl::StrJoin(topics, "\x1e"), "\x1f",
      absl::StrJoin(sources, "\x1e"), "\x1f", time_str(p.published_after), "\x1f",
      time_str(p.published_before), "\x1f", static_cast<int>(p.order), "\x1f",
      absl::StrJoin(p.facets, "\x1e")));
}

bool IsFacetField(absl::string_view field) { return FacetSlot(field).has_value(); }

absl::StatusOr<std::unique_ptr<Searcher>> Searcher::Open(const std::string& dir,
                                                          const SemanticSpace* semantic) {
  try {
    // Auto-detect: a sharded index is a directory with an XAPIANDB stub.
    Xapian::Database db(dir);
    return std::unique_ptr<Searcher>(new Searcher(dir, std::move(db), semantic));
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, absl::StrCat("opening index ", dir));
  }
}

Searcher::Searcher(std::string dir, Xapian::Database db, const SemanticSpace* semantic)
    : dir_(std::move(dir)), db_(std::move(db)), semantic_(semantic), stemmer_("english") {
  parser_.set_stemmer(stemmer_);
  parser_.set_stemming_strategy(Xapian::QueryParser::STEM_ALL_Z);  // as indexed
  parser_.set_database(db_);
  parser_.set_default_op(Xapian::Query::OP_OR);
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
    if (!is_operator && !is_field && word.size() >= 4 &&
        !db_.term_exists("Z" + stemmer_(word))) {
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
    query = Xapian::Query::MatchAll;
  } else {
    query = ParseQuery(p.query, &out.corrected_query);
  }
  if (Xapian::Query filter = BuildFilter(p); !filter.empty()) {
    query = Xapian::Query(Xapian::Query::OP_FILTER, query, filter);
  }

  Xapian::Enquire enquire(db_);
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
  const auto offset = static_cast<Xapian::doccount>(
      std::clamp<int64_t>(p.offset, 0, kMaxResultOffset));
  // Look at a few more matches than the page needs so total_size is exact
  // for small result sets (Xapian's bare estimate was off by 2x on the
  // demo corpus); with facets, at everything so counts are exact.
  const Xapian::doccount check_at_least =
      spies.empty() ? offset + page_size + kMinCheckAtLeast : kFacetCheckAtLeast;
  Xapian::MSet mset = enquire.get_mset(offset, page_size + 1, check_at_least);
  if (absl::Now() > p.deadline) return DeadlineError();

  out.total_estimate = mset.get_matches_estimated();
  out.has_more = mset.size() > static_cast<Xapian::doccount>(page_size) &&
                 offset + page_size < static_cast<Xapian::doccount>(kMaxResultOffset);
  out.hits.reserve(std::min<size_t>(mset.size(), page_size));
  const Highlighter highlighter(stemmer_, QueryStems(query));
  int n = 0;
  for (auto it = mset.begin(); it != mset.end() && n < page_size; ++it, ++n) {
    SearchHit& hit = out.hits.emplace_back();
    const std::string data = it.get_document().get_data();
    if (!hit.article.ParseFromString(data)) {
      return absl::DataLossError(absl::StrCat("stored article for document ", *it,
                                              " is corrupt; re-ingest it"));
    }
    hit.score = it.get_weight();
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

template <typename Fn>
auto Searcher::WithFreshDatabase(const char* what, Fn fn) -> decltype(fn()) {
  for (int attempt = 0;; ++attempt) {
    try {
      if (db_.reopen()) df_cache_.Clear();
      return fn();
    } catch (const Xapian::DatabaseModifiedError& e) {
      if (attempt >= 1) return XapianErrorToStatus(e, what);
    } catch (const Xapian::Error& e) {
      return XapianErrorToStatus(e, what);
    }
  }
}

absl::StatusOr<SimilarResults> Searcher::Similar(const SimilarParams& params) {
  // Holding the model keeps it alive if a rebuild swaps it meanwhile.
  const std::shared_ptr<const LsaModel> model =
      semantic_ != nullptr ? semantic_->Current() : nullptr;
  return WithFreshDatabase("similar stories", [&] {
    return FindSimilar(db_, stemmer_, &df_cache_, model.get(), params);
  });
}

absl::StatusOr<ClusterResults> Searcher::Clusters(const ClusterParams& params) {
  const std::shared_ptr<const LsaModel> model =
      semantic_ != nullptr ? semantic_->Current() : nullptr;
  return WithFreshDatabase("topic clusters", [&]() -> absl::StatusOr<ClusterResults> {
    Xapian::Query query;
    if (params.query.find_first_not_of(" \t\r\n") != std::string::npos) {
      std::string unused;
      query = ParseQuery(params.query, &unused);
    }
    return FindClusters(db_, stemmer_, &df_cache_, model.get(), query, params);
  });
}

absl::StatusOr<RecommendResults> Searcher::Recommend(const RecommendParams& params) {
  return WithFreshDatabase("recommend",
                           [&] { return FindRecommendations(db_, stemmer_, &df_cache_, params); });
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
      if (!article.ParseFromString(db_.get_document(*it).get_data())) {
        return absl::DataLossError(absl::StrCat("stored article ", id, " is corrupt"));
      }
      return article;
    } catch (const Xapian::DatabaseModifiedError& e) {
      if (attempt >= 1) return XapianErrorToStatus(e, "get");
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
    if (semantic_ != nullptr) {
      if (std::shared_ptr<const LsaModel> model = semantic_->Current()) {
        stats.semantic_articles = static_cast<int64_t>(model->document_count());
      }
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
