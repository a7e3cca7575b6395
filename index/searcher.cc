#include "index/searcher.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "index/page_token.h"
#include "index/schema.h"
#include "index/xapian_status.h"

namespace storyline::index {
namespace {

using storyline::v1::Article;

constexpr unsigned kParseFlags =
    Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_SPELLING_CORRECTION;
// Search-box fallback: no operators, just words.
constexpr unsigned kPlainFlags = Xapian::QueryParser::FLAG_SPELLING_CORRECTION;
constexpr size_t kSnippetBytes = 240;
// With facets, look at (up to) this many matches so counts are exact for
// any realistic result set.
constexpr Xapian::doccount kFacetCheckAtLeast = 100000;

std::optional<unsigned> FacetSlot(absl::string_view field) {
  if (field == "topic") return kSlotTopic;
  if (field == "source") return kSlotSource;
  return std::nullopt;
}

Xapian::Query AnyOf(const std::vector<std::string>& values,
                    std::string (*to_term)(absl::string_view)) {
  std::vector<Xapian::Query> terms;
  terms.reserve(values.size());
  for (const std::string& v : values) terms.emplace_back(to_term(v));
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

double UnixSeconds(absl::Time t) { return absl::ToDoubleSeconds(t - absl::UnixEpoch()); }

Xapian::Query BuildFilter(const SearchParams& p) {
  std::vector<Xapian::Query> parts;
  if (!p.topics.empty()) parts.push_back(AnyOf(p.topics, &TopicTerm));
  if (!p.sources.empty()) parts.push_back(AnyOf(p.sources, &SourceTerm));
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

absl::StatusOr<std::unique_ptr<Searcher>> Searcher::Open(const std::string& dir) {
  try {
    Xapian::Database db(dir, Xapian::DB_BACKEND_GLASS);
    return std::unique_ptr<Searcher>(new Searcher(dir, std::move(db)));
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, absl::StrCat("opening index ", dir));
  }
}

Searcher::Searcher(std::string dir, Xapian::Database db)
    : dir_(std::move(dir)), db_(std::move(db)), stemmer_("english") {
  parser_.set_stemmer(stemmer_);
  parser_.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  parser_.set_database(db_);
  parser_.set_default_op(Xapian::Query::OP_OR);
  parser_.add_prefix("title", kPrefixTitle);
  parser_.add_boolean_prefix("topic", kPrefixTopic);
  parser_.add_boolean_prefix("source", kPrefixSource);
  parser_.add_boolean_prefix("tag", kPrefixTag);
}

bool Searcher::AllWordsIndexed(const std::string& text) {
  // Lower-cased ASCII-alphanumeric runs (and any UTF-8 bytes) as words.
  std::string word;
  auto known = [&]() {
    if (word.empty()) return true;
    const bool ok = db_.term_exists(word);
    word.clear();
    return ok;
  };
  for (const char c : text) {
    const unsigned char u = c;
    if (u >= 0x80 || std::isalnum(u)) {
      word.push_back(static_cast<char>(std::tolower(u)));
    } else if (!known()) {
      return false;
    }
  }
  return known();
}

Xapian::Query Searcher::ParseQuery(const std::string& text, std::string* corrected) {
  Xapian::Query query;
  bool parsed = false;
  try {
    query = parser_.parse_query(text, kParseFlags);
    parsed = true;
  } catch (const Xapian::QueryParserError&) {
    // A search box, not a compiler: fall through to plain words.
  }
  if (!parsed) {
    try {
      query = parser_.parse_query(text, kPlainFlags);
      parsed = true;
    } catch (const Xapian::QueryParserError&) {
    }
  }
  if (parsed) {
    *corrected = parser_.get_corrected_query_string();
    // Xapian suggests from the spelling table even for words the index
    // holds; never "correct" a query whose every word is a known term.
    if (!corrected->empty() && AllWordsIndexed(text)) corrected->clear();
    return query;
  }
  // Last resort: keep only letters, digits and spaces.
  std::string words = text;
  for (char& c : words) {
    const unsigned char u = c;
    if (u < 0x80 && !std::isalnum(u)) c = ' ';
  }
  return parser_.parse_query(words, 0);
}

absl::StatusOr<SearchResults> Searcher::Search(const SearchParams& params) {
  for (int attempt = 0;; ++attempt) {
    try {
      db_.reopen();
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
    enquire.set_time_limit(absl::ToDoubleSeconds(p.deadline - absl::Now()));
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
  const Xapian::doccount check_at_least = spies.empty() ? 0 : kFacetCheckAtLeast;
  Xapian::MSet mset = enquire.get_mset(offset, page_size + 1, check_at_least);
  if (absl::Now() > p.deadline) return DeadlineError();

  out.total_estimate = mset.get_matches_estimated();
  out.has_more = mset.size() > static_cast<Xapian::doccount>(page_size) &&
                 offset + page_size < static_cast<Xapian::doccount>(kMaxResultOffset);
  out.hits.reserve(std::min<size_t>(mset.size(), page_size));
  int n = 0;
  for (auto it = mset.begin(); it != mset.end() && n < page_size; ++it, ++n) {
    SearchHit& hit = out.hits.emplace_back();
    const std::string data = it.get_document().get_data();
    if (!hit.article.ParseFromString(data)) {
      return absl::DataLossError(absl::StrCat("stored article for document ", *it,
                                              " is corrupt; re-ingest it"));
    }
    hit.score = it.get_weight();
    const std::string& text = hit.article.body().empty() ? hit.article.title()
                                                         : hit.article.body();
    hit.snippet = mset.snippet(text, kSnippetBytes, stemmer_,
                               Xapian::MSet::SNIPPET_BACKGROUND_MODEL |
                                   Xapian::MSet::SNIPPET_EXHAUSTIVE,
                               "<em>", "</em>", "...");
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

absl::StatusOr<Article> Searcher::Get(absl::string_view id) {
  for (int attempt = 0;; ++attempt) {
    try {
      db_.reopen();
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
    db_.reopen();
    IndexStatsData stats;
    stats.article_count = db_.get_doccount();
    stats.revision = db_.get_revision();
    int64_t ms = 0;
    if (absl::SimpleAtoi(db_.get_metadata(kMetaLastCommit), &ms)) {
      stats.last_commit_time = absl::FromUnixMillis(ms);
    }
    std::error_code ec;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_, ec)) {
      if (entry.is_regular_file(ec)) stats.disk_bytes += entry.file_size(ec);
    }
    return stats;
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "index stats");
  }
}

}  // namespace storyline::index
