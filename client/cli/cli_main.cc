// The `storyline` command-line client: one subcommand per RPC of
// StoryService and IngestService, plus a health check.
//
//   storyline search interest rates --topic business --newest
//   storyline ingest articles.jsonl
//   storyline --json stats
//
// Output is readable text, or with --json one proto3 JSON object per line.
// Exit codes: 0 success, 1 ingest rejected some lines, 2 usage error,
// 3 the RPC failed.
//
// Servers that require credentials: --token-file (or $STORYLINE_TOKEN) for
// the bearer token, --tls-ca / --tls-cert / --tls-key for (mutual) TLS.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/cli/ingest.h"
#include "client/cli/output.h"
#include "storyline/client.h"
#include "storyline/credentials.h"

namespace storyline::cli {
namespace {

struct SearchFlags {
  std::vector<std::string> query;  // words, joined with spaces
  std::vector<std::string> topics;
  std::vector<std::string> sources;
  std::string after;   // RFC 3339, empty = unset
  std::string before;  // RFC 3339, empty = unset
  int32_t page_size = 0;
  std::string page_token;
  bool newest = false;
  std::string recent;  // half-life for RELEVANCE_RECENCY, e.g. 7d, 36h
  bool explain = false;
  std::vector<std::string> facets;
  bool body = false;
};

struct SimilarFlags {
  std::string id;
  std::string text;
  int32_t page_size = 0;
};

struct RecommendFlags {
  std::vector<std::string> ids;
  int32_t page_size = 0;
};

struct ClustersFlags {
  std::vector<std::string> query;
  int32_t count = 0;
  int32_t max_documents = 0;
  int32_t stories = 0;
  uint64_t seed = 0;
  std::string since;  // RFC 3339 time, or an age such as 36h or 7d
};

// google.protobuf.Timestamp covers 0001-01-01T00:00:00Z through
// 9999-12-31T23:59:59.999999999Z; outside that the server cannot read it
// and JSON rendering fails.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

// Parses an RFC 3339 flag value. The error names the flag and shows the
// expected form, since "2025-01-31" (no time, no zone) is the usual mistake.
absl::StatusOr<absl::Time> ParseTimeFlag(absl::string_view flag, const std::string& value) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, value, &t, &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": \"", Sanitize(value),
                     "\" is not an RFC 3339 time such as 2025-01-31T09:00:00Z (", error, ")"));
  }
  // ParseTime also accepts "infinite-future" and years beyond 9999.
  if (t < absl::FromUnixSeconds(kMinTimestampSeconds) ||
      t >= absl::FromUnixSeconds(kMaxTimestampSeconds + 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": \"", Sanitize(value), "\" is outside years 0001..9999"));
  }
  return t;
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  // ToUnixSeconds rounds toward the past, so nanos is always in [0, 1e9).
  const int64_t seconds = absl::ToUnixSeconds(t);
  google::protobuf::Timestamp ts;
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return ts;
}

// `text` printed with `indent` before each line.
void PrintIndented(absl::string_view text, absl::string_view indent) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    std::cout << indent << line << '\n';
  }
}

std::string TitleOf(const v1::Article& article) {
  return article.title().empty() ? std::string("(untitled)") : Sanitize(article.title());
}

// "id | source | topic | 2025-01-14", leaving out empty parts.
std::string ArticleLine(const v1::Article& article) {
  std::vector<std::string> parts = {Sanitize(article.id())};
  if (!article.source().empty()) parts.push_back(Sanitize(article.source()));
  if (!article.topic().empty()) parts.push_back(Sanitize(article.topic()));
  if (article.has_publish_time()) parts.push_back(FormatDate(article.publish_time()));
  return absl::StrJoin(parts, " | ");
}

std::string JoinSanitized(const google::protobuf::RepeatedPtrField<std::string>& values) {
  return absl::StrJoin(values, ", ", [](std::string* out, const std::string& value) {
    out->append(Sanitize(value));
  });
}

// "1. [12.34] Title"; returns the indent that lines up with the title's
// first column, for the lines below it.
std::string PrintRankedTitle(int rank, double score, const v1::Article& article) {
  const std::string prefix = absl::StrCat(rank, ". ");
  std::cout << prefix << "[" << FormatFixed(score, 2) << "] " << TitleOf(article) << '\n';
  return std::string(prefix.size(), ' ');
}

void PrintSearch(const v1::SearchResponse& response) {
  const bool ansi = StdoutWantsAnsi();
  std::cout << "About " << FormatCount(response.total_size())
            << (response.total_size() == 1 ? " result" : " results") << '\n';
  int rank = 0;
  for (const v1::SearchResult& result : response.results()) {
    std::cout << '\n';
    const std::string indent = PrintRankedTitle(++rank, result.score(), result.article());
    std::cout << indent << ArticleLine(result.article()) << '\n';
    if (!result.snippet().empty()) {
      std::cout << indent << RenderSnippet(result.snippet(), ansi) << '\n';
    }
    if (result.explanation_size() > 0) {
      std::cout << indent << "score = "
                << absl::StrJoin(result.explanation(), " + ",
                                 [](std::string* out, const v1::TermWeight& t) {
                                   absl::StrAppend(out, Sanitize(t.term()), " ",
                                                   FormatFixed(t.weight(), 3));
                                 })
                << '\n';
    }
    if (!result.article().body().empty()) {
      std::cout << '\n';
      PrintIndented(Sanitize(result.article().body(), /*keep_newlines=*/true), indent);
    }
  }
  if (response.facets_size() > 0) {
    std::cout << "\nFacets:\n";
    for (const v1::FacetResult& facet : response.facets()) {
      std::cout << "  " << Sanitize(facet.field()) << ": ";
      if (facet.values().empty()) std::cout << "(none)";
      for (int i = 0; i < facet.values_size(); ++i) {
        const v1::FacetResult::Value& value = facet.values(i);
        std::cout << (i > 0 ? ", " : "") << Sanitize(value.value()) << " ("
                  << FormatCount(value.count()) << ")";
      }
      std::cout << '\n';
    }
  }
  if (!response.corrected_query().empty()) {
    std::cout << "\nDid you mean: " << Sanitize(response.corrected_query()) << '\n';
  }
  if (!response.next_page_token().empty()) {
    std::cout << "\nNext page: --page-token " << Sanitize(response.next_page_token()) << '\n';
  }
  // Bodies the server left out to keep the reply under its size limit.
  if (response.truncated()) std::cout << "\nNote: " << Sanitize(response.truncation_note()) << '\n';
}

void PrintArticle(const v1::Article& article) {
  std::cout << TitleOf(article) << '\n';
  std::cout << "id:        " << Sanitize(article.id()) << '\n';
  if (!article.source().empty()) std::cout << "source:    " << Sanitize(article.source()) << '\n';
  if (!article.topic().empty()) std::cout << "topic:     " << Sanitize(article.topic()) << '\n';
  if (article.has_publish_time()) {
    std::cout << "published: " << FormatTimestamp(article.publish_time()) << '\n';
  }
  if (!article.url().empty()) std::cout << "url:       " << Sanitize(article.url()) << '\n';
  if (article.tags_size() > 0) std::cout << "tags:      " << JoinSanitized(article.tags()) << '\n';
  if (!article.body().empty()) {
    std::cout << '\n' << Sanitize(article.body(), /*keep_newlines=*/true) << '\n';
  }
}

void PrintStats(const v1::IndexStats& stats) {
  std::cout << "articles:    " << FormatCount(stats.article_count()) << '\n'
            << "revision:    " << stats.revision() << '\n'
            << "disk size:   " << FormatBytes(stats.disk_bytes()) << " ("
            << FormatCount(stats.disk_bytes()) << " bytes)\n"
            << "last commit: "
            << (stats.has_last_commit_time() ? FormatTimestamp(stats.last_commit_time())
                                             : std::string("never"))
            << '\n'
            << "semantic:    " << FormatCount(stats.semantic_articles())
            << " articles in the model\n";
}

void PrintDeleted(const v1::DeleteArticlesResponse& response) {
  std::cout << "deleted " << FormatCount(response.deleted_count())
            << (response.deleted_count() == 1 ? " article" : " articles") << " (revision "
            << response.revision() << ")\n";
  if (response.not_found_ids_size() > 0) {
    std::cout << "not found: " << JoinSanitized(response.not_found_ids()) << '\n';
  }
}

void PrintSimilar(const v1::SimilarStoriesResponse& response) {
  if (response.stories().empty()) std::cout << "No similar stories.\n";
  int rank = 0;
  for (const v1::SimilarStory& story : response.stories()) {
    if (rank > 0) std::cout << '\n';
    const std::string indent = PrintRankedTitle(++rank, story.score(), story.article());
    std::cout << indent << ArticleLine(story.article()) << '\n';
    if (story.shared_terms_size() > 0) {
      std::cout << indent << "shared terms: " << JoinSanitized(story.shared_terms()) << '\n';
    }
    if (story.duplicates_size() > 0) {
      std::cout << indent << "duplicates: " << JoinSanitized(story.duplicates()) << '\n';
    }
  }
}

void PrintRecommended(const v1::RecommendResponse& response) {
  if (response.stories().empty()) std::cout << "No recommendations.\n";
  int rank = 0;
  for (const v1::RecommendedStory& story : response.stories()) {
    if (rank > 0) std::cout << '\n';
    const std::string indent = PrintRankedTitle(++rank, story.score(), story.article());
    std::cout << indent << ArticleLine(story.article()) << '\n';
    if (story.because_size() > 0) {
      std::cout << indent << "because: " << JoinSanitized(story.because()) << '\n';
    }
    if (story.shared_terms_size() > 0) {
      std::cout << indent << "shared terms: " << JoinSanitized(story.shared_terms()) << '\n';
    }
  }
  if (response.unknown_history_ids_size() > 0) {
    // A warning about the input rather than part of the answer.
    std::cerr << "storyline: not in the index, skipped: "
              << JoinSanitized(response.unknown_history_ids()) << '\n';
  }
}

void PrintClusters(const v1::TopicClustersResponse& response) {
  if (response.clusters().empty()) std::cout << "No clusters.\n";
  int rank = 0;
  for (const v1::TopicCluster& cluster : response.clusters()) {
    if (rank > 0) std::cout << '\n';
    const std::string prefix = absl::StrCat(++rank, ". ");
    const std::string indent(prefix.size(), ' ');
    std::cout << prefix << (cluster.label().empty() ? "(unlabelled)" : Sanitize(cluster.label()))
              << "  (" << FormatCount(cluster.size())
              << (cluster.size() == 1 ? " story" : " stories") << ", score "
              << FormatFixed(cluster.score(), 2) << ")\n";
    if (cluster.keywords_size() > 0) {
      std::cout << indent << "keywords: "
                << absl::StrJoin(cluster.keywords(), ", ",
                                 [](std::string* out, const v1::ClusterKeyword& keyword) {
                                   out->append(Sanitize(keyword.term()));
                                 })
                << '\n';
    }
    for (const v1::Article& story : cluster.top_stories()) {
      std::cout << indent << "- " << TitleOf(story) << "  (" << Sanitize(story.id()) << ")\n";
    }
  }
  if (response.unclustered_size() > 0) {
    std::cout << "\nOther topics  (" << FormatCount(response.unclustered_size())
              << (response.unclustered_size() == 1 ? " story" : " stories") << ")\n";
  }
  if (response.considered_documents() > 0) {
    std::cout << "\nclustered " << FormatCount(response.considered_documents())
              << " matching articles into " << response.clusters_size() << " topics\n";
  }
}

// Prints `response` as JSON or text and returns the exit code, or reports
// the RPC's error.
template <typename Response, typename PrintFn>
int PrintResponse(const GlobalFlags& global, const absl::StatusOr<Response>& response,
                  PrintFn print) {
  if (!response.ok()) return ReportRpcError(response.status());
  if (global.json) return PrintJsonLine(ToJson(*response));
  print(*response);
  return kExitOk;
}

// --since: "7d", "36h", "90m" (that long before now) or an RFC 3339 time.
absl::StatusOr<absl::Time> ParseSince(const std::string& value, absl::Time now) {
  absl::Duration age;
  int64_t days = 0;
  if (value.size() > 1 && value.back() == 'd' &&
      absl::SimpleAtoi(absl::string_view(value).substr(0, value.size() - 1), &days) && days >= 0 &&
      days <= 100000) {
    return now - absl::Hours(24 * days);
  }
  if (absl::ParseDuration(value, &age) && age >= absl::ZeroDuration() &&
      age <= absl::Hours(24 * 100000)) {
    return now - age;
  }
  absl::StatusOr<absl::Time> t = ParseTimeFlag("--since", value);
  if (!t.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--since: \"", Sanitize(value),
        "\" is neither an age (7d, 36h, 90m) nor an RFC 3339 time like 2025-01-31T00:00:00Z"));
  }
  return t;
}

int RunSearch(Client& client, const GlobalFlags& global, const SearchFlags& flags) {
  v1::SearchRequest request;
  request.set_query(absl::StrJoin(flags.query, " "));
  // Dates are usage errors, checked before anything is sent.
  std::optional<absl::Time> after, before;
  if (!flags.after.empty()) {
    absl::StatusOr<absl::Time> t = ParseTimeFlag("--after", flags.after);
    if (!t.ok()) return ReportUsageError(t.status().message());
    after = *t;
  }
  if (!flags.before.empty()) {
    absl::StatusOr<absl::Time> t = ParseTimeFlag("--before", flags.before);
    if (!t.ok()) return ReportUsageError(t.status().message());
    before = *t;
  }
  if (after.has_value() && before.has_value() && *before < *after) {
    return ReportUsageError("--before must not be earlier than --after");
  }
  if (!flags.topics.empty() || !flags.sources.empty() || after.has_value() || before.has_value()) {
    v1::Filter* filter = request.mutable_filter();
    for (const std::string& topic : flags.topics) filter->add_topics(topic);
    for (const std::string& source : flags.sources) filter->add_sources(source);
    if (after.has_value()) *filter->mutable_published_after() = ToTimestamp(*after);
    if (before.has_value()) *filter->mutable_published_before() = ToTimestamp(*before);
  }
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  request.set_order_by(flags.newest ? v1::NEWEST : v1::RELEVANCE);
  if (!flags.recent.empty()) {
    // An age parses as "that long before now"; the difference is the span.
    const absl::Time now = absl::Now();
    absl::StatusOr<absl::Time> since = ParseSince(flags.recent, now);
    if (!since.ok() || *since >= now) {
      return ReportUsageError("--recent takes a half-life such as 7d, 36h or 90m");
    }
    request.set_order_by(v1::RELEVANCE_RECENCY);
    request.mutable_recency_half_life()->set_seconds(absl::ToInt64Seconds(now - *since));
  }
  request.set_explain(flags.explain);
  for (const std::string& facet : flags.facets) request.add_facets(facet);
  request.set_include_body(flags.body);

  absl::StatusOr<v1::SearchResponse> response =
      TimedCall(global, "search", [&] { return client.Search(request); });
  return PrintResponse(global, response, PrintSearch);
}

int RunGet(Client& client, const GlobalFlags& global, const std::string& id) {
  absl::StatusOr<v1::Article> response =
      TimedCall(global, "get", [&] { return client.GetArticle(id); });
  return PrintResponse(global, response, PrintArticle);
}

int RunDelete(Client& client, const GlobalFlags& global, const std::vector<std::string>& ids) {
  v1::DeleteArticlesRequest request;
  for (const std::string& id : ids) request.add_ids(id);
  absl::StatusOr<v1::DeleteArticlesResponse> response =
      TimedCall(global, "delete", [&] { return client.DeleteArticles(request); });
  return PrintResponse(global, response, PrintDeleted);
}

int RunStats(Client& client, const GlobalFlags& global) {
  absl::StatusOr<v1::IndexStats> response =
      TimedCall(global, "stats", [&] { return client.GetIndexStats(); });
  return PrintResponse(global, response, PrintStats);
}

int RunHealth(Client& client, const GlobalFlags& global, const std::string& service) {
  const absl::Status status =
      TimedCall(global, "health", [&] { return client.CheckHealth(service); });
  if (!status.ok()) return ReportRpcError(status);
  std::cout << (global.json ? "{\"status\":\"SERVING\"}" : "SERVING") << '\n';
  return kExitOk;
}

int RunSimilar(Client& client, const GlobalFlags& global, const SimilarFlags& flags) {
  v1::SimilarStoriesRequest request;
  if (!flags.id.empty()) {
    request.set_article_id(flags.id);
  } else {
    request.set_text(flags.text);
  }
  request.set_page_size(flags.page_size);
  absl::StatusOr<v1::SimilarStoriesResponse> response =
      TimedCall(global, "similar", [&] { return client.SimilarStories(request); });
  return PrintResponse(global, response, PrintSimilar);
}

int RunRecommend(Client& client, const GlobalFlags& global, const RecommendFlags& flags) {
  v1::RecommendRequest request;
  for (const std::string& id : flags.ids) request.add_history()->set_article_id(id);
  request.set_page_size(flags.page_size);
  absl::StatusOr<v1::RecommendResponse> response =
      TimedCall(global, "recommend", [&] { return client.Recommend(request); });
  return PrintResponse(global, response, PrintRecommended);
}

int RunClusters(Client& client, const GlobalFlags& global, const ClustersFlags& flags) {
  v1::TopicClustersRequest request;
  request.set_query(absl::StrJoin(flags.query, " "));
  request.set_cluster_count(flags.count);
  request.set_max_documents(flags.max_documents);
  request.set_stories_per_cluster(flags.stories);
  request.set_seed(flags.seed);
  if (!flags.since.empty()) {
    absl::StatusOr<absl::Time> since = ParseSince(flags.since, absl::Now());
    if (!since.ok()) return ReportUsageError(since.status().message());
    const int64_t s = absl::ToUnixSeconds(*since);
    if (s < kMinTimestampSeconds || s > kMaxTimestampSeconds) {
      return ReportUsageError("--since is outside the years 0001..9999");
    }
    request.mutable_filter()->mutable_published_after()->set_seconds(s);
  }
  absl::StatusOr<v1::TopicClustersResponse> response =
      TimedCall(global, "clusters", [&] { return client.TopicClusters(request); });
  return PrintResponse(global, response, PrintClusters);
}

// Sets the token (--token-file, else $STORYLINE_TOKEN) and TLS credentials
// of `options`. kInvalidArgument (a usage error) names the flag to fix and
// never quotes the token.
absl::Status ApplySecurityFlags(const GlobalFlags& global, Client::Options* options) {
  if (!global.token_file.empty()) {
    absl::StatusOr<std::string> token = ReadTokenFile(global.token_file);
    if (!token.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--token-file: ", token.status().message()));
    }
    options->token = std::move(*token);
  } else if (const char* env = std::getenv("STORYLINE_TOKEN"); env != nullptr && *env != '\0') {
    if (absl::Status s = ValidateToken(env); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("$STORYLINE_TOKEN: ", s.message()));
    }
    options->token = env;
  }
  if (!global.tls && global.tls_ca.empty() && global.tls_cert.empty() && global.tls_key.empty()) {
    return absl::OkStatus();
  }
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> creds = MakeTlsCredentials(
      {.ca_file = global.tls_ca, .cert_file = global.tls_cert, .key_file = global.tls_key});
  if (!creds.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        creds.status().message(), " (--tls-ca, --tls-cert and --tls-key take PEM files)"));
  }
  options->credentials = std::move(*creds);
  return absl::OkStatus();
}

int Main(int argc, char** argv) {
  // Protobuf string fields must be UTF-8; catching bad bytes here gives a
  // usage error instead of an opaque serialization failure on the server.
  const CLI::Validator utf8(
      [](std::string& value) {
        return IsValidUtf8(value) ? std::string() : std::string("not valid UTF-8");
      },
      "");
  // CLI11's NonNegativeNumber prints its upper bound as a 300-digit double.
  const CLI::Validator non_negative(
      [](std::string& value) {
        return !value.empty() && value[0] == '-' ? std::string("must not be negative")
                                                 : std::string();
      },
      "");

  CLI::App app("Search and manage a Storyline news index.", "storyline");
  // Global options are also accepted after the subcommand; subcommands
  // created below inherit this.
  app.fallthrough();
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Print help for every subcommand and exit");

  GlobalFlags global;
  app.add_option("--addr", global.addr, "Server address HOST:PORT")
      ->envname("STORYLINE_ADDR")
      ->capture_default_str()
      ->check(utf8);
  app.add_flag("--json", global.json, "Print responses as proto3 JSON, one object per line");
  CLI::Option* deadline_opt =
      app.add_option("--deadline", global.deadline_seconds,
                     "Per-call deadline in seconds (ingest: 1 hour unless given)")
          ->capture_default_str();
  app.add_flag("-v,--verbose", global.verbose, "Print the time each RPC takes to stderr");
  app.add_option("--token-file,--token_file", global.token_file,
                 "File holding the bearer token the server requires (else $STORYLINE_TOKEN); "
                 "sent as 'authorization: Bearer <token>'");
  app.add_flag("--tls", global.tls, "Connect with TLS (implied by the --tls-* files)");
  app.add_option("--tls-ca,--tls_ca", global.tls_ca,
                 "PEM CA certificates that sign the server's certificate (default: system roots)");
  CLI::Option* tls_cert_opt = app.add_option("--tls-cert,--tls_cert", global.tls_cert,
                                             "PEM client certificate, for mutual TLS");
  CLI::Option* tls_key_opt =
      app.add_option("--tls-key,--tls_key", global.tls_key, "PEM private key of --tls-cert");
  tls_cert_opt->needs(tls_key_opt);
  tls_key_opt->needs(tls_cert_opt);

  // search
  SearchFlags search;
  CLI::App* search_cmd = app.add_subcommand("search", "Full-text search");
  search_cmd
      ->add_option("query", search.query,
                   "Query words: AND, OR, NOT, \"phrases\", NEAR, +must, -mustnot, title:, "
                   "topic:, source: (empty matches everything)")
      ->check(utf8);
  search_cmd->add_option("--topic", search.topics, "Only this topic (repeatable)")
      ->allow_extra_args(false)
      ->check(utf8);
  search_cmd->add_option("--source", search.sources, "Only this source (repeatable)")
      ->allow_extra_args(false)
      ->check(utf8);
  search_cmd->add_option("--after", search.after,
                         "Published at or after this RFC 3339 time, e.g. 2025-01-31T00:00:00Z");
  search_cmd->add_option("--before", search.before, "Published at or before this RFC 3339 time");
  search_cmd->add_option("--page-size", search.page_size, "Results per page (default 10, max 100)")
      ->check(non_negative);
  search_cmd->add_option("--page-token", search.page_token, "Token printed by the previous page")
      ->check(utf8);
  CLI::Option* newest_opt =
      search_cmd->add_flag("--newest", search.newest, "Newest first instead of best match first");
  search_cmd
      ->add_option("--recent", search.recent,
                   "Blend relevance with recency, with this half-life (7d, 36h)")
      ->excludes(newest_opt);
  search_cmd->add_flag("--explain", search.explain, "Show each matched word's share of the score");
  search_cmd->add_option("--facet", search.facets, "Count values of topic or source (repeatable)")
      ->allow_extra_args(false)
      ->check(CLI::IsMember({"topic", "source"}));
  search_cmd->add_flag("--body", search.body, "Include each article's body");

  // get
  std::string get_id;
  CLI::App* get_cmd = app.add_subcommand("get", "Print one article");
  get_cmd->add_option("id", get_id, "Article id")->required()->check(utf8);

  // ingest
  IngestFlags ingest;
  CLI::App* ingest_cmd =
      app.add_subcommand("ingest", "Index a JSONL file of articles (one JSON Article per line)");
  ingest_cmd->add_option("file", ingest.path, "JSONL file, or - for stdin")->required();
  CLI::Option* progress_opt =
      ingest_cmd->add_flag("--progress", ingest.progress, "Show progress even if not a terminal");
  ingest_cmd->add_flag("--no-progress", ingest.no_progress, "Never show progress")
      ->excludes(progress_opt);
  ingest_cmd->add_flag("--resume", ingest.resume,
                       "Skip the lines an interrupted run got committed (its checkpoint file)");
  ingest_cmd->add_option("--checkpoint", ingest.checkpoint,
                         "Checkpoint file (default: FILE's name + .ingest-checkpoint, here)");

  // delete
  std::vector<std::string> delete_ids;
  CLI::App* delete_cmd = app.add_subcommand("delete", "Delete articles by id");
  delete_cmd->add_option("ids", delete_ids, "Article ids")->required()->check(utf8);

  // stats
  CLI::App* stats_cmd = app.add_subcommand("stats", "Print index size and freshness");

  // health
  std::string health_service;
  CLI::App* health_cmd = app.add_subcommand("health", "Check that the server is SERVING");
  health_cmd->add_option("service", health_service, "Service name (default: the whole server)")
      ->check(utf8);

  // similar
  SimilarFlags similar;
  CLI::App* similar_cmd =
      app.add_subcommand("similar", "Stories similar to an article (ID) or to --text");
  CLI::Option* similar_id =
      similar_cmd->add_option("id", similar.id, "Seed article id")->check(utf8);
  similar_cmd->add_option("--text", similar.text, "Seed text instead of an article")
      ->check(utf8)
      ->excludes(similar_id);
  similar_cmd->add_option("--page-size", similar.page_size, "Stories to return (default 10)")
      ->check(non_negative);

  // recommend
  RecommendFlags recommend;
  CLI::App* recommend_cmd =
      app.add_subcommand("recommend", "Recommendations from a reading history");
  recommend_cmd->add_option("ids", recommend.ids, "Ids of articles read, newest first")
      ->required()
      ->check(utf8);
  recommend_cmd->add_option("--page-size", recommend.page_size, "Stories to return (default 10)")
      ->check(non_negative);

  // clusters
  ClustersFlags clusters;
  CLI::App* clusters_cmd = app.add_subcommand("clusters", "Group matching stories into topics");
  clusters_cmd->add_option("query", clusters.query, "Query words (empty: everything)")->check(utf8);
  clusters_cmd->add_option("-k,--k", clusters.count, "Number of clusters (0: automatic, max 50)")
      ->check(non_negative);
  clusters_cmd->add_option("--since", clusters.since,
                           "Only stories published since: an age (7d, 36h) or an RFC 3339 time");
  clusters_cmd
      ->add_option("--max-documents", clusters.max_documents,
                   "Top matches to cluster (default 500, max 10000)")
      ->check(non_negative);
  clusters_cmd->add_option("--stories", clusters.stories, "Headlines per cluster (default 3)")
      ->check(non_negative);
  clusters_cmd->add_option("--seed", clusters.seed, "Seed, for repeatable clusters");

  // Set last: the footer is inherited by subcommands created after it.
  app.footer(
      "Global options may also follow the subcommand. Put query words that start with '-'\n"
      "after --, e.g.: storyline search -- rates -mortgage\n"
      "Exit codes: 0 ok, 1 ingest rejected lines, 2 usage error, 3 RPC failed.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints help (exit 0) or the error; every parse error is a usage
    // error to the caller, whatever CLI11's own numbering.
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }

  global.deadline_given = deadline_opt->count() > 0;
  // Written as a negated range so NaN fails too; a year is the largest
  // deadline that clearly means "wait" rather than a typo.
  if (!(global.deadline_seconds > 0 && global.deadline_seconds <= 365.0 * 24 * 3600)) {
    return ReportUsageError("--deadline must be a number of seconds above 0 and at most a year");
  }
  if (similar_cmd->parsed() && similar.id.empty() == similar.text.empty()) {
    return ReportUsageError("similar: give an article ID or --text (one of them)");
  }

  Client::Options options;
  options.target = global.addr;
  options.default_deadline = absl::Seconds(global.deadline_seconds);
  // gRPC clients refuse replies over 4 MiB by default; a page of 100 results
  // with --body can be larger, and the CLI trusts the server it talks to.
  options.channel_args.SetMaxReceiveMessageSize(-1);
  if (absl::Status s = ApplySecurityFlags(global, &options); !s.ok()) {
    return ReportUsageError(s.message());
  }
  Client client(std::move(options));

  if (search_cmd->parsed()) return RunSearch(client, global, search);
  if (get_cmd->parsed()) return RunGet(client, global, get_id);
  if (ingest_cmd->parsed()) return RunIngest(client, global, ingest);
  if (delete_cmd->parsed()) return RunDelete(client, global, delete_ids);
  if (stats_cmd->parsed()) return RunStats(client, global);
  if (health_cmd->parsed()) return RunHealth(client, global, health_service);
  if (similar_cmd->parsed()) return RunSimilar(client, global, similar);
  if (recommend_cmd->parsed()) return RunRecommend(client, global, recommend);
  if (clusters_cmd->parsed()) return RunClusters(client, global, clusters);
  // require_subcommand(1) makes this unreachable.
  return ReportUsageError("a subcommand is required");
}

}  // namespace
}  // namespace storyline::cli

int main(int argc, char** argv) {
  // Only iostreams are used, so they need not sync with stdio; unsynced,
  // std::cin is buffered, which `ingest -` depends on for speed.
  std::ios::sync_with_stdio(false);
  try {
    return storyline::cli::Main(argc, argv);
  } catch (const std::exception& e) {
    // Nothing expected throws here; this keeps a surprise (bad_alloc,
    // thread creation failure) from becoming an abort with a core dump.
    std::cerr << "storyline: internal error: " << e.what() << '\n';
    return 1;
  }
}
