// Fuzzes a Search request the way the server runs it: validation and
// conversion (server/proto_convert: ToSearchParams, ToSearchResponse), query
// parsing, filters, facets, ordering, snippets, explanations and paging on
// a Searcher over the small fuzz index; and, with the same query and
// filter, TopicClusters (ToClusterParams, Searcher::Clusters).
//
// Input (FuzzedDataProvider): option bytes are read from the end (flags,
// page size, order, then what the flags ask for); strings from the front,
// each ended by a backslash and one more byte (query, page token, facet,
// topic, source). A file of plain text is a query with default options.
//
// Checks: nothing crashes or trips a sanitizer; a valid request never fails
// with anything but kInvalidArgument (or kDeadlineExceeded); a page holds at
// most page_size hits; every string in a response is valid UTF-8 when the
// query is (clients reject it otherwise); and the next_page_token a
// response carries is accepted for the same request.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "fuzz/fuzz_index.h"
#include "server/page_token.h"
#include "server/proto_convert.h"
#include "storyline/v1/story_service.pb.h"

namespace storyline::fuzz {
namespace {

// Flags (the last input byte).
constexpr uint8_t kIncludeBody = 1 << 0;
constexpr uint8_t kExplain = 1 << 1;
constexpr uint8_t kAfter = 1 << 2;
constexpr uint8_t kBefore = 1 << 3;
constexpr uint8_t kHalfLife = 1 << 4;
constexpr uint8_t kNextPage = 1 << 5;
constexpr uint8_t kClusters = 1 << 6;
constexpr uint8_t kDeadline = 1 << 7;

// Seconds around the valid Timestamp range (years 1..9999), so both sides
// of the validation are reached.
constexpr int64_t kMinSeconds = -62135596800LL - 100;
constexpr int64_t kMaxSeconds = 253402300799LL + 100;

void SetTime(FuzzedDataProvider& in, google::protobuf::Timestamp* t) {
  // Mostly near the fuzz articles' dates, sometimes anywhere.
  if (in.ConsumeBool()) {
    t->set_seconds(in.ConsumeIntegralInRange<int64_t>(1737000000, 1752000000));
  } else {
    t->set_seconds(in.ConsumeIntegralInRange<int64_t>(kMinSeconds, kMaxSeconds));
  }
  t->set_nanos(in.ConsumeIntegralInRange<int32_t>(-1, 1000000000));
}

void CheckResponseText(const v1::SearchResponse& r) {
  for (const v1::SearchResult& hit : r.results()) {
    Check(IsValidUtf8(hit.snippet()), "snippet is not valid UTF-8");
    for (const v1::TermWeight& w : hit.explanation()) {
      Check(IsValidUtf8(w.term()), "explanation term is not valid UTF-8");
    }
  }
  Check(IsValidUtf8(r.corrected_query()), "corrected_query is not valid UTF-8");
  for (const v1::FacetResult& f : r.facets()) {
    for (const auto& v : f.values()) Check(IsValidUtf8(v.value()), "facet value not UTF-8");
  }
}

void CheckErrorCode(const absl::Status& s, const char* what) {
  Check(s.code() == absl::StatusCode::kInvalidArgument ||
            s.code() == absl::StatusCode::kDeadlineExceeded,
        what);
}

void RunClusters(FuzzedDataProvider& in, const v1::SearchRequest& search, absl::Time deadline,
                 bool debug) {
  v1::TopicClustersRequest req;
  req.set_query(search.query());
  *req.mutable_filter() = search.filter();
  req.set_max_documents(in.ConsumeIntegralInRange<int32_t>(-1, 40));
  req.set_cluster_count(in.ConsumeIntegralInRange<int32_t>(-1, 51));
  req.set_stories_per_cluster(in.ConsumeIntegralInRange<int32_t>(-1, 5));
  req.set_seed(in.ConsumeIntegral<uint64_t>());
  if (debug) std::fprintf(stderr, "TopicClustersRequest {\n%s}\n", req.DebugString().c_str());
  auto params = server::ToClusterParams(req, deadline);
  if (!params.ok()) {
    Check(params.status().code() == absl::StatusCode::kInvalidArgument,
          "ToClusterParams failed with a code other than kInvalidArgument");
    return;
  }
  auto clusters = FuzzSearcher().Clusters(*params);
  if (!clusters.ok()) {
    CheckErrorCode(clusters.status(), "Clusters failed unexpectedly");
    return;
  }
  v1::TopicClustersResponse reply;
  server::ToClusterResponse(std::move(*clusters), &reply);
  Check(reply.clusters_size() <= 50, "more clusters than the maximum");
  for (const v1::TopicCluster& c : reply.clusters()) {
    Check(IsValidUtf8(c.label()), "cluster label is not valid UTF-8");
    for (const auto& k : c.keywords()) Check(IsValidUtf8(k.term()), "keyword not UTF-8");
  }
}

}  // namespace
}  // namespace storyline::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  storyline::fuzz::FuzzSearcher();  // build the index before the first input
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace storyline;
  using namespace storyline::fuzz;
  static const server::PageTokenCodec tokens("fuzz page token key");
  FuzzedDataProvider in(data, size);

  const uint8_t flags = in.ConsumeIntegral<uint8_t>();
  v1::SearchRequest req;
  req.set_page_size(in.ConsumeIntegralInRange<int32_t>(-1, 101));
  req.set_order_by(static_cast<v1::OrderBy>(in.ConsumeIntegralInRange<int>(0, 4)));
  req.set_include_body(flags & kIncludeBody);
  req.set_explain(flags & kExplain);
  if (flags & kAfter) SetTime(in, req.mutable_filter()->mutable_published_after());
  if (flags & kBefore) SetTime(in, req.mutable_filter()->mutable_published_before());
  if (flags & kHalfLife) {
    req.mutable_recency_half_life()->set_seconds(in.ConsumeIntegralInRange<int64_t>(-1, 4e9));
    req.mutable_recency_half_life()->set_nanos(in.ConsumeIntegralInRange<int32_t>(-1, 999999999));
  }
  // A deadline that has passed, or one an hour away (Xapian's time limit
  // is set, but the result stays deterministic).
  absl::Time deadline = absl::InfiniteFuture();
  if (flags & kDeadline)
    deadline = absl::Now() + (in.ConsumeBool() ? absl::Hours(1) : -absl::Seconds(1));

  req.set_query(in.ConsumeRandomLengthString(5000));
  req.set_page_token(in.ConsumeRandomLengthString(100));
  for (int i = 0, n = in.ConsumeIntegralInRange(0, 2); i < n; ++i) {
    req.add_facets(in.ConsumeRandomLengthString(20));
  }
  for (int i = 0, n = in.ConsumeIntegralInRange(0, 2); i < n; ++i) {
    req.mutable_filter()->add_topics(in.ConsumeRandomLengthString(20));
  }
  for (int i = 0, n = in.ConsumeIntegralInRange(0, 2); i < n; ++i) {
    req.mutable_filter()->add_sources(in.ConsumeRandomLengthString(20));
  }

  // STORYLINE_FUZZ_DEBUG=1 prints the request an input stands for.
  static const bool debug = std::getenv("STORYLINE_FUZZ_DEBUG") != nullptr;
  if (debug) std::fprintf(stderr, "SearchRequest {\n%s}\n", req.DebugString().c_str());

  const absl::Time now = FuzzNow();
  auto params = server::ToSearchParams(req, tokens, now, deadline);
  if (!params.ok()) {
    Check(params.status().code() == absl::StatusCode::kInvalidArgument,
          "ToSearchParams failed with a code other than kInvalidArgument");
    return 0;
  }
  auto results = FuzzSearcher().Search(*params);
  if (!results.ok()) {
    CheckErrorCode(results.status(), "Search failed unexpectedly");
    return 0;
  }
  Check(results->hits.size() <= static_cast<size_t>(params->page_size), "page too long");
  v1::SearchResponse reply;
  server::ToSearchResponse(std::move(*results), *params, tokens, now, &reply);
  if (IsValidUtf8(req.query())) CheckResponseText(reply);

  if ((flags & kNextPage) && !reply.next_page_token().empty()) {
    v1::SearchRequest next = req;
    next.set_page_token(reply.next_page_token());
    auto next_params = server::ToSearchParams(next, tokens, now, deadline);
    Check(next_params.ok(), "a next_page_token was refused for the same request");
    Check(next_params->offset == params->offset + params->page_size,
          "the next page does not start where this one ended");
    auto page = FuzzSearcher().Search(*next_params);
    if (!page.ok()) CheckErrorCode(page.status(), "the next page failed unexpectedly");
  }
  if (flags & kClusters) RunClusters(in, req, deadline, debug);
  return 0;
}
