// The synonym file of `storyline-server --synonyms FILE`: one group of
// words or phrases that mean the same a line, comma-separated:
//
//   # countries
//   us, usa, united states
//   car, automobile
//
// Blank lines are skipped and `#` starts a comment that runs to the end of
// the line. Entries are lower-cased (ASCII) and their inner spaces
// collapsed; an entry may have several words ("united states", at most
// kMaxSynonymWords), each made of letters and digits only.
//
// Thread-safety: pure functions.
#ifndef STORYLINE_INDEX_SYNONYM_FILE_H_
#define STORYLINE_INDEX_SYNONYM_FILE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace storyline::index {

// Words an entry may have.
inline constexpr size_t kMaxSynonymWords = 8;

// One line's group: its entries (each a list of words) and its line number.
struct SynonymGroup {
  std::vector<std::vector<std::string>> entries;
  int line = 0;
};

// The groups of a synonym file's text. Fails with kInvalidArgument naming
// the line ("line 3: ...") when an entry is empty, has a character that is
// not a letter or digit, has too many words, or a group has fewer than two
// different entries. `name` (the file) starts each message.
absl::StatusOr<std::vector<SynonymGroup>> ParseSynonyms(absl::string_view text,
                                                        absl::string_view name);

// Reads and parses the file at `path`: kNotFound if it cannot be read, else
// as ParseSynonyms.
absl::StatusOr<std::vector<SynonymGroup>> ReadSynonymFile(const std::string& path);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_SYNONYM_FILE_H_
