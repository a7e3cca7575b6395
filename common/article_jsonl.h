// JSONL files of articles: one storyline.v1.Article per line in the proto3
// JSON mapping, as `storyline ingest`, the server's --seed file, the eval
// and load tools and the benchmarks read them.
//
// One definition of the format for all of them: a UTF-8 byte order mark
// before the first line is ignored, ASCII whitespace around each line
// (including the '\r' of CRLF files) is dropped, blank lines carry nothing,
// and unknown fields are rejected so typos are caught.
//
//   std::ifstream in(path);
//   storyline::common::JsonlArticleReader reader(in);
//   v1::Article article;
//   while (reader.NextArticle(&article)) { ... }  // blank and malformed lines skipped
//
// Thread-safety: ParseArticleJson is thread-safe; a JsonlArticleReader is
// thread-compatible (one thread at a time).
#ifndef STORYLINE_COMMON_ARTICLE_JSONL_H_
#define STORYLINE_COMMON_ARTICLE_JSONL_H_

#include <google/protobuf/util/json_util.h>

#include <cstdint>
#include <istream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "storyline/v1/article.pb.h"

namespace storyline::common {

// Parses one JSON object (the proto3 JSON mapping of v1::Article). On bad
// input, kInvalidArgument carrying protobuf's own message (callers add
// their context, such as the line number).
inline absl::StatusOr<v1::Article> ParseArticleJson(absl::string_view json) {
  v1::Article article;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &article, options);
  if (!status.ok()) return absl::InvalidArgumentError(status.message().as_string());
  return article;
}

// Reads a JSONL stream line by line. The line buffer is reused, so the only
// per-line allocations are the parsed Article's own.
class JsonlArticleReader {
 public:
  // `in` must outlive the reader.
  explicit JsonlArticleReader(std::istream& in) : in_(in) {}

  JsonlArticleReader(const JsonlArticleReader&) = delete;
  JsonlArticleReader& operator=(const JsonlArticleReader&) = delete;

  // Reads the next line, blank or not. False at the end of the input, or
  // when it cannot be read (then the stream's bad() is set). May throw what
  // std::getline throws (std::bad_alloc on an enormous line).
  bool NextLine() {
    if (!std::getline(in_, line_)) return false;
    ++line_number_;
    bytes_read_ += line_.size() + 1;
    text_ = line_;
    if (line_number_ == 1) absl::ConsumePrefix(&text_, kUtf8Bom);
    text_ = absl::StripAsciiWhitespace(text_);
    return true;
  }

  // The current line's number, 1-based (0 before the first NextLine).
  int64_t line_number() const { return line_number_; }
  // Input bytes consumed through the current line, line endings included.
  uint64_t bytes_read() const { return bytes_read_; }
  // The current line without the byte order mark and surrounding
  // whitespace; valid until the next NextLine.
  absl::string_view text() const { return text_; }
  // True if the current line holds nothing but whitespace.
  bool blank() const { return text_.empty(); }
  // The current line's article, or ParseArticleJson's error.
  absl::StatusOr<v1::Article> ParseLine() const { return ParseArticleJson(text_); }

  // Moves to the next line that holds a valid article and stores it in
  // `*article`, skipping blank and malformed lines. False at the end.
  bool NextArticle(v1::Article* article) {
    while (NextLine()) {
      if (blank()) continue;
      absl::StatusOr<v1::Article> parsed = ParseLine();
      if (!parsed.ok()) continue;
      *article = std::move(*parsed);
      return true;
    }
    return false;
  }

 private:
  static constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";

  std::istream& in_;
  std::string line_;
  absl::string_view text_;  // points into line_
  int64_t line_number_ = 0;
  uint64_t bytes_read_ = 0;
};

}  // namespace storyline::common

#endif  // STORYLINE_COMMON_ARTICLE_JSONL_H_
