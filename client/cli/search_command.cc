#include "client/cli/search_command.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_join.h"
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

struct SearchFlags {
  std::vector<std::string> query;  // words, joined with spaces
  std::vector<std::string> topics;
  std::vector<std::string> sources;
  std::string after;   // a time, date or age (time_flags.h); empty = unset
  std::string before;  // a time, date or age (time_flags.h); empty = unset
  int32_t page_size = 0;
  std::string page_token;
  bool newest = false;
  std::string recent;  // half-life for RELEVANCE_RECENCY, e.g. 7d, 36h
  bool explain = false;
  std::vector<std::string> facets;
  bool body = false;
  bool exact = false;    // typo_tolerance off
  bool partial = false;  // allow_partial_results
};

// --after or --before, if given; a date means its first second for
// --after and its last for --before, so both days are included.
absl::StatusOr<std::optional<absl::Time>> ParseOptionalTimeFlag(absl::string_view flag,
                                                                const std::string& value,
                                                                absl::Time now,
                                                                DayEdge date_means) {
  if (value.empty()) return std::nullopt;
  ASSIGN_OR_RETURN(absl::Time t, ParseTimeOrAge(flag, value, now, date_means));
  return t;
}

// The filter of --topic, --source, --after and --before; left unset when
// none is given.
absl::Status SetFilter(const SearchFlags& flags, v1::SearchRequest* request) {
  const absl::Time now = absl::Now();
  ASSIGN_OR_RETURN(std::optional<absl::Time> after,
                   ParseOptionalTimeFlag("--after", flags.after, now, DayEdge::kFirstSecond));
  ASSIGN_OR_RETURN(std::optional<absl::Time> before,
                   ParseOptionalTimeFlag("--before", flags.before, now, DayEdge::kLastSecond));
  if (after.has_value() && before.has_value() && *before < *after) {
    return absl::InvalidArgumentError("--before must not be earlier than --after");
  }
  if (flags.topics.empty() && flags.sources.empty() && !after.has_value() && !before.has_value()) {
    return absl::OkStatus();
  }
  v1::Filter* filter = request->mutable_filter();
  for (const std::string& topic : flags.topics) filter->add_topics(topic);
  for (const std::string& source : flags.sources) filter->add_sources(source);
  if (after.has_value()) {
    *filter->mutable_publish_time()->mutable_start_time() = common::ToTimestamp(*after);
  }
  if (before.has_value()) {
    *filter->mutable_publish_time()->mutable_end_time() = common::ToTimestamp(*before);
  }
  return absl::OkStatus();
}

// --newest, or --recent's half-life for RELEVANCE_RECENCY.
absl::Status SetOrder(const SearchFlags& flags, v1::SearchRequest* request) {
  request->set_order_by(flags.newest ? v1::ORDER_BY_NEWEST : v1::ORDER_BY_RELEVANCE);
  if (flags.recent.empty()) return absl::OkStatus();
  absl::StatusOr<absl::Duration> half_life = ParseSpan("--recent", flags.recent);
  if (!half_life.ok() || *half_life < absl::Seconds(1)) {
    return absl::InvalidArgumentError("--recent takes a half-life such as 7d, 36h or 90m");
  }
  request->set_order_by(v1::ORDER_BY_RELEVANCE_RECENCY);
  request->mutable_recency_half_life()->set_seconds(absl::ToInt64Seconds(*half_life));
  return absl::OkStatus();
}

// The request the flags describe. Bad dates are usage errors, found
// before anything is sent.
absl::StatusOr<v1::SearchRequest> MakeSearchRequest(const SearchFlags& flags) {
  v1::SearchRequest request;
  request.set_query(absl::StrJoin(flags.query, " "));
  RETURN_IF_ERROR(SetFilter(flags, &request));
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  RETURN_IF_ERROR(SetOrder(flags, &request));
  request.set_explain(flags.explain);
  for (const std::string& facet : flags.facets) request.add_facets(facet);
  request.set_include_body(flags.body);
  if (flags.exact) request.set_typo_tolerance(false);
  request.set_allow_partial_results(flags.partial);
  return request;
}

int RunSearch(Client& client, const GlobalFlags& global, const SearchFlags& flags) {
  absl::StatusOr<v1::SearchRequest> request = MakeSearchRequest(flags);
  if (!request.ok()) return ReportUsageError(request.status().message());
  absl::StatusOr<v1::SearchResponse> response =
      TimedCall(global, "search", [&] { return client.Search(*request); });
  return PrintResponse(global, response, [&](const v1::SearchResponse& r) {
    PrintSearch(r, /*corrections_searched=*/!flags.exact);
  });
}

}  // namespace

Command AddSearchCommand(CLI::App& app) {
  auto flags = std::make_shared<SearchFlags>();
  CLI::App* cmd = app.add_subcommand("search", "Full-text search");
  AddQueryWordsOption(cmd, &flags->query,
                      "Query words: AND, OR, NOT, \"phrases\", NEAR, +must, -mustnot, title:, "
                      "topic:, source: (empty matches everything); words that start with '-' "
                      "after --");
  cmd->add_option("--topic", flags->topics, "Only this topic (repeatable)")
      ->allow_extra_args(false)
      ->check(Utf8Validator());
  cmd->add_option("--source", flags->sources, "Only this source (repeatable)")
      ->allow_extra_args(false)
      ->check(Utf8Validator());
  cmd->add_option("--after", flags->after,
                  "Published at or after: an age (7d, 36h), a date (2025-01-31, from its start) "
                  "or an RFC 3339 time");
  cmd->add_option("--before", flags->before,
                  "Published at or before: an age (7d), a date (2025-01-31, to its end) or an "
                  "RFC 3339 time");
  cmd->add_option("--page-size", flags->page_size, "Results per page (default 10, max 100)")
      ->check(NonNegativeValidator());
  cmd->add_option("--page-token", flags->page_token, "Token printed by the previous page")
      ->check(Utf8Validator());
  CLI::Option* newest =
      cmd->add_flag("--newest", flags->newest, "Newest first instead of best match first");
  cmd->add_option("--recent", flags->recent,
                  "Blend relevance with recency, with this half-life (7d, 36h)")
      ->excludes(newest);
  cmd->add_flag("--explain", flags->explain, "Show each matched word's share of the score");
  cmd->add_option("--facet", flags->facets, "Count values of topic or source (repeatable)")
      ->allow_extra_args(false)
      ->check(CLI::IsMember({"topic", "source"}));
  cmd->add_flag("--body", flags->body, "Include each article's body");
  cmd->add_flag("--exact", flags->exact,
                "Search words exactly as typed: no typo correction (a correction is only "
                "suggested)");
  cmd->add_flag("--partial", flags->partial,
                "With a remote shard down, answer from the shards that are up (marked partial) "
                "instead of failing");
  return {.app = cmd, .check = nullptr, .run = [flags](Client& client, const GlobalFlags& global) {
            return RunSearch(client, global, *flags);
          }};
}

}  // namespace storyline::cli
