// ReaderContext: the per-reader state a read operation (similar stories,
// recommendations, topic clusters) works with, handed over as one object
// instead of loose arguments.
//
// Thread-safety: every member belongs to one Searcher and its thread; a
// context is built for one call and must not outlive it.
#ifndef STORYLINE_INDEX_READER_CONTEXT_H_
#define STORYLINE_INDEX_READER_CONTEXT_H_

#include <xapian.h>

#include "index/lsa.h"
#include "index/tfidf.h"

namespace storyline::index {

struct ReaderContext {
  // The reader's database, reopened by the Searcher before the call.
  Xapian::Database& db;
  // The stemmer the index was built with (english, STEM_ALL_Z).
  const Xapian::Stem& stemmer;
  // Document frequencies and TF-IDF vectors, cached per revision.
  DfCache& df_cache;
  // The semantic model, or null while none is built (not owned; the caller
  // holds it alive for the call).
  const LsaModel* model = nullptr;
};

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_READER_CONTEXT_H_
