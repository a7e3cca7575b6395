// A small source corpus for the generate tests, written as JSONL files in
// two folders: `wire/` (topics "business" and "sport", one publisher) and
// `abstracts/` (no topic, no source, so both default to "abstracts"); the
// wire's "flash" topic has two articles of one sentence.
#ifndef STORYLINE_TESTS_BENCH_GENERATE_FIXTURE_H_
#define STORYLINE_TESTS_BENCH_GENERATE_FIXTURE_H_

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace storyline::testing {

inline const std::vector<std::string>& BusinessSentences() {
  static const auto* const kSentences = new std::vector<std::string>{
      "Shares of the tidal energy company rose sharply after the results.",
      "The central bank held interest rates at four percent for a third month.",
      "Analysts said the merger would create the largest brewer in Europe.",
      "Quarterly profits at the media group fell by a fifth on weaker advertising.",
      "The chief executive said the firm would cut two thousand jobs next year.",
      "Oil prices climbed above ninety dollars a barrel on supply worries.",
      "The retailer warned that sales over the holiday season had been \"disappointing\".",
      "Investors sold bonds as inflation figures came in higher than expected."};
  return *kSentences;
}

inline const std::vector<std::string>& SportSentences() {
  static const auto* const kSentences = new std::vector<std::string>{
      "The striker scored twice in the second half to seal the win.",
      "Rain delayed the final match of the tournament by three hours.",
      "The coach said his young players had shown great character today.",
      "A late penalty decided the derby in front of a record crowd.",
      "The champion withdrew from the race with a knee injury on Sunday.",
      "Both teams struggled to create chances in a tense first half.",
      "The club confirmed that its captain had signed a new contract.",
      "Fans queued overnight for tickets to the cup final in Cardiff."};
  return *kSentences;
}

inline const std::vector<std::string>& AbstractSentences() {
  static const auto* const kSentences = new std::vector<std::string>{
      "an experimental study of a wing in a propeller slipstream was made .",
      "the boundary layer on a flat plate was measured at high speeds .",
      "the results agree well with the approximate theory given earlier .",
      "heat transfer rates were found to depend on the nose radius .",
      "a simple method is presented for the flutter of swept wings .",
      "pressure distributions were obtained for several angles of attack ."};
  return *kSentences;
}

// `count` articles whose bodies are rotations of `sentences` (with a
// paragraph break and a line quoting another post, which the generator
// must skip), as JSONL lines with the given extra fields.
inline std::string FixtureArticles(const std::string& prefix, const std::string& title_stem,
                                   const std::vector<std::string>& sentences,
                                   const std::string& extra_fields, int count) {
  std::string lines;
  for (int i = 0; i < count; ++i) {
    std::vector<std::string> body;
    for (size_t k = 0; k < sentences.size(); ++k) {
      body.push_back(sentences[(i + k) % sentences.size()]);
    }
    const auto split = body.begin() + std::min<ptrdiff_t>(3, body.size());
    const std::string text = absl::StrCat(absl::StrJoin(body.begin(), split, " "),
                                          "\\n\\n> a quoted line from another post\\n",
                                          absl::StrJoin(split, body.end(), "\\n"));
    absl::StrAppend(&lines, "{\"id\":\"", prefix, i, "\",\"title\":\"", title_stem, " number ", i,
                    " of the week\",\"body\":\"", text, "\"", extra_fields, "}\n");
  }
  return lines;
}

inline std::string Escaped(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == '"') out += '\\';
    out += c;
  }
  return out;
}

inline std::vector<std::string> EscapedAll(const std::vector<std::string>& v) {
  std::vector<std::string> out;
  for (const std::string& s : v) out.push_back(Escaped(s));
  return out;
}

// Writes the fixture under `dir` (which must exist).
inline void WriteFixtureCorpus(const std::string& dir) {
  std::filesystem::create_directories(dir + "/wire");
  std::filesystem::create_directories(dir + "/abstracts");
  std::ofstream wire(dir + "/wire/articles.jsonl");
  wire << FixtureArticles("w-b-", "Markets rally as bank holds rates",
                          EscapedAll(BusinessSentences()),
                          R"(,"topic":"business","source":"Wire Agency")", 6)
       << FixtureArticles("w-s-", "Late goal wins the derby for the home side",
                          EscapedAll(SportSentences()),
                          R"(,"topic":"sport","source":"Wire Agency")", 6);
  // Wire flashes: one sentence each, so bodies repeat unless redrawn.
  std::ofstream flashes(dir + "/wire/flashes.jsonl");
  flashes << FixtureArticles("w-f-", "Flash", {"The market closed higher on Friday afternoon."},
                             R"(,"topic":"flash","source":"Wire Agency")", 1)
          << FixtureArticles("w-g-", "Flash", {"Storms closed the airport for the whole day."},
                             R"(,"topic":"flash","source":"Wire Agency")", 1);
  std::ofstream abstracts(dir + "/abstracts/articles.jsonl");
  abstracts << FixtureArticles("a-", "flutter of swept wings at high speed", AbstractSentences(),
                               "", 4);
}

}  // namespace storyline::testing

#endif  // STORYLINE_TESTS_BENCH_GENERATE_FIXTURE_H_
