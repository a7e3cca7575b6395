#include "client/cli/story_commands.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/cli/printers.h"
#include "client/cli/query_option.h"
#include "client/cli/time_flags.h"
#include "client/cli/validators.h"
#include "common/status_macros.h"
#include "common/timestamp.h"

namespace storyline::cli {
namespace {

struct SimilarFlags {
  std::string id;
  std::string text;
  int32_t page_size = 0;
  // FROM,TO offsets from the seed's publish time (either side may be
  // empty), e.g. -3d,+3d; empty = no window.
  std::string window;
};

struct RecommendFlags {
  std::vector<std::string> ids;
  int32_t page_size = 0;
  double diversity = 0;
  std::string freshness;  // half-life, e.g. 7d; empty = no recency decay
  std::string as_of;      // reference time for freshness; empty = now
};

struct ClustersFlags {
  std::vector<std::string> query;
  int32_t count = 0;
  int32_t max_documents = 0;
  int32_t stories = 0;
  uint64_t seed = 0;
  std::string since;  // a time, date or age (time_flags.h)
};

google::protobuf::Duration ToDurationProto(absl::Duration d) {
  google::protobuf::Duration out;
  // The remainder keeps the quotient's sign, as Duration requires.
  out.set_seconds(absl::IDivDuration(d, absl::Seconds(1), &d));
  out.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(d)));
  return out;
}

// Sets the request's window from --window FROM,TO: offsets from the seed
// article's publish time, either side empty for an open end.
absl::Status SetSimilarWindow(const std::string& window, v1::SimilarStoriesRequest* request) {
  const std::vector<std::string> ends = absl::StrSplit(window, ',');
  if (ends.size() != 2 || (ends[0].empty() && ends[1].empty())) {
    return absl::InvalidArgumentError(
        "--window takes FROM,TO offsets from the seed's publish time, e.g. -3d,+3d "
        "(0, for follow-ups; ,0 for background)");
  }
  std::optional<absl::Duration> from, to;
  if (!ends[0].empty()) {
    ASSIGN_OR_RETURN(from, ParseOffset("--window FROM", ends[0]));
  }
  if (!ends[1].empty()) {
    ASSIGN_OR_RETURN(to, ParseOffset("--window TO", ends[1]));
  }
  if (from.has_value() && to.has_value() && *from > *to) {
    return absl::InvalidArgumentError(absl::StrCat("--window ", Sanitize(window),
                                                   ": FROM is later than TO; the window is empty"));
  }
  if (from.has_value()) *request->mutable_published_after() = ToDurationProto(*from);
  if (to.has_value()) *request->mutable_published_before() = ToDurationProto(*to);
  return absl::OkStatus();
}

// The similar request of the flags; a bad --window is a usage error.
absl::StatusOr<v1::SimilarStoriesRequest> MakeSimilarRequest(const SimilarFlags& flags) {
  v1::SimilarStoriesRequest request;
  if (!flags.id.empty()) {
    request.set_article_id(flags.id);
  } else {
    request.set_text(flags.text);
  }
  request.set_page_size(flags.page_size);
  if (!flags.window.empty()) RETURN_IF_ERROR(SetSimilarWindow(flags.window, &request));
  return request;
}

// The recommend request of the flags; bad values are usage errors.
absl::StatusOr<v1::RecommendRequest> MakeRecommendRequest(const RecommendFlags& flags) {
  v1::RecommendRequest request;
  for (const std::string& id : flags.ids) request.add_history()->set_article_id(id);
  request.set_page_size(flags.page_size);
  if (!(flags.diversity >= 0 && flags.diversity <= 1)) {  // NaN fails too
    return absl::InvalidArgumentError(
        absl::StrCat("--diversity must be between 0 (pure relevance) and 1 (maximal spread); got ",
                     flags.diversity));
  }
  request.set_diversity(flags.diversity);
  if (!flags.freshness.empty()) {
    ASSIGN_OR_RETURN(absl::Duration half_life, ParseSpan("--freshness", flags.freshness));
    *request.mutable_freshness_half_life() = ToDurationProto(half_life);
  }
  if (!flags.as_of.empty()) {
    ASSIGN_OR_RETURN(absl::Time as_of, ParseTimeOrAge("--as-of", flags.as_of, absl::Now()));
    *request.mutable_as_of() = common::ToTimestamp(as_of);
  }
  return request;
}

int RunGet(Client& client, const GlobalFlags& global, const std::string& id) {
  absl::StatusOr<v1::Article> response =
      TimedCall(global, "get", [&] { return client.GetArticle(id); });
  return PrintResponse(global, response, PrintArticle);
}

int RunSimilar(Client& client, const GlobalFlags& global, const SimilarFlags& flags) {
  absl::StatusOr<v1::SimilarStoriesRequest> request = MakeSimilarRequest(flags);
  if (!request.ok()) return ReportUsageError(request.status().message());
  absl::StatusOr<v1::SimilarStoriesResponse> response =
      TimedCall(global, "similar", [&] { return client.SimilarStories(*request); });
  return PrintResponse(global, response, PrintSimilar);
}

int RunRecommend(Client& client, const GlobalFlags& global, const RecommendFlags& flags) {
  absl::StatusOr<v1::RecommendRequest> request = MakeRecommendRequest(flags);
  if (!request.ok()) return ReportUsageError(request.status().message());
  absl::StatusOr<v1::RecommendResponse> response =
      TimedCall(global, "recommend", [&] { return client.Recommend(*request); });
  return PrintResponse(global, response, PrintRecommended);
}

// Why a text answer has no clusters: with --since and nothing in the
// window, when the newest matching story was published (a cheap extra
// search); "" when there is nothing more to say.
std::string WhyNoClusters(Client& client, const GlobalFlags& global, const ClustersFlags& flags,
                          const v1::TopicClustersRequest& request,
                          const v1::TopicClustersResponse& response) {
  if (!response.clusters().empty() || response.considered_documents() > 0) return "";
  v1::SearchRequest newest;
  newest.set_query(request.query());
  newest.set_order_by(v1::NEWEST);
  newest.set_page_size(1);
  absl::StatusOr<v1::SearchResponse> found =
      TimedCall(global, "newest", [&] { return client.Search(newest); });
  if (!found.ok() || found->results().empty()) {
    return request.query().empty() ? "The index is empty." : "No stories match the query.";
  }
  if (!request.has_filter()) return "";
  const v1::Article& article = found->results(0).article();
  return absl::StrCat(
      "No stories published since ", FormatTimestamp(request.filter().published_after()),
      " (--since ", Sanitize(flags.since), "); the newest",
      request.query().empty() ? "" : " matching", " story is from ",
      article.has_publish_time() ? FormatDate(article.publish_time()) : "an unknown date",
      ". Try an earlier --since, or leave it out.");
}

int RunClusters(Client& client, const GlobalFlags& global, const ClustersFlags& flags) {
  v1::TopicClustersRequest request;
  request.set_query(absl::StrJoin(flags.query, " "));
  request.set_cluster_count(flags.count);
  request.set_max_documents(flags.max_documents);
  request.set_stories_per_cluster(flags.stories);
  request.set_seed(flags.seed);
  if (!flags.since.empty()) {
    absl::StatusOr<absl::Time> since = ParseTimeOrAge("--since", flags.since, absl::Now());
    if (!since.ok()) return ReportUsageError(since.status().message());
    // Whole seconds: the server filters by second.
    request.mutable_filter()->mutable_published_after()->set_seconds(absl::ToUnixSeconds(*since));
  }
  absl::StatusOr<v1::TopicClustersResponse> response =
      TimedCall(global, "clusters", [&] { return client.TopicClusters(request); });
  std::string why_empty;
  if (response.ok() && !global.json) {
    why_empty = WhyNoClusters(client, global, flags, request, *response);
  }
  return PrintResponse(global, response,
                       [&](const v1::TopicClustersResponse& r) { PrintClusters(r, why_empty); });
}

}  // namespace

Command AddGetCommand(CLI::App& app) {
  auto id = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("get", "Print one article");
  cmd->add_option("id", *id, "Article id")->required()->check(Utf8Validator());
  return {.app = cmd, .check = nullptr, .run = [id](Client& client, const GlobalFlags& global) {
            return RunGet(client, global, *id);
          }};
}

Command AddSimilarCommand(CLI::App& app) {
  auto flags = std::make_shared<SimilarFlags>();
  CLI::App* cmd = app.add_subcommand("similar", "Stories similar to an article (ID) or to --text");
  CLI::Option* id = cmd->add_option("id", flags->id, "Seed article id")->check(Utf8Validator());
  cmd->add_option("--text", flags->text, "Seed text instead of an article")
      ->check(Utf8Validator())
      ->excludes(id);
  cmd->add_option("--page-size", flags->page_size, "Stories to return (default 10)")
      ->check(NonNegativeValidator());
  cmd->add_option("--window", flags->window,
                  "Only stories published within FROM,TO of the seed article, e.g. -3d,+3d; "
                  "0, for follow-ups, ,0 for background")
      ->excludes("--text");
  return {.app = cmd,
          .check =
              [flags] {
                return flags->id.empty() == flags->text.empty()
                           ? absl::InvalidArgumentError(
                                 "similar: give an article ID or --text (one of them)")
                           : absl::OkStatus();
              },
          .run = [flags](Client& client,
                         const GlobalFlags& global) { return RunSimilar(client, global, *flags); }};
}

Command AddRecommendCommand(CLI::App& app) {
  auto flags = std::make_shared<RecommendFlags>();
  CLI::App* cmd = app.add_subcommand("recommend", "Recommendations from a reading history");
  cmd->add_option("ids", flags->ids, "Ids of articles read, newest first")
      ->required()
      ->check(Utf8Validator());
  cmd->add_option("--page-size", flags->page_size, "Stories to return (default 10)")
      ->check(NonNegativeValidator());
  cmd->add_option("--diversity", flags->diversity,
                  "0 (default): closest to the history; up to 1: spread over its themes");
  cmd->add_option("--freshness", flags->freshness,
                  "Favour recent stories: score halves every this long (7d, 36h)");
  cmd->add_option("--as-of", flags->as_of,
                  "Reference time for --freshness (default now): a time, date or age");
  return {.app = cmd, .check = nullptr, .run = [flags](Client& client, const GlobalFlags& global) {
            return RunRecommend(client, global, *flags);
          }};
}

Command AddClustersCommand(CLI::App& app) {
  auto flags = std::make_shared<ClustersFlags>();
  CLI::App* cmd = app.add_subcommand("clusters", "Group matching stories into topics");
  AddQueryWordsOption(cmd, &flags->query, "Query words (empty: everything)");
  cmd->add_option("-k,--k", flags->count, "Number of clusters (0: automatic, max 50)")
      ->check(NonNegativeValidator());
  cmd->add_option("--since", flags->since,
                  "Only stories published since: an age (7d, 36h), a date (2025-01-31) or an "
                  "RFC 3339 time");
  cmd->add_option("--max-documents", flags->max_documents,
                  "Top matches to cluster (default 500, max 10000)")
      ->check(NonNegativeValidator());
  cmd->add_option("--stories", flags->stories, "Headlines per cluster (default 3)")
      ->check(NonNegativeValidator());
  cmd->add_option("--seed", flags->seed, "Seed, for repeatable clusters");
  return {.app = cmd, .check = nullptr, .run = [flags](Client& client, const GlobalFlags& global) {
            return RunClusters(client, global, *flags);
          }};
}

}  // namespace storyline::cli
