// Keeps every StoryService reply under a byte limit (--max_response_bytes).
//
// Search and SimilarStories replies with article bodies are trimmed: bodies
// are left out from the last result backwards until the reply fits, and the
// reply says so (`truncated`, `truncation_note`). A reply that is still too
// big, or any other reply over the limit, is refused with
// RESOURCE_EXHAUSTED and a message that says what to ask for instead.
//
// Thread-safety: pure functions of their arguments.
#ifndef STORYLINE_SERVER_RESPONSE_CAP_H_
#define STORYLINE_SERVER_RESPONSE_CAP_H_

#include <google/protobuf/message.h>

#include <cstddef>

#include "absl/status/status.h"
#include "storyline/v1/story_service.pb.h"

namespace storyline::server {

// The default limit: 16 MiB.
inline constexpr size_t kDefaultMaxResponseBytes = size_t{16} << 20;

// OK if `reply` (possibly trimmed) is at most `max_bytes` serialized;
// otherwise kResourceExhausted naming `method`. A `max_bytes` of 0 means
// no limit.
absl::Status FitResponse(const char* method, size_t max_bytes, v1::SearchResponse* reply);
absl::Status FitResponse(const char* method, size_t max_bytes, v1::SimilarStoriesResponse* reply);
absl::Status FitResponse(const char* method, size_t max_bytes, google::protobuf::Message* reply);

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_RESPONSE_CAP_H_
