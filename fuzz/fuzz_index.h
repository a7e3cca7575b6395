// Shared set-up for the fuzz targets: a small two-shard index of
// hand-written articles (built once per process in a temp directory, like
// the server's default layout), its semantic model, a Searcher over it, and
// the checks every target applies to what it gets back.
//
// Thread-safety: none; a libFuzzer process runs one input at a time.
#ifndef STORYLINE_FUZZ_FUZZ_INDEX_H_
#define STORYLINE_FUZZ_FUZZ_INDEX_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "index/searcher.h"
#include "index/semantic_space.h"
#include "storyline/v1/article.pb.h"

namespace storyline::fuzz {

// The articles the index holds (ids "f00".."f23"); some titles and bodies
// are multi-byte UTF-8, two are near-duplicates, one has no publish time.
const std::vector<storyline::v1::Article>& FuzzArticles();

// The searcher over the fuzz index, built on first use (with its semantic
// model already built). Aborts if the index cannot be built.
index::Searcher& FuzzSearcher();

// A fixed "now" (2025-06-01), so runs replay exactly.
absl::Time FuzzNow();

// True if `s` is valid UTF-8 as protobuf checks it when parsing a proto3
// string field: what a client of the server would reject otherwise.
bool IsValidUtf8(absl::string_view s);

// Aborts with `what` (a finding) unless `ok`; unlike assert(), it is never
// compiled out.
void Check(bool ok, const char* what);

}  // namespace storyline::fuzz

#endif  // STORYLINE_FUZZ_FUZZ_INDEX_H_
