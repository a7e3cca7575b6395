#include "fuzz/fuzz_index.h"

#include <google/protobuf/stubs/common.h>
#include <stdlib.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <system_error>

#include "index/article_indexer.h"
#include "index/index_layout.h"

namespace storyline::fuzz {
namespace {

using storyline::v1::Article;

struct Spec {
  const char* title;
  const char* body;
  const char* topic;
  const char* source;
  int64_t publish_unix;             // 0: none
  std::array<const char*, 2> tags;  // unused entries are nullptr
};

// Hand-written for the fuzzers: shared vocabulary across topics (so the
// semantic model has words to learn), query operators' favourite words,
// and text that is not ASCII.
constexpr Spec kSpecs[] = {
    {"Council approves tidal barrage budget",
     "The harbour council voted to fund the tidal barrage. Engineers say the barrage will "
     "protect the harbour from storm surges and generate power for the town.",
     "politics",
     "Harbour Herald",
     1740000000,
     {"council", "energy"}},
    {"Tidal barrage opens to the public",
     "Crowds walked across the new tidal barrage on Saturday. The council says the barrage "
     "already supplies power to two thousand homes.",
     "politics",
     "Harbour Herald",
     1741000000,
     {"energy"}},
    {"Rovers win the cup final",
     "Rovers beat United two goals to one in the cup final. The striker scored twice and the "
     "goalkeeper saved a penalty in the last minute.",
     "sport",
     "Valley Times",
     1742000000,
     {"football"}},
    {"United sign a new striker",
     "United signed a striker from Rovers for a record fee. The club says the striker will "
     "score the goals the team needs to win the league.",
     "sport",
     "Valley Times",
     1742500000,
     {"football", "transfer"}},
    {"Storm surge floods the harbour",
     "A storm surge flooded the harbour road overnight. The council blamed the storm and "
     "said the tidal barrage will stop such floods once it is finished.",
     "weather",
     "Harbour Herald",
     1739000000,
     {}},
    {"Interest rates rise again",
     "The central bank raised interest rates by a quarter point. Banks say mortgage rates "
     "will follow and house prices may fall.",
     "business",
     "Ledger Daily",
     1743000000,
     {"rates", "economy"}},
    {"House prices fall as rates climb",
     "House prices fell for the third month as mortgage rates climbed. Buyers wait for the "
     "central bank to stop raising interest rates.",
     "business",
     "Ledger Daily",
     1743500000,
     {"economy"}},
    {"Café culture in Zürich",
     "In Zürich the café is a second living room. Baristas serve crème brûlée and "
     "espresso; the council wants more terraces by the lake.",
     "culture",
     "Le Monde Fictif",
     1744000000,
     {"café", "zürich"}},
    {"東京 marathon draws record field",
     "The 東京 marathon drew a record field of runners. The winner crossed the line in two "
     "hours; spectators lined the harbour road. 🏃 ありがとう",
     "sport",
     "Le Monde Fictif",
     1744500000,
     {"marathon", "東京"}},
    {"Rocket launch delayed by storm 🚀",
     "The rocket launch was delayed by a storm over the launch site. Engineers will try "
     "again next week if the weather clears.",
     "science",
     "Orbit Weekly",
     1745000000,
     {"space"}},
    {"Engineers test the new rocket engine",
     "Engineers fired the new rocket engine for ten minutes. The test supplies data for the "
     "launch planned for next year.",
     "science",
     "Orbit Weekly",
     1745500000,
     {"space", "engine"}},
    {"Library opens a maker space",
     "The town library opened a maker space with printers, tools and a small rocket "
     "workshop for children.",
     "culture",
     "Valley Times",
     1746000000,
     {"library"}},
    {"Council budget cuts library hours",
     "The council budget cuts library opening hours. Readers protested outside the council "
     "chamber; the council says the budget leaves no choice.",
     "politics",
     "Valley Times",
     1746500000,
     {"council", "library"}},
    {"Bank profits rise with interest rates",
     "Bank profits rose as interest rates climbed. Critics say banks pass rate rises to "
     "borrowers faster than to savers.",
     "business",
     "Ledger Daily",
     1747000000,
     {"rates"}},
    {"Striker injured before the final",
     "The Rovers striker was injured in training before the cup final. The club hopes he will "
     "be fit to score in the final.",
     "sport",
     "Valley Times",
     1747500000,
     {"football"}},
    {"Harbour festival returns",
     "The harbour festival returns with boats, music and food stalls along the harbour road "
     "and the tidal barrage.",
     "culture",
     "Harbour Herald",
     1748000000,
     {}},
    {"Solar farm approved by council",
     "The council approved a solar farm that will supply power to the town. Engineers say "
     "solar and tidal power together can cover the town's needs.",
     "politics",
     "Harbour Herald",
     1748500000,
     {"energy", "council"}},
    {"Weather: storm warning for the coast",
     "Forecasters issued a storm warning for the coast. The harbour will close and the "
     "rocket launch may be delayed again.",
     "weather",
     "Orbit Weekly",
     1749000000,
     {}},
    {"Mortgage rates at a ten year high",
     "Mortgage rates reached a ten year high after the central bank raised interest rates. "
     "Buyers and banks expect house prices to fall.",
     "business",
     "Ledger Daily",
     1749500000,
     {"rates", "economy"}},
    // A near-duplicate of the one above (wire copy), for duplicate folding.
    {"Mortgage rates at a ten year high",
     "Mortgage rates reached a ten year high after the central bank raised interest rates. "
     "Buyers and banks expect house prices to fall.",
     "business",
     "Wire Service",
     1749500100,
     {"rates"}},
    {"Goalkeeper saves the day",
     "The goalkeeper saved two penalties as United beat Rovers. The striker missed the "
     "final penalty and the cup went to United.",
     "sport",
     "Valley Times",
     1750000000,
     {"football"}},
    {"NEAR AND OR NOT: a query language for the library",
     "The library catalogue understands AND, OR, NOT and NEAR, title:rocket and "
     "\"exact phrases\"; readers found it hard at first.",
     "culture",
     "Valley Times",
     0,
     {"library", "search"}},
    {"Council meets",
     "An article with a short title and no topic or source: the harbour council met and "
     "discussed the budget.",
     "",
     "",
     1738000000,
     {}},
    {"Wind farm joins tidal barrage on the grid",
     "A wind farm joined the tidal barrage and the solar farm in supplying power to the "
     "grid. The council says energy bills will fall.",
     "politics",
     "Harbour Herald",
     1750500000,
     {"energy"}},
};

// The index lives in a temp directory that is removed at exit.
std::string* g_dir = nullptr;

void RemoveIndex() {
  std::error_code ec;
  if (g_dir != nullptr) std::filesystem::remove_all(*g_dir, ec);
}

std::string BuildIndex() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "storyline-fuzz-XXXXXX").string();
  Check(mkdtemp(tmpl.data()) != nullptr, "cannot create a temp directory for the fuzz index");
  g_dir = new std::string(tmpl);
  std::atexit(RemoveIndex);
  auto writers = index::OpenShardWriters(tmpl, 2);
  Check(writers.ok(), "cannot open the fuzz index for writing");
  index::ArticleIndexer indexer;
  index::SpellingCounts spelling;
  for (const Article& a : FuzzArticles()) {
    auto prepared = indexer.Prepare(a, &spelling);
    Check(prepared.ok(), "a fuzz article does not validate");
    auto& writer = (*writers)[index::ShardForId(a.id(), writers->size())];
    Check(writer->Upsert(*prepared).ok(), "cannot write a fuzz article");
  }
  Check((*writers)[0]->AddSpelling(spelling).ok(), "cannot add spelling");
  for (auto& w : *writers) Check(w->Commit().ok(), "cannot commit the fuzz index");
  return tmpl;
}

}  // namespace

const std::vector<Article>& FuzzArticles() {
  static const auto* const articles = [] {
    auto* out = new std::vector<Article>;
    int n = 0;
    for (const Spec& s : kSpecs) {
      Article& a = out->emplace_back();
      char id[8];
      std::snprintf(id, sizeof(id), "f%02d", n++);
      a.set_id(id);
      a.set_title(s.title);
      a.set_body(s.body);
      a.set_topic(s.topic);
      a.set_source(s.source);
      a.set_url(std::string("https://example.org/") + id);
      if (s.publish_unix != 0) a.mutable_publish_time()->set_seconds(s.publish_unix);
      for (const char* t : s.tags) {
        if (t != nullptr) a.add_tags(t);
      }
    }
    return out;
  }();
  return *articles;
}

index::Searcher& FuzzSearcher() {
  static index::Searcher* const searcher = [] {
    const std::string dir = BuildIndex();
    // Leaked on purpose: the searcher keeps a pointer to it until exit.
    auto* semantic = new index::SemanticSpace(
        {.index_dir = dir, .lsa = {.rank = 6, .similarity_dims = 4}, .background = false});
    Check(semantic->Refresh().ok(), "cannot build the fuzz index's semantic model");
    Check(semantic->Current() != nullptr, "the fuzz index is too small for a semantic model");
    auto opened = index::Searcher::Open(dir, semantic);
    Check(opened.ok(), "cannot open the fuzz index");
    return opened->release();
  }();
  return *searcher;
}

absl::Time FuzzNow() { return absl::FromUnixSeconds(1748736000); }

bool IsValidUtf8(absl::string_view s) {
  return google::protobuf::internal::IsStructurallyValidUTF8(s.data(), static_cast<int>(s.size()));
}

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "FUZZ CHECK FAILED: %s\n", what);
  std::abort();
}

}  // namespace storyline::fuzz
