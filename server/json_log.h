// Log line formats (--log_format): the human-readable text lines, or one
// JSON object per line for log shippers.
//
// In JSON every record is {"ts": ..., "level": ..., "msg": ...}. Structured
// records (made with StructuredRecord()) carry their own fields instead of
// "msg", e.g. one per RPC: {"ts": ..., "level": "info", "event": "rpc",
// "method": "Search", "code": "OK", "latency_ms": 1.2, ...}. Timestamps are
// ISO 8601 in the local time zone with its offset
// ("2026-12-01T15:04:05.123+00:00") in both formats.
//
// Thread-safety: the formatter is used under spdlog's sink lock; the
// functions are pure.
#ifndef STORYLINE_SERVER_JSON_LOG_H_
#define STORYLINE_SERVER_JSON_LOG_H_

#include <spdlog/common.h>
#include <spdlog/formatter.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace storyline::server {

enum class LogFormat { kText, kJson };

// "text" or "json"; kInvalidArgument otherwise.
absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view name);

// "trace", "debug", "info", "warn", "error" or "off"; kInvalidArgument
// naming the valid values otherwise (spdlog's own parser turns an unknown
// name into "off", which would silence every log line).
absl::StatusOr<spdlog::level::level_enum> ParseLogLevel(absl::string_view name);

// Sets spdlog's default logger to `format`.
void SetLogFormat(LogFormat format);

// ISO 8601 with milliseconds and the local zone's offset.
std::string Iso8601(std::chrono::system_clock::time_point time);

// A log message that the JSON formatter renders as `fields` (an object)
// merged into the record. Under the text format it would print as JSON
// text, so text callers log their own wording instead.
std::string StructuredRecord(const nlohmann::ordered_json& fields);

// Renders `value` as JSON, replacing invalid UTF-8 rather than throwing.
std::string DumpJson(const nlohmann::ordered_json& value);

// spdlog formatter of the JSON format.
class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_JSON_LOG_H_
