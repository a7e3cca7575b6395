// Query-time synonyms: a table built from a synonym file's groups
// (synonym_file.h) that expands a parsed query, and the holder that lets
// the server swap tables while searches run.
//
// Expansion works on the parsed Xapian query, after stop words and field
// prefixes are handled: an unprefixed word, or a run of words in one
// OR/AND group ("united states"), whose stems match an entry of a group
// becomes OP_SYNONYM(what was typed, the group's other entries), each
// other entry a stemmed term or, for several words, a phrase of them.
// OP_SYNONYM weights the group as one term, so a story that says both "us"
// and "usa" scores as if it said one of them twice. Words inside phrases,
// NEAR/ADJ, wildcards or field prefixes (title:) are left as typed.
//
// Why not Xapian's own synonym dictionary (WritableDatabase::add_synonym
// with FLAG_AUTO_SYNONYMS): Xapian 1.4 turns each stored synonym into a
// single term query, so a multi-word entry can be looked up but never
// searched ("usa" could not find "united states"); and a dictionary kept in
// the shards would need writes to change, reshards to carry it, and an
// index started without --synonyms would keep expanding. This table lives
// in memory, costs nothing without a file, and works the same on an empty
// or read-only index.
//
// Thread-safety: a SynonymTable is immutable (strings only, no Xapian
// objects) and may be shared; Expand builds its queries on the calling
// thread. SynonymSet is thread-safe.
#ifndef STORYLINE_INDEX_SYNONYMS_H_
#define STORYLINE_INDEX_SYNONYMS_H_

#include <xapian.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "index/synonym_file.h"

namespace storyline::index {

class SynonymTable {
 public:
  // The table of `groups`, stemmed as the index is (english, "Z" terms).
  // Fails with kInvalidArgument naming both lines when an entry (after
  // stemming) is in two groups.
  static absl::StatusOr<std::shared_ptr<const SynonymTable>> Build(
      const std::vector<SynonymGroup>& groups);

  size_t group_count() const { return groups_.size(); }

  // True if `word` (lower case, as the query parser passes it) is a word
  // of some entry. Such a word is searched even when it is a stop word
  // ("us" in "us, usa, united states"), so it can be expanded.
  bool HasWord(const std::string& word) const { return words_.contains(word); }

  // `query` with every word (or run of words) in a group expanded to the
  // group, as the file comment says; `query` itself when nothing matched.
  Xapian::Query Expand(const Xapian::Query& query) const;

 private:
  using Entry = std::vector<std::string>;  // its "Z" terms, in order
  struct Match;

  SynonymTable() = default;
  // Expand, setting `*changed` when anything was expanded.
  Xapian::Query ExpandNode(const Xapian::Query& query, bool* changed) const;
  Xapian::Query ExpandChildren(const Xapian::Query& query, bool* changed) const;
  // The longest entry matching leaves children[i..], if any.
  Match Longest(const std::vector<Xapian::Query>& children, size_t i) const;
  Xapian::Query Alternatives(const Xapian::Query& typed, const Match& match) const;

  std::vector<std::vector<Entry>> groups_;
  // An entry's terms joined by ' ' -> (group, entry) index.
  absl::flat_hash_map<std::string, std::pair<size_t, size_t>> keys_;
  size_t max_words_ = 0;
  absl::flat_hash_set<std::string> words_;  // every entry's words, lower case
};

// The table searches use now. The server replaces it on SIGHUP; each
// Searcher notices through generation() (one atomic load a search) and
// only then takes the lock to copy the pointer.
class SynonymSet {
 public:
  void Replace(std::shared_ptr<const SynonymTable> table) ABSL_LOCKS_EXCLUDED(mu_);
  std::shared_ptr<const SynonymTable> Current() const ABSL_LOCKS_EXCLUDED(mu_);
  // Bumped by every Replace.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const SynonymTable> table_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> generation_{0};
};

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_SYNONYMS_H_
