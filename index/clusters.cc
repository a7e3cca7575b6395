#include "index/clusters.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "index/article_data.h"
#include "index/cluster_count.h"
#include "index/cluster_labels.h"
#include "index/deadline.h"
#include "index/kmeans.h"
#include "index/query_parser.h"
#include "index/schema.h"
#include "index/stopwords.h"
#include "index/surface_forms.h"
#include "index/weighted_terms.h"

namespace storyline::index {
namespace {

using storyline::v1::Article;

// A document this far (cosine) from every centroid fits no topic.
constexpr float kMinMembership = 0.05f;
// Members whose words describe a cluster, and whose text gives surface forms.
constexpr size_t kKeywordMembers = 100;
constexpr size_t kSurfaceMembers = 20;
// Members whose titles and openings are searched for a label phrase.
constexpr size_t kPhraseMembers = 50;
constexpr size_t kPhraseBytesPerMember = 1500;
constexpr size_t kSurfaceBytesPerMember = 3000;
constexpr size_t kKeywords = 10;
constexpr size_t kLabelCandidates = 6;

constexpr char kWhat[] = "topic clustering";

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

struct Doc {
  Xapian::docid did = 0;
  Xapian::Document doc;
  Article article;  // body kept until the text for surface forms is taken
};

// The documents considered and their vectors in both views of the
// semantic space (row i of `points` / `narrow` is docs[i]).
struct Embedded {
  std::vector<Doc> docs;
  int d = 0;                  // topics view dimensions
  int nd = 0;                 // similarity view dimensions
  std::vector<float> points;  // topics view, docs x d
  std::vector<float> narrow;  // similarity view, docs x nd
  int n() const { return static_cast<int>(docs.size()); }
};

// A cluster's members (indexes into Embedded::docs, most central first)
// and its cohesion.
struct Group {
  std::vector<int> members;
  double score = 0;
};

// The top max_documents matches of `query` within the filter; for an empty
// query, the newest max_documents stories.
Xapian::MSet MatchDocuments(const ReaderContext& reader, const Xapian::Query& query,
                            const ClusterParams& p) {
  Xapian::Query q = query.empty() ? MatchEverything() : query;
  if (Xapian::Query f = FilterQuery(p.filter); !f.empty()) {
    q = Xapian::Query(Xapian::Query::OP_FILTER, q, f);
  }
  Xapian::Enquire enquire(reader.db);
  enquire.set_query(q);
  if (query.empty()) {
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_sort_by_value_then_relevance(kSlotPublishTime, true);
  }
  const auto max_docs =
      static_cast<Xapian::doccount>(std::clamp(p.max_documents, 1, kMaxClusterDocuments));
  return enquire.get_mset(0, max_docs);
}

// Reads the matches and places them in the semantic space; documents newer
// than the model are folded in.
absl::StatusOr<Embedded> Embed(const ReaderContext& reader, const Xapian::MSet& mset) {
  const LsaModel& model = *reader.model;
  Embedded e;
  e.d = model.dims(LsaView::kTopics);
  e.nd = model.dims(LsaView::kSimilarity);
  e.docs.reserve(mset.size());
  e.points.assign(static_cast<size_t>(mset.size()) * e.d, 0.0f);
  e.narrow.assign(static_cast<size_t>(mset.size()) * e.nd, 0.0f);
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    Doc& doc = e.docs.emplace_back();
    doc.did = *it;
    doc.doc = it.get_document();
    if (absl::Status s = DecodeArticleData(doc.doc.get_data(), &doc.article); !s.ok()) {
      return absl::DataLossError(
          absl::StrCat("document ", *it, ": ", s.message(), "; re-ingest it"));
    }
    std::vector<float> z, zn;
    if (!model.TopicsVector(doc.did, &z) || !model.SimilarityVector(doc.did, &zn)) {
      // Newer than the model: fold it in.
      const SparseVector v = TfIdfVector(reader.db, doc.did, doc.doc, &reader.df_cache);
      z = model.Project(v, LsaView::kTopics);
      zn = model.Project(v, LsaView::kSimilarity);
    }
    const size_t row = e.docs.size() - 1;
    std::copy(z.begin(), z.end(), e.points.begin() + static_cast<std::ptrdiff_t>(row * e.d));
    std::copy(zn.begin(), zn.end(), e.narrow.begin() + static_cast<std::ptrdiff_t>(row * e.nd));
  }
  return e;
}

// k-means over the topics view (k chosen in the similarity view when the
// request leaves it open), then neighbour smoothing. A short deadline gets
// fewer restarts and a cheaper choice of k, not a late answer.
KMeansResult Cluster(const Embedded& e, const ClusterParams& p) {
  const int n = e.n();
  const absl::Duration remaining = p.deadline - absl::Now();
  const bool hurry = remaining < absl::Milliseconds(50) + absl::Microseconds(100) * n;
  const PointSet set{.data = e.points, .n = n, .d = e.d};
  const PointSet narrow{.data = e.narrow, .n = n, .d = e.nd};
  int k = p.cluster_count;
  if (k <= 0) {
    // How many themes there are is decided in the similarity view: coarse
    // themes, and much cheaper than the topics view.
    k = ChooseClusterCount(narrow, {.min_k = 3,
                                    .max_k = 15,
                                    .splits = hurry ? 1 : 3,
                                    .restarts = hurry ? 1 : 3,
                                    .sample = hurry ? 600 : 1000,
                                    .seed = p.seed,
                                    .deadline = absl::Now() + remaining * 0.4});
  }
  k = std::clamp(k, 1, std::min(kMaxClusterCount, n));
  KMeansResult km = SphericalKMeans(set, {.k = k,
                                          .restarts = hurry ? 2 : 10,
                                          .max_iterations = 40,
                                          .seed = p.seed,
                                          .deadline = absl::Now() + remaining * 0.5});
  // Boundary documents follow their nearest neighbours in the similarity
  // view, whose neighbourhoods are the most topical (bench/README.md).
  SmoothByNeighbours(set, narrow,
                     {.neighbours = 15,
                      .self_weight = 3,
                      .iterations = 2,
                      .margin = 0.05f,
                      .deadline = absl::Now() + (p.deadline - absl::Now()) * 0.5},
                     &km);
  return km;
}

// Members per cluster, most central first, largest clusters first; misfits
// and tiny clusters go to `unclustered` ("Other topics").
std::vector<Group> GroupMembers(const KMeansResult& km, const std::vector<Doc>& docs,
                                std::vector<int>* unclustered) {
  const int n = static_cast<int>(docs.size());
  std::vector<std::vector<int>> members(km.k);
  for (int i = 0; i < n; ++i) {
    if (km.assignment[i] < 0 || km.similarity[i] < kMinMembership) {
      unclustered->push_back(i);
    } else {
      members[km.assignment[i]].push_back(i);
    }
  }
  const size_t min_size = std::max<size_t>(2, static_cast<size_t>(n) / 200);
  std::vector<Group> groups;
  for (std::vector<int>& m : members) {
    if (m.empty()) continue;
    if (m.size() < min_size && n >= 20) {
      unclustered->insert(unclustered->end(), m.begin(), m.end());
      continue;
    }
    std::sort(m.begin(), m.end(), [&](int a, int b) {
      return km.similarity[a] > km.similarity[b] ||
             (km.similarity[a] == km.similarity[b] && docs[a].did < docs[b].did);
    });
    double sum = 0;
    for (int i : m) sum += km.similarity[i];
    const double score = std::clamp(sum / static_cast<double>(m.size()), 0.0, 1.0);
    groups.push_back({std::move(m), score});
  }
  std::sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) {
    return a.members.size() > b.members.size() ||
           (a.members.size() == b.members.size() && a.score > b.score);
  });
  return groups;
}

// The keyword stems of a group, from its central members' words.
std::vector<std::pair<std::string, double>> GroupKeywordStems(const ReaderContext& reader,
                                                              const std::vector<Doc>& docs,
                                                              const Group& g) {
  const size_t central = std::min(kKeywordMembers, g.members.size());
  std::vector<SparseVector> vectors;
  vectors.reserve(central);
  for (size_t j = 0; j < central; ++j) {
    const Doc& doc = docs[g.members[j]];
    vectors.push_back(TfIdfVector(reader.db, doc.did, doc.doc, &reader.df_cache));
  }
  std::vector<const SparseVector*> ptrs;
  for (const SparseVector& v : vectors) ptrs.push_back(&v);
  return clusters_internal::KeywordStems(ptrs, reader.db, &reader.df_cache, kKeywords * 2);
}

// The text of a group's central members, for surface forms.
std::string GroupText(const std::vector<Doc>& docs, const Group& g) {
  std::string text;
  for (size_t j = 0; j < std::min(kSurfaceMembers, g.members.size()); ++j) {
    const Article& a = docs[g.members[j]].article;
    absl::StrAppend(&text, a.title(), ".\n", a.body().substr(0, kSurfaceBytesPerMember), "\n");
  }
  return text;
}

// Title and opening of each of a group's central members, one text each.
std::vector<std::string> MemberOpenings(const std::vector<Doc>& docs, const Group& g) {
  std::vector<std::string> texts;
  for (size_t j = 0; j < std::min(kPhraseMembers, g.members.size()); ++j) {
    const Article& a = docs[g.members[j]].article;
    texts.push_back(absl::StrCat(a.title(), ".\n", a.body().substr(0, kPhraseBytesPerMember)));
  }
  return texts;
}

// Keywords (readable, weighted against the strongest) and a label distinct
// from `labels` taken by earlier clusters: the phrase most members share
// (index/cluster_labels.h), else the best keyword or keyword pair; "topic
// <c+1>" if none fits.
void NameCluster(const ReaderContext& reader, const std::vector<Doc>& docs, const Group& g,
                 size_t c, const std::vector<std::string>& labels, ClusterData* cluster) {
  const auto stems = GroupKeywordStems(reader, docs, g);
  std::vector<std::string> wanted;
  for (const auto& [stem, score] : stems) wanted.push_back(stem);
  const SurfaceForms forms(reader.stemmer, GroupText(docs, g), wanted);
  const double top = stems.empty() ? 1.0 : stems.front().second;
  std::vector<std::string> label_stems;
  for (const auto& [stem, score] : stems) {
    if (cluster->keywords.size() >= kKeywords) break;
    std::string word = forms.Word(stem);
    if (word.size() < 2 || IsStopWord(word)) continue;
    cluster->keywords.push_back({std::move(word), score / top});
    if (label_stems.size() < kLabelCandidates) label_stems.push_back(stem);
  }
  cluster->label = PhraseLabel(MemberOpenings(docs, g),
                               absl::flat_hash_set<std::string>(wanted.begin(), wanted.end()),
                               reader.stemmer, labels);
  if (cluster->label.empty()) {
    cluster->label =
        clusters_internal::PickLabel(forms.Readable(label_stems, kLabelCandidates), labels);
  }
  if (cluster->label.empty()) {
    std::vector<std::string> words;
    for (const ClusterKeywordData& kw : cluster->keywords) words.push_back(kw.term);
    for (size_t i = 0; i + 1 < words.size() && cluster->label.empty(); ++i) {
      cluster->label = clusters_internal::PickLabel({words[i] + " " + words[i + 1]}, labels);
    }
  }
  if (cluster->label.empty()) cluster->label = absl::StrCat("topic ", c + 1);
}

// Cluster `c`: its name, members with their cosines, and top stories.
ClusterData DescribeCluster(const ReaderContext& reader, const std::vector<Doc>& docs,
                            const KMeansResult& km, const Group& g, size_t c,
                            const std::vector<std::string>& labels, const ClusterParams& p) {
  ClusterData cluster;
  cluster.id = static_cast<int>(c);
  cluster.score = g.score;
  NameCluster(reader, docs, g, c, labels, &cluster);
  cluster.members.reserve(g.members.size());
  for (int i : g.members) cluster.members.emplace_back(docs[i].article.id(), km.similarity[i]);
  const size_t stories =
      static_cast<size_t>(std::clamp(p.stories_per_cluster, 0, kMaxStoriesPerCluster));
  for (size_t j = 0; j < std::min(stories, g.members.size()); ++j) {
    Article a = docs[g.members[j]].article;
    a.clear_body();
    cluster.top_stories.push_back(std::move(a));
  }
  return cluster;
}

}  // namespace

namespace clusters_internal {

std::vector<std::pair<std::string, double>> KeywordStems(
    const std::vector<const SparseVector*>& member_vectors, const Xapian::Database& db,
    DfCache* df_cache, size_t max) {
  absl::flat_hash_map<std::string, int> count;
  for (const SparseVector* v : member_vectors) {
    for (const auto& [term, w] : *v) ++count[term];
  }
  const double m = static_cast<double>(member_vectors.size());
  const int min_count = std::max(2, static_cast<int>(std::ceil(0.1 * m)));
  const double n = std::max<double>(1, db.get_doccount());
  std::vector<WeightedTerm> scored;
  for (const auto& [term, c] : count) {
    if (c < min_count || IsStopStem(term) || AllDigits(absl::string_view(term).substr(1))) continue;
    const double p = c / m;
    const double p_index = std::max<double>(df_cache->Get(db, term), 1) / n;
    if (p <= p_index) continue;
    scored.push_back({term, p * std::log(p / p_index)});
  }
  std::vector<std::pair<std::string, double>> out;
  for (WeightedTerm& t : Heaviest(std::move(scored), max))
    out.emplace_back(std::move(t.term), t.weight);
  return out;
}

std::string PickLabel(const std::vector<std::string>& candidates,
                      const std::vector<std::string>& taken) {
  for (const std::string& c : candidates) {
    if (c.empty() || IsStopWord(c)) continue;
    const std::string lower = absl::AsciiStrToLower(c);
    bool used = false;
    for (const std::string& t : taken) used = used || absl::AsciiStrToLower(t) == lower;
    if (!used) return c;
  }
  return "";
}

}  // namespace clusters_internal

absl::StatusOr<ClusterResults> FindClusters(const ReaderContext& reader, const Xapian::Query& query,
                                            const ClusterParams& p) {
  RETURN_IF_ERROR(CheckDeadlineBeforeStart(p.deadline, kWhat));
  ClusterResults out;
  const Xapian::MSet mset = MatchDocuments(reader, query, p);
  if (mset.empty()) return out;
  if (reader.model == nullptr) {
    return absl::UnavailableError(
        "topic clusters need the semantic model, which the server is still building (seconds "
        "after the first ingest for thousands of articles, minutes for a million; a restart "
        "loads the saved one); retry shortly (a server started with --semantic_rank=0 has none)");
  }
  ASSIGN_OR_RETURN(const Embedded e, Embed(reader, mset));
  out.considered_documents = e.n();
  RETURN_IF_ERROR(CheckDeadline(p.deadline, kWhat));
  const KMeansResult km = Cluster(e, p);
  RETURN_IF_ERROR(CheckDeadline(p.deadline, kWhat));

  std::vector<int> unclustered;
  const std::vector<Group> groups = GroupMembers(km, e.docs, &unclustered);
  std::vector<std::string> labels;
  for (size_t c = 0; c < groups.size(); ++c) {
    RETURN_IF_ERROR(CheckDeadline(p.deadline, kWhat));
    out.clusters.push_back(DescribeCluster(reader, e.docs, km, groups[c], c, labels, p));
    labels.push_back(out.clusters.back().label);
  }
  std::sort(unclustered.begin(), unclustered.end(),
            [&](int a, int b) { return e.docs[a].did < e.docs[b].did; });
  for (int i : unclustered) out.unclustered.push_back(e.docs[i].article.id());
  RETURN_IF_ERROR(CheckDeadline(p.deadline, kWhat));
  return out;
}

}  // namespace storyline::index
