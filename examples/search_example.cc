// Minimal program embedding the Storyline client library: checks the
// server's health, runs one search and prints the top headlines.
//
//   search_example [ADDRESS] [QUERY]
#include <iostream>
#include <string>

#include "storyline/client.h"

int main(int argc, char** argv) {
  const std::string address = argc > 1 ? argv[1] : "localhost:50051";
  const std::string query = argc > 2 ? argv[2] : "tidal barrage";

  storyline::Client client({.target = address, .default_deadline = absl::Seconds(5)});
  if (absl::Status health = client.CheckHealth(); !health.ok()) {
    std::cerr << "server not healthy: " << health << "\n";
    return 1;
  }

  storyline::v1::SearchRequest request;
  request.set_query(query);
  request.set_page_size(5);
  absl::StatusOr<storyline::v1::SearchResponse> response = client.Search(request);
  if (!response.ok()) {
    std::cerr << "search failed: " << response.status() << "\n";
    return 1;
  }
  std::cout << "About " << response->total_size() << " results for \"" << query << "\"\n";
  for (const storyline::v1::SearchResult& result : response->results()) {
    std::cout << "  " << result.article().id() << "  " << result.article().title() << "\n";
  }
  return response->results_size() > 0 ? 0 : 2;
}
