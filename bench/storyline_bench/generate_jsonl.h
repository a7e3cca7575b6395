// Writes a generated article as one line of the JSONL article format
// (common/article_jsonl.h): the proto3 JSON mapping of storyline.v1.Article,
// the format `storyline ingest` reads.
//
// Thread-safety: pure functions.
#ifndef STORYLINE_BENCH_STORYLINE_BENCH_GENERATE_JSONL_H_
#define STORYLINE_BENCH_STORYLINE_BENCH_GENERATE_JSONL_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "bench/storyline_bench/generate_articles.h"

namespace storyline::bench {

// Appends `text` to `out` as a JSON string, quotes included. `text` must
// be UTF-8; '"', '\\' and control characters are escaped.
void AppendJsonString(absl::string_view text, std::string* out);

// Unix `seconds` as RFC 3339 in UTC: "2019-03-04T05:06:07Z".
std::string FormatUtcSeconds(int64_t seconds);

// Appends `article` as one JSON object and a '\n' to `out`.
void AppendArticleJsonLine(const GeneratedArticle& article, std::string* out);

}  // namespace storyline::bench

#endif  // STORYLINE_BENCH_STORYLINE_BENCH_GENERATE_JSONL_H_
