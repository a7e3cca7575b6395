#include "bench/storyline_bench/generate_jsonl.h"

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace storyline::bench {
namespace {

void AppendField(absl::string_view name, absl::string_view value, std::string* out) {
  out->push_back(',');
  AppendJsonString(name, out);
  out->push_back(':');
  AppendJsonString(value, out);
}

}  // namespace

void AppendJsonString(absl::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (c == '\n') {
      out->append("\\n");
    } else if (u < 0x20) {
      out->append("\\u00");
      out->push_back(kHex[u >> 4]);
      out->push_back(kHex[u & 0xF]);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

std::string FormatUtcSeconds(int64_t seconds) {
  const absl::CivilSecond t =
      absl::ToCivilSecond(absl::FromUnixSeconds(seconds), absl::UTCTimeZone());
  return absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02dZ", t.year(), t.month(), t.day(), t.hour(),
                         t.minute(), t.second());
}

void AppendArticleJsonLine(const GeneratedArticle& article, std::string* out) {
  out->append("{\"id\":");
  AppendJsonString(article.id, out);
  AppendField("title", article.title, out);
  AppendField("body", article.body, out);
  AppendField("topic", article.topic, out);
  AppendField("source", article.source, out);
  AppendField("publish_time", FormatUtcSeconds(article.publish_seconds), out);
  out->append("}\n");
}

}  // namespace storyline::bench
