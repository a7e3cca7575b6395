#include "server/json_log.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace storyline::server {
namespace {

// Starts a structured record's message; never the first byte of ordinary
// log text.
constexpr char kStructuredMarker = '\x1e';

// The text format's pattern: ISO 8601 time with the zone offset, level,
// message.
constexpr char kTextPattern[] = "%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v";

}  // namespace

absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat("--log_format is \"", name, "\"; use \"text\" or \"json\""));
}

absl::StatusOr<spdlog::level::level_enum> ParseLogLevel(absl::string_view name) {
  using spdlog::level::level_enum;
  static constexpr std::pair<absl::string_view, level_enum> kLevels[] = {
      {"trace", level_enum::trace}, {"debug", level_enum::debug}, {"info", level_enum::info},
      {"warn", level_enum::warn},   {"error", level_enum::err},   {"off", level_enum::off}};
  for (const auto& [level_name, level] : kLevels) {
    if (name == level_name) return level;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--log_level is \"", name, "\"; use trace, debug, info, warn, error or off"));
}

void SetLogFormat(LogFormat format) {
  if (format == LogFormat::kJson) {
    spdlog::set_formatter(std::make_unique<JsonLogFormatter>());
  } else {
    spdlog::set_pattern(kTextPattern);
  }
}

std::string Iso8601(std::chrono::system_clock::time_point time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3S%Ez", absl::FromChrono(time), absl::LocalTimeZone());
}

std::string DumpJson(const nlohmann::ordered_json& value) {
  return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string StructuredRecord(const nlohmann::ordered_json& fields) {
  return absl::StrCat(std::string(1, kStructuredMarker), DumpJson(fields));
}

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  const absl::string_view payload(msg.payload.data(), msg.payload.size());
  const spdlog::string_view_t level = spdlog::level::to_string_view(msg.level);
  std::string line = absl::StrCat("{\"ts\":\"", Iso8601(msg.time), "\",\"level\":\"",
                                  absl::string_view(level.data(), level.size()), "\"");
  if (payload.size() > 2 && payload[0] == kStructuredMarker && payload[1] == '{') {
    // The fields object without its opening brace: `,"event":...}`.
    const absl::string_view fields = payload.substr(2);
    if (fields != "}") absl::StrAppend(&line, ",");
    absl::StrAppend(&line, fields);
  } else {
    absl::StrAppend(&line, ",\"msg\":", DumpJson(std::string(payload)), "}");
  }
  line.push_back('\n');
  dest.append(line.data(), line.data() + line.size());
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>();
}

}  // namespace storyline::server
