// Fuzzes SimilarStories: validation and conversion (ToSimilarParams,
// ToSimilarResponse) and the more-like-this path (term selection, the
// semantic blend, near-duplicate folding, readable shared terms) on a
// Searcher over the small fuzz index.
//
// Input (FuzzedDataProvider): option bytes from the end (flags, page size,
// then what the flags ask for); the rest of the input is the text. With
// kById the seed is a stored article (by index) or, with kOddId too, the
// text itself as an id. A file of plain text is a text seed.
//
// Checks: nothing crashes or trips a sanitizer; failures use only the
// documented codes; at most page_size stories, never the seed itself, each
// a stored article; shared terms and duplicates are valid UTF-8 when the
// seed text is.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "fuzz/fuzz_index.h"
#include "server/proto_convert.h"
#include "storyline/v1/story_service.pb.h"

namespace {

constexpr uint8_t kById = 1 << 0;
constexpr uint8_t kOddId = 1 << 1;
constexpr uint8_t kAfterSeed = 1 << 2;
constexpr uint8_t kBeforeSeed = 1 << 3;
constexpr uint8_t kDuplicates = 1 << 4;
constexpr uint8_t kFilter = 1 << 5;
constexpr uint8_t kIncludeBody = 1 << 6;

void SetDuration(FuzzedDataProvider& in, google::protobuf::Duration* d) {
  d->set_seconds(in.ConsumeIntegralInRange<int64_t>(-315576000001LL, 315576000001LL));
  d->set_nanos(in.ConsumeIntegralInRange<int32_t>(-1000000000, 1000000000));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  storyline::fuzz::FuzzSearcher();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace storyline;
  using namespace storyline::fuzz;
  FuzzedDataProvider in(data, size);
  const uint8_t flags = in.ConsumeIntegral<uint8_t>();
  const auto& articles = FuzzArticles();

  v1::SimilarStoriesRequest req;
  req.set_page_size(in.ConsumeIntegralInRange<int32_t>(-1, 101));
  req.set_include_duplicates(flags & kDuplicates);
  req.set_include_body(flags & kIncludeBody);
  const size_t seed_index = in.ConsumeIntegralInRange<size_t>(0, articles.size() - 1);
  if (flags & kAfterSeed) SetDuration(in, req.mutable_published_after());
  if (flags & kBeforeSeed) SetDuration(in, req.mutable_published_before());
  if (flags & kFilter) {
    v1::Filter* f = req.mutable_filter();
    const v1::Article& a = articles[in.ConsumeIntegralInRange<size_t>(0, articles.size() - 1)];
    if (in.ConsumeBool()) f->add_topics(a.topic().empty() ? "none" : a.topic());
    if (in.ConsumeBool()) f->add_sources(a.source().empty() ? "none" : a.source());
    if (in.ConsumeBool()) {
      f->mutable_published_after()->set_seconds(
          in.ConsumeIntegralInRange<int64_t>(1737000000, 1752000000));
    }
  }
  std::string text = in.ConsumeRemainingBytesAsString();
  std::string seed_id;
  if (flags & kById) {
    seed_id = (flags & kOddId) ? text : articles[seed_index].id();
    req.set_article_id(seed_id);
  } else {
    req.set_text(text);
  }

  // STORYLINE_FUZZ_DEBUG=1 prints the request an input stands for.
  static const bool debug = std::getenv("STORYLINE_FUZZ_DEBUG") != nullptr;
  if (debug) std::fprintf(stderr, "SimilarStoriesRequest {\n%s}\n", req.DebugString().c_str());

  auto params = server::ToSimilarParams(req, absl::InfiniteFuture());
  if (!params.ok()) {
    Check(params.status().code() == absl::StatusCode::kInvalidArgument,
          "ToSimilarParams failed with a code other than kInvalidArgument");
    return 0;
  }
  auto results = FuzzSearcher().Similar(*params);
  if (!results.ok()) {
    const absl::StatusCode code = results.status().code();
    Check(code == absl::StatusCode::kInvalidArgument || code == absl::StatusCode::kNotFound ||
              code == absl::StatusCode::kFailedPrecondition,
          "Similar failed with an undocumented code");
    return 0;
  }
  v1::SimilarStoriesResponse reply;
  server::ToSimilarResponse(std::move(*results), &reply);
  Check(reply.stories_size() <= params->page_size, "more stories than page_size");

  absl::flat_hash_set<std::string> ids;
  for (const v1::Article& a : articles) ids.insert(a.id());
  const bool utf8_seed = (flags & kById) || IsValidUtf8(text);
  for (const v1::SimilarStory& s : reply.stories()) {
    Check(ids.contains(s.article().id()), "a story that is not in the index");
    Check(s.article().id() != seed_id, "the seed article is similar to itself");
    for (const std::string& d : s.duplicates()) Check(ids.contains(d), "unknown duplicate id");
    if (utf8_seed) {
      for (const std::string& t : s.shared_terms()) {
        Check(IsValidUtf8(t), "a shared term is not valid UTF-8");
      }
    }
  }
  return 0;
}
