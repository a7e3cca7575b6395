// Text rendering of each `storyline` response (the default output; --json
// prints the proto3 JSON instead), and PrintResponse, which picks one or
// the other.
//
// Thread-safety: the functions write to std::cout (PrintRecommended also to
// std::cerr) and are meant for the CLI's one thread.
#ifndef STORYLINE_CLIENT_CLI_PRINTERS_H_
#define STORYLINE_CLIENT_CLI_PRINTERS_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/cli/output.h"
#include "storyline/client.h"

namespace storyline::cli {

// The spelling suggestion ("Did you mean: ..."), "About N results" (or "No
// results."), then each result (rank, score, title, id line, snippet,
// explanation, body), the facets, the next page token and the truncation
// note.
// `corrections_searched`: the server searched corrected_query's
// corrections too (typo tolerance on, the default), so it is shown as what
// the results include; otherwise it is a suggestion ("Did you mean").
void PrintSearch(const v1::SearchResponse& response, bool corrections_searched = false);

// The title, then "id:", "source:", ... lines and the body.
void PrintArticle(const v1::Article& article);

// Article count, revision, disk size, last commit and semantic coverage.
void PrintStats(const v1::IndexStats& stats);
// A read replica's sync state: its writer, how far behind, failures.
void PrintReplica(const v1::ReplicaStatus& replica);

// "deleted N articles (revision R)" and the ids that were not found.
void PrintDeleted(const v1::DeleteArticlesResponse& response);

// The seed's own near-duplicates, then ranked stories with their shared
// terms and duplicates.
void PrintSimilar(const v1::SimilarStoriesResponse& response);

// Ranked stories with why they are recommended; unknown history ids go to
// stderr as a warning.
void PrintRecommended(const v1::RecommendResponse& response);

// Each cluster's label, size, keywords and headlines, then the rest. With
// no clusters, "No clusters." followed by `why_empty`, if any.
void PrintClusters(const v1::TopicClustersResponse& response, absl::string_view why_empty = "");

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

}  // namespace storyline::cli

#endif  // STORYLINE_CLIENT_CLI_PRINTERS_H_
