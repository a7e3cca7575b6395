#include "server/story_paging.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "index/schema.h"
#include "server/proto_convert.h"
#include "server/search_fingerprint.h"

namespace storyline::server {
namespace {

// The fingerprint of `request` with its page token and page size cleared:
// what must stay the same from page to page.
template <typename Request>
uint64_t RequestFingerprint(const Request& request) {
  Request copy = request;
  copy.clear_page_token();
  copy.clear_page_size();
  std::string bytes;
  // No map fields, so the encoding is canonical.
  copy.SerializeToString(&bytes);
  return Fingerprint(absl::StrCat(Request::descriptor()->full_name(), "\x1f", bytes));
}

// The slice for `request` and its token's position, if it has a token.
template <typename Request>
absl::StatusOr<PageSlice> DecodeSlice(const Request& request, int page_size,
                                      const PageTokenCodec& tokens, absl::Time now) {
  PageSlice slice{.page_size = page_size, .fingerprint = RequestFingerprint(request)};
  if (request.page_token().empty()) return slice;
  ASSIGN_OR_RETURN(const PagePosition position,
                   tokens.Decode(request.page_token(), slice.fingerprint, now));
  slice.offset = position.offset;
  slice.reference_time = position.reference_time;
  return slice;
}

// How many stories to ask the index for: to the end of the page, and one
// more to learn whether another page follows.
int Depth(const PageSlice& slice) {
  return static_cast<int>(
      std::min<int64_t>(index::kMaxPageSize, slice.offset + slice.page_size + 1));
}

// Keeps the slice's page of `hits`; returns the next page's token, or ""
// when the page is the last.
template <typename Hit>
std::string KeepPage(std::vector<Hit>* hits, const PageSlice& slice, const PageTokenCodec& tokens,
                     absl::Time now) {
  const auto begin = static_cast<size_t>(std::min<int64_t>(slice.offset, hits->size()));
  hits->erase(hits->begin(), hits->begin() + static_cast<std::ptrdiff_t>(begin));
  const bool more = hits->size() > static_cast<size_t>(slice.page_size) &&
                    slice.offset + slice.page_size < index::kMaxPageSize;
  if (hits->size() > static_cast<size_t>(slice.page_size)) hits->resize(slice.page_size);
  if (!more) return std::string();
  return tokens.Encode(
      slice.fingerprint,
      {.offset = slice.offset + slice.page_size, .reference_time = slice.reference_time}, now);
}

}  // namespace

absl::StatusOr<SimilarCall> ToSimilarCall(const v1::SimilarStoriesRequest& request,
                                          const PageTokenCodec& tokens, absl::Time now,
                                          absl::Time deadline) {
  ASSIGN_OR_RETURN(index::SimilarParams params, ToSimilarParams(request, deadline));
  ASSIGN_OR_RETURN(PageSlice slice, DecodeSlice(request, params.page_size, tokens, now));
  params.page_size = Depth(slice);
  return SimilarCall{.params = std::move(params), .slice = slice};
}

void ToSimilarPage(index::SimilarResults results, const SimilarCall& call,
                   const PageTokenCodec& tokens, absl::Time now,
                   v1::SimilarStoriesResponse* response) {
  std::string next = KeepPage(&results.hits, call.slice, tokens, now);
  ToSimilarResponse(std::move(results), response);
  response->set_next_page_token(std::move(next));
}

absl::StatusOr<RecommendCall> ToRecommendCall(const v1::RecommendRequest& request,
                                              const PageTokenCodec& tokens, absl::Time now,
                                              absl::Time deadline) {
  // Checks first, so a bad request is reported before a bad token.
  RETURN_IF_ERROR(ToRecommendParams(request, now, deadline).status());
  ASSIGN_OR_RETURN(PageSlice slice, DecodeSlice(request, 0, tokens, now));
  if (!request.has_as_of() && !slice.reference_time) slice.reference_time = now;
  ASSIGN_OR_RETURN(index::RecommendParams params,
                   ToRecommendParams(request, slice.reference_time.value_or(now), deadline));
  slice.page_size = params.page_size;
  params.page_size = Depth(slice);
  return RecommendCall{.params = std::move(params), .slice = slice};
}

void ToRecommendPage(index::RecommendResults results, const RecommendCall& call,
                     const PageTokenCodec& tokens, absl::Time now,
                     v1::RecommendResponse* response) {
  std::string next = KeepPage(&results.hits, call.slice, tokens, now);
  ToRecommendResponse(std::move(results), response);
  response->set_next_page_token(std::move(next));
}

}  // namespace storyline::server
