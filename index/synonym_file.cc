#include "index/synonym_file.h"

#include <xapian.h>

#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "index/text_tokens.h"

namespace storyline::index {
namespace {

// The words of one comma-separated entry, lower-cased; an error message
// (without the line) when the entry is not usable.
absl::StatusOr<std::vector<std::string>> ParseEntry(absl::string_view entry) {
  std::vector<std::string> words;
  for (absl::string_view word :
       absl::StrSplit(entry, absl::ByAnyChar(" \t\r"), absl::SkipEmpty())) {
    for (const char c : word) {
      if (!IsWordByte(static_cast<unsigned char>(c))) {
        return absl::InvalidArgumentError(
            absl::StrCat("\"", absl::StripAsciiWhitespace(entry), "\" has '", std::string(1, c),
                         "': entries are words of letters and digits separated by spaces"));
      }
    }
    words.push_back(Xapian::Unicode::tolower(std::string(word)));
  }
  if (words.empty()) {
    return absl::InvalidArgumentError(
        "empty entry (two commas in a row, or a comma at the start or end)");
  }
  if (words.size() > kMaxSynonymWords) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", absl::StripAsciiWhitespace(entry), "\" has more than ", kMaxSynonymWords, " words"));
  }
  return words;
}

// One line's group; an error message (without the line) when it is bad.
absl::StatusOr<SynonymGroup> ParseGroup(absl::string_view line) {
  SynonymGroup group;
  for (absl::string_view entry : absl::StrSplit(line, ',')) {
    absl::StatusOr<std::vector<std::string>> words = ParseEntry(entry);
    if (!words.ok()) return words.status();
    bool repeated = false;
    for (const auto& e : group.entries) repeated = repeated || e == *words;
    if (!repeated) group.entries.push_back(*std::move(words));
  }
  if (group.entries.size() < 2) {
    return absl::InvalidArgumentError(
        "a group needs at least two different entries, separated by commas");
  }
  return group;
}

}  // namespace

absl::StatusOr<std::vector<SynonymGroup>> ParseSynonyms(absl::string_view text,
                                                        absl::string_view name) {
  std::vector<SynonymGroup> groups;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    line = line.substr(0, line.find('#'));
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    absl::StatusOr<SynonymGroup> group = ParseGroup(line);
    if (!group.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, " line ", number, ": ", group.status().message()));
    }
    group->line = number;
    groups.push_back(*std::move(group));
  }
  return groups;
}

absl::StatusOr<std::vector<SynonymGroup>> ReadSynonymFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read synonym file ", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::NotFoundError(absl::StrCat("cannot read synonym file ", path));
  return ParseSynonyms(text.str(), path);
}

}  // namespace storyline::index
