#include "bench/storyline_bench/raw_xapian.h"

#include <xapian.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "index/schema.h"

namespace storyline::bench {

namespace {

using Clock = std::chrono::steady_clock;

// The stub a Storyline index directory holds; a bare glass database
// (no stub) is opened as it is.
std::string DatabasePath(const std::string& dir) {
  const std::string stub = dir + "/XAPIANDB";
  return std::filesystem::exists(stub) ? stub : dir;
}

// One thread's queries until `end`; counts into `out` those started at or
// after `measure_from`.
void QueryLoop(const std::string& path, const std::vector<std::string>& queries, size_t offset,
               Clock::time_point measure_from, Clock::time_point end, RawXapianResult* out) {
  Xapian::Database db(path);
  Xapian::Stem stem("english");
  Xapian::QueryParser parser;
  parser.set_stemmer(stem);
  parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  parser.set_database(db);
  parser.set_default_op(Xapian::Query::OP_OR);
  parser.add_prefix("title", index::kPrefixTitle);
  Xapian::Enquire enquire(db);
  for (size_t i = offset;; ++i) {
    const Clock::time_point t0 = Clock::now();
    if (t0 >= end) return;
    enquire.set_query(parser.parse_query(queries[i % queries.size()]));
    const Xapian::MSet mset = enquire.get_mset(0, 10);
    size_t bytes = 0;
    for (auto it = mset.begin(); it != mset.end(); ++it)
      bytes += it.get_document().get_data().size();
    const Clock::time_point t1 = Clock::now();
    if (t0 < measure_from) continue;
    out->latency.Record(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
    ++out->queries;
    out->hits += mset.size();
    out->queries_with_hits += (mset.size() > 0 && bytes > 0) ? 1 : 0;
  }
}

}  // namespace

absl::StatusOr<RawXapianResult> RunRawXapian(const RawXapianOptions& options,
                                             const std::vector<std::string>& queries) {
  if (queries.empty()) return absl::InvalidArgumentError("raw Xapian: no queries");
  const std::string path = DatabasePath(options.index_dir);
  try {
    Xapian::Database probe(path);
  } catch (const Xapian::Error& e) {
    return absl::NotFoundError(
        absl::StrCat("--index: cannot open ", path, " as a Xapian database: ", e.get_msg()));
  }
  const Clock::time_point start = Clock::now();
  const Clock::time_point measure_from = start + absl::ToChronoNanoseconds(options.warmup);
  const Clock::time_point end = measure_from + absl::ToChronoNanoseconds(options.duration);
  const int threads = std::max(1, options.threads);
  std::vector<RawXapianResult> per_thread(threads);
  std::vector<std::string> errors(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      try {
        QueryLoop(path, queries, queries.size() * t / threads, measure_from, end, &per_thread[t]);
      } catch (const Xapian::Error& e) {
        errors[t] = e.get_description();
      }
    });
  }
  for (std::thread& w : workers) w.join();
  for (const std::string& error : errors) {
    if (!error.empty()) return absl::InternalError(absl::StrCat("raw Xapian: ", error));
  }
  RawXapianResult all;
  all.seconds = absl::ToDoubleSeconds(options.duration);
  for (const RawXapianResult& r : per_thread) {
    all.latency.Merge(r.latency);
    all.queries += r.queries;
    all.hits += r.hits;
    all.queries_with_hits += r.queries_with_hits;
  }
  return all;
}

}  // namespace storyline::bench
