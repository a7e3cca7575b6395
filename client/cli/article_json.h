// Parsing one line of `storyline ingest` input (the proto3 JSON mapping of
// storyline.v1.Article) with reasons a user can act on. Protobuf's own
// messages name neither the field nor the fix ("Invalid time format:
// yesterday for type type.googleapis.com/google.protobuf.Timestamp"); on a
// failure the line is examined field by field to say which one is wrong:
//
//   publish_time: 'yesterday' is not an RFC 3339 time, e.g. 2024-05-01T12:00:00Z
//   unknown field "tittle" (Article fields: id, title, ...); --ignore_unknown_fields skips it
//
// Thread-safety: thread-safe (no shared state).
#ifndef STORYLINE_CLIENT_CLI_ARTICLE_JSON_H_
#define STORYLINE_CLIENT_CLI_ARTICLE_JSON_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storyline/v1/article.pb.h"

namespace storyline::cli {

// Parses `line` (one JSON object). Unknown fields are an error unless
// `ignore_unknown_fields`. On bad input, kInvalidArgument whose one-line
// message names the field at fault and what it should hold.
absl::StatusOr<v1::Article> ParseArticleLine(absl::string_view line, bool ignore_unknown_fields);

}  // namespace storyline::cli

#endif  // STORYLINE_CLIENT_CLI_ARTICLE_JSON_H_
