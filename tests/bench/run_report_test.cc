// The run report's JSON, CSV and table, and the sweep's SVG.
#include "bench/storyline_bench/run_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "bench/storyline_bench/svg_plot.h"

namespace storyline::bench {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

RunResult Sample() {
  RunResult r;
  r.warmup_seconds = 1;
  r.measured_seconds = 2;
  MethodStats& search = r.per_method[static_cast<int>(Method::kSearch)];
  for (int i = 1; i <= 100; ++i) search.ok_latency.Record(i * 100'000);  // 0.1 .. 10 ms
  search.errors[grpc::StatusCode::UNAVAILABLE] = 3;
  r.per_method[static_cast<int>(Method::kStats)].rejected = 2;
  r.seconds.resize(4);
  r.seconds[1].ok_latency.Record(2'000'000);
  r.seconds[2].errors = 1;
  return r;
}

TEST(RunReportTest, JsonHasSettingsTotalsMethodsAndErrorsByCode) {
  const std::string json = FormatRunJson(Sample(), {{"mix", JsonString("search=1")}});
  EXPECT_THAT(json, HasSubstr(R"({"settings":{"mix":"search=1"},"seconds":2.000,)"));
  EXPECT_THAT(json, HasSubstr(R"("ok_per_second":50.0,)"));
  EXPECT_THAT(json, HasSubstr(R"("search":{"ok":100,"rejected":0,"errors":3,)"
                              R"("errors_by_code":{"UNAVAILABLE":3},)"));
  EXPECT_THAT(json, HasSubstr(R"("p50":4.997,)"));
  EXPECT_THAT(json, HasSubstr(R"("max":10.000,)"));
  EXPECT_THAT(json, HasSubstr(R"("stats":{"ok":0,"rejected":2,)"));
  EXPECT_THAT(json, Not(HasSubstr(R"("get")")));
}

TEST(RunReportTest, CsvHasARowPerTimedSecond) {
  EXPECT_EQ(FormatRunCsv(Sample()),
            "t,ok,errors,p50_ms,p99_ms\n"
            "2,1,0,2.000,2.000\n"
            "3,0,1,0.000,0.000\n");
}

TEST(RunReportTest, TableSaysWhenEveryCallFailed) {
  const std::string table = FormatRunTable(Sample());
  EXPECT_THAT(table, HasSubstr("search     ok=100 rejected=0 errors=3  50.0 ok/s  p50 4.997 ms"));
  EXPECT_THAT(table, HasSubstr("errors by code: UNAVAILABLE 3\n"));
  EXPECT_THAT(table, HasSubstr("stats      ok=0 rejected=2 errors=0  every call failed\n"));
  EXPECT_THAT(table, HasSubstr("all        ok=100 rejected=2 errors=3"));
}

TEST(RunReportTest, JsonStringsAreEscaped) {
  EXPECT_EQ(JsonString("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
}

TEST(SvgPlotTest, DrawsBothLinesTheBoundAndALegend) {
  const std::string svg =
      LatencyThroughputSvg({{100, 1, 2}, {200, 1.5, 4}, {400, 3, 12}}, {"sweep <test>", 10});
  EXPECT_THAT(svg, HasSubstr("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_THAT(svg, HasSubstr("sweep &lt;test&gt;"));
  EXPECT_THAT(svg, HasSubstr("stroke-dasharray=\"6 4\""));
  EXPECT_THAT(svg, HasSubstr(">p50</text>"));
  EXPECT_THAT(svg, HasSubstr(">p99</text>"));
  EXPECT_THAT(svg, HasSubstr(">400</text>"));  // an x tick at the top rate
  EXPECT_THAT(svg, HasSubstr("</svg>"));
}

TEST(SvgPlotTest, NiceTicksCoverTheRange) {
  EXPECT_EQ(NiceTicks(9.5), (std::vector<double>{0, 2, 4, 6, 8, 10}));
  EXPECT_EQ(NiceTicks(1234), (std::vector<double>{0, 500, 1000, 1500}));
}

}  // namespace
}  // namespace storyline::bench
