// The Xapian schema of a Storyline index: term prefixes, value slots and
// the limits articles must respect. Everything that knows how an article is
// laid out in Xapian reads it from here.
#ifndef STORYLINE_INDEX_SCHEMA_H_
#define STORYLINE_INDEX_SCHEMA_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace storyline::index {

// Term prefixes (omega's conventions; our own start with X).
inline constexpr char kPrefixId[] = "Q";            // unique id term
inline constexpr char kPrefixTitle[] = "S";         // title words (title:)
inline constexpr char kPrefixTag[] = "K";           // tags, lower-cased
inline constexpr char kPrefixTopic[] = "XTOPIC";    // topic, lower-cased
inline constexpr char kPrefixSource[] = "XSOURCE";  // source, lower-cased

// Value slots.
inline constexpr unsigned kSlotPublishTime = 0;  // sortable_serialise(unix s)
inline constexpr unsigned kSlotTopic = 1;        // topic as written (facets)
inline constexpr unsigned kSlotSource = 2;       // source as written (facets)
inline constexpr unsigned kSlotSimHash = 3;      // EncodeSimHash(title+body)

// Metadata keys.
inline constexpr char kMetaLastCommit[] = "storyline.last_commit_unix_ms";
// A shard's place in its index, "i/N" (shard i of N), recorded at creation:
// ids hash to shards by N, so the stub must keep listing N shards in order.
inline constexpr char kMetaShardLayout[] = "storyline.shard_layout";

// Title words count this many times the body's (within-document frequency).
inline constexpr unsigned kTitleWeight = 3;

// Article limits, enforced by ValidateArticle().
inline constexpr size_t kMaxIdBytes = 256;
inline constexpr size_t kMaxTitleBytes = 4096;
inline constexpr size_t kMaxBodyBytes = 1 << 20;  // 1 MiB
inline constexpr size_t kMaxFieldBytes = 200;     // topic, source, each tag
inline constexpr size_t kMaxUrlBytes = 4096;
inline constexpr size_t kMaxTags = 64;

// Query limits.
inline constexpr size_t kMaxQueryBytes = 4096;
inline constexpr int kMaxPageSize = 100;
inline constexpr int kDefaultPageSize = 10;
inline constexpr int kMaxResultOffset = 10000;  // deepest reachable result

// The unique term for an article id. Xapian terms are limited to 245 bytes,
// so ids longer than 200 bytes keep a 160-byte prefix plus a SHA-256 digest.
std::string IdTerm(absl::string_view id);

// Lower-cases ASCII letters; the boolean filter terms are case-insensitive.
std::string FoldCase(absl::string_view s);

inline std::string TopicTerm(absl::string_view topic) { return kPrefixTopic + FoldCase(topic); }
inline std::string SourceTerm(absl::string_view source) { return kPrefixSource + FoldCase(source); }
inline std::string TagTerm(absl::string_view tag) { return kPrefixTag + FoldCase(tag); }

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_SCHEMA_H_
