#include "client/cli/printers.h"

#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace storyline::cli {
namespace {

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

// "<indent><label>: a, b" when `values` is not empty.
void PrintValuesLine(absl::string_view indent, absl::string_view label,
                     const google::protobuf::RepeatedPtrField<std::string>& values) {
  if (values.empty()) return;
  std::cout << indent << label << ": " << JoinSanitized(values) << '\n';
}

// `none` if there are no stories, else each story's ranked title and id
// line, then `details(story, indent)`, with a blank line between stories.
template <typename Story, typename Details>
void PrintRankedStories(const google::protobuf::RepeatedPtrField<Story>& stories,
                        absl::string_view none, Details details) {
  if (stories.empty()) std::cout << none << '\n';
  int rank = 0;
  for (const Story& story : stories) {
    if (rank > 0) std::cout << '\n';
    const std::string indent = PrintRankedTitle(++rank, story.score(), story.article());
    std::cout << indent << ArticleLine(story.article()) << '\n';
    details(story, indent);
  }
}

// One search result below its ranked title: the id line, snippet,
// explanation and body.
void PrintSearchResult(int rank, const v1::SearchResult& result, bool ansi) {
  std::cout << '\n';
  const std::string indent = PrintRankedTitle(rank, result.score(), result.article());
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

// "Facets:" and one "  field: value (count), ..." line per facet.
void PrintFacets(const google::protobuf::RepeatedPtrField<v1::FacetResult>& facets) {
  std::cout << "\nFacets:\n";
  for (const v1::FacetResult& facet : facets) {
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

}  // namespace

void PrintSearch(const v1::SearchResponse& response, bool corrections_searched) {
  const bool ansi = StdoutWantsAnsi();
  // The correction first: it is what to read before skimming the results.
  if (!response.corrected_query().empty()) {
    std::cout << (corrections_searched ? "Including results for: " : "Did you mean: ")
              << Sanitize(response.corrected_query())
              << (corrections_searched ? " (--exact searches only what you typed)" : "") << "\n\n";
  }
  if (response.partial()) {
    std::cout << "Partial results: these shards did not answer: "
              << Sanitize(absl::StrJoin(response.missing_shards(), ", ")) << "\n\n";
  }
  if (response.results().empty() && response.total_size() == 0) {
    std::cout << "No results.\n";
  } else {
    std::cout << "About " << FormatCount(response.total_size())
              << (response.total_size() == 1 ? " result" : " results") << '\n';
  }
  int rank = 0;
  for (const v1::SearchResult& result : response.results()) {
    PrintSearchResult(++rank, result, ansi);
  }
  if (response.facets_size() > 0) PrintFacets(response.facets());
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
  if (stats.has_replica()) PrintReplica(stats.replica());
}

void PrintReplica(const v1::ReplicaStatus& replica) {
  std::cout << "replica of:  " << Sanitize(replica.writer())
            << (replica.has_copy() ? "" : " (no full copy yet: not serving)") << '\n'
            << "in sync:     ";
  if (replica.has_synced_through()) {
    std::cout << "through " << FormatTimestamp(replica.synced_through()) << ", at most "
              << absl::StrFormat("%.1f", replica.lag_seconds()) << " s behind\n";
  } else {
    std::cout << "not yet since it started\n";
  }
  if (replica.consecutive_failures() > 0) {
    std::cout << "sync failing: " << replica.consecutive_failures()
              << " rounds in a row: " << Sanitize(replica.last_error()) << '\n';
  }
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
  if (response.seed_duplicates_size() > 0) {
    std::cout << "Copies of the seed (left out): " << JoinSanitized(response.seed_duplicates())
              << "\n\n";
  }
  PrintRankedStories(response.stories(), "No similar stories.",
                     [](const v1::SimilarStory& story, const std::string& indent) {
                       PrintValuesLine(indent, "shared terms", story.shared_terms());
                       PrintValuesLine(indent, "duplicates", story.duplicates());
                     });
}

void PrintRecommended(const v1::RecommendResponse& response) {
  PrintRankedStories(response.stories(), "No recommendations.",
                     [](const v1::RecommendedStory& story, const std::string& indent) {
                       PrintValuesLine(indent, "because", story.because());
                       PrintValuesLine(indent, "shared terms", story.shared_terms());
                     });
  if (response.unknown_history_ids_size() > 0) {
    // A warning about the input rather than part of the answer.
    std::cerr << "storyline: not in the index, skipped: "
              << JoinSanitized(response.unknown_history_ids()) << '\n';
  }
}

void PrintClusters(const v1::TopicClustersResponse& response, absl::string_view why_empty) {
  if (response.clusters().empty()) {
    std::cout << "No clusters." << (why_empty.empty() ? "" : " ") << why_empty << '\n';
  }
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

}  // namespace storyline::cli
