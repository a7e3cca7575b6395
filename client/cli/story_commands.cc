#include "client/cli/story_commands.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/cli/printers.h"
#include "client/cli/time_flags.h"
#include "client/cli/validators.h"
#include "common/timestamp.h"

namespace storyline::cli {
namespace {

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

int RunGet(Client& client, const GlobalFlags& global, const std::string& id) {
  absl::StatusOr<v1::Article> response =
      TimedCall(global, "get", [&] { return client.GetArticle(id); });
  return PrintResponse(global, response, PrintArticle);
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
    if (!common::IsInTimestampRange(*since)) {
      return ReportUsageError("--since is outside the years 0001..9999");
    }
    // Whole seconds: the server filters by second.
    request.mutable_filter()->mutable_published_after()->set_seconds(absl::ToUnixSeconds(*since));
  }
  absl::StatusOr<v1::TopicClustersResponse> response =
      TimedCall(global, "clusters", [&] { return client.TopicClusters(request); });
  return PrintResponse(global, response, PrintClusters);
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
  return {.app = cmd, .check = nullptr, .run = [flags](Client& client, const GlobalFlags& global) {
            return RunRecommend(client, global, *flags);
          }};
}

Command AddClustersCommand(CLI::App& app) {
  auto flags = std::make_shared<ClustersFlags>();
  CLI::App* cmd = app.add_subcommand("clusters", "Group matching stories into topics");
  cmd->add_option("query", flags->query, "Query words (empty: everything)")->check(Utf8Validator());
  cmd->add_option("-k,--k", flags->count, "Number of clusters (0: automatic, max 50)")
      ->check(NonNegativeValidator());
  cmd->add_option("--since", flags->since,
                  "Only stories published since: an age (7d, 36h) or an RFC 3339 time");
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
