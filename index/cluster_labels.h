// Phrase labels for topic clusters: the two- or three-word phrase that the
// most members of a cluster use, among phrases built on the cluster's
// keywords (index/clusters.h). "Tony Blair" rather than "Blair", and never
// a bare "game" when the members share a phrase.
//
// Thread-safety: pure functions; the Stem passed in is used on the calling
// thread.
#ifndef STORYLINE_INDEX_CLUSTER_LABELS_H_
#define STORYLINE_INDEX_CLUSTER_LABELS_H_

#include <xapian.h>

#include <cstddef>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"

namespace storyline::index {

struct PhraseLabelOptions {
  // A phrase counts as shared when at least this share of the members (and
  // at least min_members of them) contain it.
  double min_share = 0.1;
  size_t min_members = 3;
};

// The label phrase of a cluster whose central members' texts are
// `member_texts` (title and start of body each) and whose keyword stems
// (Z-prefixed, as KeywordStems gives them) are `keyword_stems`.
// Candidates: runs of 2 or 3 words inside one sentence, separated by single
// spaces, neither end a stop word, no word all digits, at least one word
// stemming to a keyword (so the phrase is about what sets the cluster
// apart, not "last year"). The phrase contained by the most members wins;
// on a tie the longer one (it says more), then the one whose first word
// comes first alphabetically (determinism). Shown in the members' most
// common spelling. Phrases in `taken` (any case) are skipped. "" if no
// phrase is shared (see PhraseLabelOptions).
std::string PhraseLabel(const std::vector<std::string>& member_texts,
                        const absl::flat_hash_set<std::string>& keyword_stems,
                        const Xapian::Stem& stemmer, const std::vector<std::string>& taken,
                        const PhraseLabelOptions& options = {});

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_CLUSTER_LABELS_H_
