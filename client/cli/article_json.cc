#include "client/cli/article_json.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/cli/output.h"

namespace storyline::cli {
namespace {

using google::protobuf::FieldDescriptor;

// Values quoted in a reason are cut to this many bytes.
constexpr size_t kMaxQuotedBytes = 60;

absl::Status ParseInto(absl::string_view json, google::protobuf::Message* message,
                       bool ignore_unknown_fields) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = ignore_unknown_fields;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), message, options);
  if (status.ok()) return absl::OkStatus();
  return absl::InvalidArgumentError(std::string(FirstLine(status.message().as_string())));
}

// `value` as the user wrote it: a string in single quotes, anything else
// as JSON; cut short and made safe to print.
std::string Quote(const google::protobuf::Value& value) {
  std::string text;
  if (value.kind_case() == google::protobuf::Value::kStringValue) {
    text = value.string_value();
  } else {
    (void)google::protobuf::util::MessageToJsonString(value, &text);
  }
  if (text.size() > kMaxQuotedBytes) text = text.substr(0, kMaxQuotedBytes) + "...";
  text = Sanitize(text);
  return value.kind_case() == google::protobuf::Value::kStringValue ? absl::StrCat("'", text, "'")
                                                                    : text;
}

const FieldDescriptor* FindField(const std::string& key) {
  const google::protobuf::Descriptor* article = v1::Article::descriptor();
  for (int i = 0; i < article->field_count(); ++i) {
    const FieldDescriptor* field = article->field(i);
    if (field->name() == key || field->json_name() == key) return field;
  }
  return nullptr;
}

std::string FieldList() {
  const google::protobuf::Descriptor* article = v1::Article::descriptor();
  std::string names;
  for (int i = 0; i < article->field_count(); ++i) {
    absl::StrAppend(&names, i > 0 ? ", " : "", article->field(i)->name());
  }
  return names;
}

// Why `value` does not fit `field`; `protobuf_reason` is the fallback.
std::string FieldReason(const FieldDescriptor& field, const google::protobuf::Value& value,
                        absl::string_view protobuf_reason) {
  const std::string quoted = Quote(value);
  if (field.message_type() == google::protobuf::Timestamp::descriptor()) {
    return absl::StrCat(field.name(), ": ", quoted,
                        " is not an RFC 3339 time, e.g. 2024-05-01T12:00:00Z");
  }
  if (field.is_repeated() && value.kind_case() != google::protobuf::Value::kListValue) {
    return absl::StrCat(field.name(), ": expected a list of strings such as [\"a\", \"b\"], got ",
                        quoted);
  }
  if (field.is_repeated()) {
    return absl::StrCat(field.name(), ": expected a list of strings, got ", quoted);
  }
  if (field.type() == FieldDescriptor::TYPE_STRING) {
    return absl::StrCat(field.name(), ": expected a string, got ", quoted);
  }
  return absl::StrCat(field.name(), ": ", Sanitize(protobuf_reason));
}

// The keys of `object` in the order they appear in `line` (a protobuf Map
// has no order; the first bad field of the line is the one to report).
std::vector<std::string> KeysInLineOrder(const google::protobuf::Struct& object,
                                         absl::string_view line) {
  std::vector<std::pair<size_t, std::string>> keys;
  for (const auto& [key, value] : object.fields()) {
    keys.emplace_back(line.find(absl::StrCat("\"", key, "\"")), key);
  }
  std::sort(keys.begin(), keys.end());
  std::vector<std::string> out;
  for (auto& [position, key] : keys) out.push_back(std::move(key));
  return out;
}

// Why `line`, which protobuf refused with `protobuf_reason`, is not an
// Article: the first field at fault, or protobuf's reason.
std::string Explain(absl::string_view line, bool ignore_unknown_fields,
                    absl::string_view protobuf_reason) {
  google::protobuf::Struct object;
  if (!ParseInto(line, &object, false).ok()) {
    return absl::StrCat("not a JSON object: ", Sanitize(protobuf_reason));
  }
  for (const std::string& key : KeysInLineOrder(object, line)) {
    const FieldDescriptor* field = FindField(key);
    if (field == nullptr) {
      if (ignore_unknown_fields) continue;
      return absl::StrCat("unknown field \"", Sanitize(key), "\" (Article fields: ", FieldList(),
                          "); --ignore_unknown_fields skips unknown fields");
    }
    google::protobuf::Struct alone;
    (*alone.mutable_fields())[key] = object.fields().at(key);
    std::string json;
    if (!google::protobuf::util::MessageToJsonString(alone, &json).ok()) continue;
    v1::Article article;
    if (absl::Status s = ParseInto(json, &article, false); !s.ok()) {
      return FieldReason(*field, object.fields().at(key), s.message());
    }
  }
  return absl::StrCat("not a valid Article: ", Sanitize(protobuf_reason));
}

}  // namespace

absl::StatusOr<v1::Article> ParseArticleLine(absl::string_view line, bool ignore_unknown_fields) {
  v1::Article article;
  absl::Status status = ParseInto(line, &article, ignore_unknown_fields);
  if (status.ok()) return article;
  return absl::InvalidArgumentError(Explain(line, ignore_unknown_fields, status.message()));
}

}  // namespace storyline::cli
