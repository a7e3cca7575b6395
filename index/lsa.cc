#include "index/lsa.h"

#include <Eigen/Dense>
#include <Eigen/SparseCore>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "index/lsa_svd.h"
#include "spdlog/spdlog.h"

namespace storyline::index {
namespace {

using SparseMatrix = LsaSparseMatrix;

constexpr Xapian::doccount kMinDocuments = 8;

// The model's words: stems in at least min_df documents but not in all of
// them, with their column and idf.
struct Vocabulary {
  absl::flat_hash_map<std::string, uint32_t> index;  // stem -> column
  std::vector<std::string> terms;                    // by column, ascending
  std::vector<float> idf;                            // by column
  uint64_t term_bytes = 0;
};

// What one entry of the model's term table (stem -> row) costs, counting
// the hash table's slack.
constexpr uint64_t kTermTableEntryBytes = 32;

absl::StatusOr<Vocabulary> ReadVocabulary(const Xapian::Database& db, const LsaOptions& options) {
  const Xapian::doccount n = db.get_doccount();
  Vocabulary vocabulary;
  size_t seen = 0;
  for (auto it = db.allterms_begin("Z"); it != db.allterms_end("Z"); ++it) {
    if ((++seen & 4095) == 0) RETURN_IF_ERROR(LsaBuildInterrupted(options));
    const std::string term = *it;
    const Xapian::doccount df = it.get_termfreq();
    if (!IsVectorTerm(term) || df < options.min_df || df >= n) continue;
    vocabulary.index.emplace(term, static_cast<uint32_t>(vocabulary.idf.size()));
    vocabulary.term_bytes += term.size();
    vocabulary.terms.push_back(term);
    vocabulary.idf.push_back(static_cast<float>(std::log(static_cast<double>(n) / df)));
  }
  return vocabulary;
}

// Documents as rows of the term matrix.
struct DocumentRows {
  const Xapian::Database& db;
  const Vocabulary& vocabulary;
  const std::vector<Xapian::docid>& docids;  // sorted

  // Appends document docids[i]'s row as row `r`: TF-IDF over the
  // vocabulary, L2-normalized.
  void Append(size_t i, int r, std::vector<Eigen::Triplet<float>>* out) const {
    const Xapian::docid did = docids[i];
    std::vector<Eigen::Triplet<float>> row;
    double norm = 0;
    for (auto t = db.termlist_begin(did); t != db.termlist_end(did); ++t) {
      auto found = vocabulary.index.find(*t);
      if (found == vocabulary.index.end()) continue;
      const float w =
          (1.0f + std::log(static_cast<float>(t.get_wdf()))) * vocabulary.idf[found->second];
      row.emplace_back(r, static_cast<int>(found->second), w);
      norm += static_cast<double>(w) * w;
    }
    const float inv = norm > 0 ? static_cast<float>(1.0 / std::sqrt(norm)) : 0.0f;
    for (const auto& e : row) out->emplace_back(e.row(), e.col(), e.value() * inv);
  }
};

// The fit matrix: an even sample of `fit` of the documents, one row each.
absl::StatusOr<SparseMatrix> FitMatrix(const DocumentRows& rows, size_t fit, int terms,
                                       const LsaOptions& options) {
  const size_t total = rows.docids.size();
  std::vector<Eigen::Triplet<float>> triplets;
  for (size_t r = 0; r < fit; ++r) {
    if ((r & 1023) == 0) RETURN_IF_ERROR(LsaBuildInterrupted(options));
    rows.Append(r * total / fit, static_cast<int>(r), &triplets);
  }
  SparseMatrix a(static_cast<int>(fit), terms);
  a.setFromTriplets(triplets.begin(), triplets.end());
  return a;
}

// Where documents' latent vectors go: unit rows, in both views.
// The dot product of a[0, n) and b[0, n) in eight independent sums, so the
// compiler can keep them in vector registers (a single running sum is a
// chain of dependent adds it may not reorder). The inner loop of Nearest
// and of re-ranking; `T` is float, or the image's 16-bit codes.
template <typename T>
float LaneDot(const float* a, const T* b, size_t n) {
  constexpr size_t kLanes = 8;
  std::array<float, kLanes> sums{};
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (size_t l = 0; l < kLanes; ++l) sums[l] += a[i + l] * static_cast<float>(b[i + l]);
  }
  float dot = 0;
  for (; i < n; ++i) dot += a[i] * static_cast<float>(b[i]);
  for (float s : sums) dot += s;
  return dot;
}

// Largest 16-bit code. 8 bits were tried for the topics view: the rounding
// (up to 1.5% of a typical coordinate) moved k-means to worse optima for
// some seeds (BBC NMI 0.71-0.76 instead of 0.90).
constexpr double kCodeMax = 32767;

// Writes `x` as codes in [-kCodeMax, kCodeMax] relative to its largest
// entry; returns what a code is worth (0 for a zero vector, whose codes
// stay 0).
template <typename Vector>
float Encode(const Vector& x, int16_t* codes) {
  const double top = x.cwiseAbs().maxCoeff();
  if (!(top > 0)) return 0;
  for (int k = 0; k < x.size(); ++k) {
    codes[k] = static_cast<int16_t>(std::lround(x(k) / top * kCodeMax));
  }
  return static_cast<float>(top / kCodeMax);
}

// The sum of the squares of codes[0, n).
double SquaredNorm(const int16_t* codes, int n) {
  double squares = 0;
  for (int k = 0; k < n; ++k) squares += static_cast<double>(codes[k]) * codes[k];
  return squares;
}

// The rank that keeps a model of `documents` and `terms` (with
// `term_bytes` of stems and `provenance_bytes`) within `budget` bytes; see
// LsaModel::memory_bytes and index/lsa_image.h.
int RankWithinBudget(uint64_t documents, uint64_t terms, uint64_t term_bytes,
                     uint64_t provenance_bytes, uint64_t budget) {
  constexpr uint64_t kHeaderAndPadding = 1024;  // the header, and 64-byte alignment of 9 sections
  const uint64_t fixed = documents * 12 + terms * (8 + kTermTableEntryBytes) + term_bytes +
                         provenance_bytes + kHeaderAndPadding;
  const uint64_t per_rank = 2 * (documents + terms);
  if (budget <= fixed || per_rank == 0) return 1;
  return static_cast<int>(std::min<uint64_t>((budget - fixed) / per_rank, 1 << 20));
}

// The terms' rows of V, as 16-bit codes and a scale each.
void WriteTerms(const Vocabulary& vocabulary, const Eigen::MatrixXf& v, const LsaSections& out) {
  const auto rank = static_cast<size_t>(v.cols());
  uint32_t at = 0;
  for (size_t t = 0; t < vocabulary.terms.size(); ++t) {
    const std::string& term = vocabulary.terms[t];
    out.term_offsets[t] = at;
    std::memcpy(out.term_bytes.data() + at, term.data(), term.size());
    at += static_cast<uint32_t>(term.size());
    const auto row = v.row(static_cast<int>(t));
    out.term_scales[t] = Encode(row, &out.term_codes[t * rank]);
  }
  out.term_offsets[vocabulary.terms.size()] = at;
}

// Document `index`'s latent vector `z`, as codes and the two views' scales
// (both views are unit vectors; a document with no model stems stays zero
// and matches nothing).
void WriteDocument(size_t index, const Eigen::VectorXf& z, int narrow, const LsaSections& out) {
  const auto rank = static_cast<size_t>(z.size());
  int16_t* codes = &out.topic_codes[index * rank];
  if (Encode(z, codes) == 0) return;
  out.topic_scales[index] =
      static_cast<float>(1.0 / std::sqrt(SquaredNorm(codes, static_cast<int>(rank))));
  if (const double squares = SquaredNorm(codes, narrow); squares > 0) {
    out.narrow_scales[index] = static_cast<float>(1.0 / std::sqrt(squares));
  }
}

// Every document's latent vector: rows of a * v when every document was
// fitted, otherwise each folded in like any other text.
absl::Status WriteDocuments(const DocumentRows& rows, const SparseMatrix& a,
                            const Eigen::MatrixXf& v, int narrow, const LsaOptions& options,
                            const LsaSections& out) {
  const size_t total = rows.docids.size();
  std::copy(rows.docids.begin(), rows.docids.end(), out.docids.begin());
  if (static_cast<size_t>(a.rows()) == total) {
    const Eigen::MatrixXf z = a * v;
    for (size_t r = 0; r < total; ++r) {
      WriteDocument(r, z.row(static_cast<int>(r)).transpose(), narrow, out);
    }
    return absl::OkStatus();
  }
  std::vector<Eigen::Triplet<float>> triplets;
  Eigen::VectorXf z(v.cols());
  for (size_t r = 0; r < total; ++r) {
    if ((r & 1023) == 0) RETURN_IF_ERROR(LsaBuildInterrupted(options));
    triplets.clear();
    rows.Append(r, 0, &triplets);
    z.setZero();
    for (const auto& e : triplets) z += e.value() * v.row(e.col()).transpose();
    WriteDocument(r, z, narrow, out);
  }
  return absl::OkStatus();
}

}  // namespace

LsaModel::LsaModel(std::unique_ptr<const LsaImage> image) : image_(std::move(image)) {
  const LsaImageHeader& h = image_->header();
  const LsaSections& s = image_->sections();
  rank_ = static_cast<int>(h.rank);
  narrow_ = static_cast<int>(h.narrow);
  docids_ = s.docids;
  term_scales_ = s.term_scales;
  term_codes_ = s.term_codes;
  topic_scales_ = s.topic_scales;
  narrow_scales_ = s.narrow_scales;
  topic_codes_ = s.topic_codes;
  term_index_.reserve(h.terms);
  for (uint32_t t = 0; t < h.terms; ++t) {
    const uint32_t begin = s.term_offsets[t];
    term_index_.emplace(
        std::string_view(s.term_bytes.data() + begin, s.term_offsets[t + 1] - begin), t);
  }
}

std::shared_ptr<const LsaModel> LsaModel::FromImage(std::unique_ptr<const LsaImage> image) {
  return std::shared_ptr<const LsaModel>(new LsaModel(std::move(image)));
}

uint64_t LsaModel::memory_bytes() const {
  return image_->bytes().size() + term_index_.size() * kTermTableEntryBytes;
}

float LsaModel::Dot(std::span<const float> a, std::span<const float> b) {
  return LaneDot(a.data(), b.data(), std::min(a.size(), b.size()));
}

namespace {

// The provenance a model records when the caller gives none.
std::string DefaultProvenance(const Xapian::Database& db) {
  return absl::StrCat("documents=", db.get_doccount(), "\nlast_docid=", db.get_lastdocid(), "\n");
}

// The space's dimensions for an index of `n` documents over `vocabulary`:
// at most a quarter of its articles or words, and within the budget.
absl::StatusOr<int> ChooseRank(Xapian::doccount n, const Vocabulary& vocabulary,
                               uint64_t provenance_bytes, const LsaOptions& options) {
  const int terms = static_cast<int>(vocabulary.idf.size());
  const int budget =
      RankWithinBudget(n, terms, vocabulary.term_bytes, provenance_bytes, options.max_memory_bytes);
  const int rank =
      std::min({std::max(1, options.rank), static_cast<int>(n / 4), terms / 4, budget});
  if (rank < 2) {
    return absl::FailedPreconditionError(
        budget < 2 ? absl::StrCat("a semantic model of ", n, " articles does not fit in ",
                                  options.max_memory_bytes >> 20, " MiB")
                   : absl::StrCat("a semantic model needs at least 8 distinct words shared by "
                                  "two articles; the index has ",
                                  terms));
  }
  return rank;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const LsaModel>> LsaModel::Build(const Xapian::Database& db,
                                                                const LsaOptions& options) {
  const absl::Time start = absl::Now();
  const Xapian::doccount n = db.get_doccount();
  if (n < kMinDocuments) {
    return absl::FailedPreconditionError(absl::StrCat(
        "a semantic model needs at least ", kMinDocuments, " articles; the index has ", n));
  }
  ASSIGN_OR_RETURN(const Vocabulary vocabulary, ReadVocabulary(db, options));
  const std::string provenance =
      options.provenance.empty() ? DefaultProvenance(db) : options.provenance;
  ASSIGN_OR_RETURN(const int rank, ChooseRank(n, vocabulary, provenance.size(), options));
  const int terms = static_cast<int>(vocabulary.idf.size());
  const int width = std::min(rank + std::max(0, options.oversample), terms);
  std::vector<Xapian::docid> docids;
  docids.reserve(n);
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) docids.push_back(*it);
  std::sort(docids.begin(), docids.end());

  // Fit on an even sample of at most max_fit_documents.
  const DocumentRows rows{.db = db, .vocabulary = vocabulary, .docids = docids};
  const size_t fit = std::min<size_t>(
      docids.size(), std::max<Xapian::doccount>(options.max_fit_documents, 2 * rank));
  const absl::Time read = absl::Now();
  ASSIGN_OR_RETURN(const SparseMatrix a, FitMatrix(rows, fit, terms, options));
  const absl::Time fitted = absl::Now();
  ASSIGN_OR_RETURN(const Eigen::MatrixXf v, RightSingularVectors(a, rank, width, options));
  const absl::Time solved = absl::Now();

  const LsaShape shape{
      .rank = static_cast<uint32_t>(rank),
      .narrow = static_cast<uint32_t>(std::clamp(options.similarity_dims, 1, rank)),
      .documents = docids.size(),
      .terms = vocabulary.terms.size(),
      .term_bytes = vocabulary.term_bytes};
  std::unique_ptr<LsaImage> image = LsaImage::Allocate(shape, provenance);
  WriteTerms(vocabulary, v, image->sections());
  RETURN_IF_ERROR(
      WriteDocuments(rows, a, v, static_cast<int>(shape.narrow), options, image->sections()));
  spdlog::info(
      "semantic model phases: vocabulary and ids {:.1f}s, fit matrix ({} articles) "
      "{:.1f}s, SVD (rank {}) {:.1f}s, article vectors {:.1f}s",
      absl::ToDoubleSeconds(read - start), fit, absl::ToDoubleSeconds(fitted - read), rank,
      absl::ToDoubleSeconds(solved - fitted), absl::ToDoubleSeconds(absl::Now() - solved));
  image->Seal(absl::ToUnixMillis(absl::Now()), absl::ToInt64Milliseconds(absl::Now() - start));
  return FromImage(std::move(image));
}

std::vector<float> LsaModel::Project(const SparseVector& tfidf, LsaView view) const {
  const int dims = this->dims(view);
  std::vector<float> z(dims, 0.0f);
  bool any = false;
  for (const auto& [term, w] : tfidf) {
    auto it = term_index_.find(term);
    if (it == term_index_.end()) continue;
    any = true;
    const int16_t* row = &term_codes_[static_cast<size_t>(it->second) * rank_];
    const float scaled = static_cast<float>(w) * term_scales_[it->second];
    for (int k = 0; k < dims; ++k) z[k] += scaled * static_cast<float>(row[k]);
  }
  double norm = 0;
  for (float x : z) norm += static_cast<double>(x) * x;
  if (!any || norm <= 0) return {};
  const auto inv = static_cast<float>(1.0 / std::sqrt(norm));
  for (float& x : z) x *= inv;
  return z;
}

std::optional<size_t> LsaModel::RowOf(Xapian::docid did) const {
  // Docids are dense in an index without deletions: try row did - 1 first.
  const size_t guess = static_cast<size_t>(did) - 1;
  if (did != 0 && guess < docids_.size() && docids_[guess] == did) return guess;
  auto it = std::lower_bound(docids_.begin(), docids_.end(), did);
  if (it == docids_.end() || *it != did) return std::nullopt;
  return static_cast<size_t>(it - docids_.begin());
}

bool LsaModel::SimilarityVector(Xapian::docid did, std::vector<float>* out) const {
  const std::optional<size_t> row = RowOf(did);
  if (!row) return false;
  const int16_t* codes = &topic_codes_[*row * static_cast<size_t>(rank_)];
  const float scale = narrow_scales_[*row];
  out->resize(static_cast<size_t>(narrow_));
  for (int k = 0; k < narrow_; ++k) (*out)[k] = codes[k] * scale;
  return true;
}

bool LsaModel::TopicsVector(Xapian::docid did, std::vector<float>* out) const {
  const std::optional<size_t> row = RowOf(did);
  if (!row) return false;
  const auto dims = static_cast<size_t>(rank_);
  const int16_t* codes = &topic_codes_[*row * dims];
  const float scale = topic_scales_[*row];
  out->resize(dims);
  for (size_t k = 0; k < dims; ++k) (*out)[k] = codes[k] * scale;
  return true;
}

std::optional<float> LsaModel::TopicsDot(std::span<const float> z, Xapian::docid did) const {
  const std::optional<size_t> row = RowOf(did);
  if (!row) return std::nullopt;
  const auto dims = static_cast<size_t>(rank_);
  return LaneDot(z.data(), &topic_codes_[*row * dims], std::min(z.size(), dims)) *
         topic_scales_[*row];
}

std::vector<std::pair<Xapian::docid, float>> LsaModel::Nearest(std::span<const float> z, size_t n,
                                                               Xapian::docid skip) const {
  std::vector<std::pair<Xapian::docid, float>> out;
  const auto dims = static_cast<size_t>(narrow_);
  if (z.size() != dims || n == 0) return out;
  const auto stride = static_cast<size_t>(rank_);
  std::vector<std::pair<float, uint32_t>> scored;
  scored.reserve(docids_.size());
  for (size_t i = 0; i < docids_.size(); ++i) {
    if (docids_[i] == skip) continue;
    scored.emplace_back(LaneDot(z.data(), &topic_codes_[i * stride], dims) * narrow_scales_[i],
                        static_cast<uint32_t>(i));
  }
  const size_t keep = std::min(n, scored.size());
  // Ties go to the smaller docid, so results are deterministic.
  auto better = [](const auto& x, const auto& y) {
    return x.first > y.first || (x.first == y.first && x.second < y.second);
  };
  std::partial_sort(scored.begin(), scored.begin() + keep, scored.end(), better);
  out.reserve(keep);
  for (size_t i = 0; i < keep; ++i) out.emplace_back(docids_[scored[i].second], scored[i].first);
  return out;
}

}  // namespace storyline::index
