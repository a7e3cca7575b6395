#include "server/json_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/details/log_msg.h>

#include <chrono>
#include <regex>
#include <string>

#include "absl/strings/str_cat.h"

namespace storyline::server {
namespace {

const std::regex kIso8601(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d)");

std::string Format(spdlog::level::level_enum level, const std::string& text) {
  spdlog::details::log_msg msg(spdlog::source_loc{}, "", level, text);
  spdlog::memory_buf_t out;
  JsonLogFormatter().format(msg, out);
  return std::string(out.data(), out.size());
}

TEST(JsonLogTest, ParsesFormatNames) {
  EXPECT_EQ(*ParseLogFormat("text"), LogFormat::kText);
  EXPECT_EQ(*ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_EQ(ParseLogFormat("xml").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(JsonLogTest, ParsesLevelNamesAndRefusesUnknownOnes) {
  EXPECT_EQ(*ParseLogLevel("trace"), spdlog::level::trace);
  EXPECT_EQ(*ParseLogLevel("debug"), spdlog::level::debug);
  EXPECT_EQ(*ParseLogLevel("info"), spdlog::level::info);
  EXPECT_EQ(*ParseLogLevel("warn"), spdlog::level::warn);
  EXPECT_EQ(*ParseLogLevel("error"), spdlog::level::err);
  EXPECT_EQ(*ParseLogLevel("off"), spdlog::level::off);
  // spdlog's from_str would turn these into "off" and silence everything.
  for (const char* bad : {"verbose", "INFO", "", "warning", "err"}) {
    const absl::StatusOr<spdlog::level::level_enum> level = ParseLogLevel(bad);
    EXPECT_EQ(level.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(
        level.status().message(),
        absl::StrCat("--log_level is \"", bad, "\"; use trace, debug, info, warn, error or off"));
  }
}

TEST(JsonLogTest, TimestampsCarryTheirZone) {
  const std::string ts = Iso8601(std::chrono::system_clock::now());
  EXPECT_TRUE(std::regex_match(ts, kIso8601)) << ts;
}

TEST(JsonLogTest, PlainMessagesBecomeEscapedMsgFields) {
  const std::string line = Format(spdlog::level::warn, "a \"quoted\"\nline\x01 \xff");
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);  // one line
  nlohmann::json parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["level"], "warning");
  EXPECT_TRUE(std::regex_match(parsed["ts"].get<std::string>(), kIso8601));
  EXPECT_EQ(parsed["msg"].get<std::string>().substr(0, 16), "a \"quoted\"\nline\x01");
}

TEST(JsonLogTest, StructuredRecordsMergeTheirFields) {
  nlohmann::ordered_json fields = {{"event", "rpc"}, {"method", "Search"}, {"latency_ms", 1.5}};
  const std::string line = Format(spdlog::level::info, StructuredRecord(fields));
  nlohmann::json parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["level"], "info");
  EXPECT_EQ(parsed["event"], "rpc");
  EXPECT_EQ(parsed["method"], "Search");
  EXPECT_DOUBLE_EQ(parsed["latency_ms"].get<double>(), 1.5);
  EXPECT_FALSE(parsed.contains("msg"));
  // An empty structured record is still a valid object.
  EXPECT_TRUE(nlohmann::json::parse(
                  Format(spdlog::level::info, StructuredRecord(nlohmann::ordered_json::object())))
                  .is_object());
}

}  // namespace
}  // namespace storyline::server
