#include "index/lsa.h"

#include <Eigen/Dense>
#include <Eigen/SparseCore>
#include <algorithm>
#include <array>
#include <cmath>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "index/deadline.h"

namespace storyline::index {
namespace {

using SparseMatrix = Eigen::SparseMatrix<float, Eigen::RowMajor, int>;

// An orthonormal basis of the columns of `m` (thin Q of its QR).
Eigen::MatrixXf Orthonormalize(const Eigen::MatrixXf& m) {
  Eigen::HouseholderQR<Eigen::MatrixXf> qr(m);
  return qr.householderQ() * Eigen::MatrixXf::Identity(m.rows(), m.cols());
}

constexpr Xapian::doccount kMinDocuments = 8;

// Why a build must stop now: cancelled (shutdown) or past its deadline.
absl::Status Interrupted(const LsaOptions& options) {
  if (options.cancelled != nullptr && options.cancelled->load(std::memory_order_relaxed)) {
    return absl::CancelledError("building the semantic model was cancelled");
  }
  if (DeadlinePassed(options.deadline)) {
    return absl::DeadlineExceededError("building the semantic model took longer than allowed");
  }
  return absl::OkStatus();
}

// The model's words: stems in at least min_df documents but not in all of
// them, with their column and idf.
struct Vocabulary {
  absl::flat_hash_map<std::string, uint32_t> index;  // stem -> column
  std::vector<float> idf;                            // by column
};

absl::StatusOr<Vocabulary> ReadVocabulary(const Xapian::Database& db, const LsaOptions& options) {
  const Xapian::doccount n = db.get_doccount();
  Vocabulary vocabulary;
  size_t seen = 0;
  for (auto it = db.allterms_begin("Z"); it != db.allterms_end("Z"); ++it) {
    if ((++seen & 4095) == 0) RETURN_IF_ERROR(Interrupted(options));
    const std::string term = *it;
    const Xapian::doccount df = it.get_termfreq();
    if (!IsVectorTerm(term) || df < options.min_df || df >= n) continue;
    vocabulary.index.emplace(term, static_cast<uint32_t>(vocabulary.idf.size()));
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
    if ((r & 1023) == 0) RETURN_IF_ERROR(Interrupted(options));
    rows.Append(r * total / fit, static_cast<int>(r), &triplets);
  }
  SparseMatrix a(static_cast<int>(fit), terms);
  a.setFromTriplets(triplets.begin(), triplets.end());
  return a;
}

// An orthonormal basis (fit x width) of the range of `a`: a randomized
// range finder with power iterations.
absl::StatusOr<Eigen::MatrixXf> RangeBasis(const SparseMatrix& a, int width,
                                           const LsaOptions& options) {
  const auto terms = static_cast<int>(a.cols());
  std::mt19937_64 rng(options.seed);
  std::normal_distribution<float> gauss(0.0f, 1.0f);
  Eigen::MatrixXf omega(terms, width);
  for (int j = 0; j < width; ++j) {
    for (int i = 0; i < terms; ++i) omega(i, j) = gauss(rng);
  }
  RETURN_IF_ERROR(Interrupted(options));
  Eigen::MatrixXf y = a * omega;
  for (int i = 0; i < options.power_iterations; ++i) {
    RETURN_IF_ERROR(Interrupted(options));
    const Eigen::MatrixXf z = Orthonormalize(a.transpose() * Orthonormalize(y));
    y = a * z;
  }
  return Orthonormalize(y);
}

// The `rank` leading right singular vectors of `a` (terms x rank).
absl::StatusOr<Eigen::MatrixXf> RightSingularVectors(const SparseMatrix& a, int rank, int width,
                                                     const LsaOptions& options) {
  ASSIGN_OR_RETURN(const Eigen::MatrixXf q, RangeBasis(a, width, options));  // fit x width
  const Eigen::MatrixXf bt = a.transpose() * q;  // terms x width = (Q^T A)^T
  // SVD of the small matrix through its Gram matrix: B B^T = W L W^T, and
  // the right singular vectors of A are B^T W L^-1/2.
  const Eigen::MatrixXd btd = bt.cast<double>();
  const Eigen::MatrixXd gram = btd.transpose() * btd;
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(gram);
  if (eig.info() != Eigen::Success) {
    return absl::InternalError("semantic model: eigen-decomposition did not converge");
  }
  Eigen::MatrixXf v(a.cols(), rank);
  for (int k = 0; k < rank; ++k) {
    const int col = width - 1 - k;  // eigenvalues ascend
    // Directions the data does not have (duplicates, tiny indexes) are
    // left out rather than amplified from rounding noise.
    const double lambda = eig.eigenvalues()(col);
    if (lambda <= 1e-8 * std::max(eig.eigenvalues()(width - 1), 1e-300)) {
      v.col(k).setZero();
      continue;
    }
    v.col(k) =
        (btd * eig.eigenvectors().col(col)).cast<float>() / static_cast<float>(std::sqrt(lambda));
  }
  RETURN_IF_ERROR(Interrupted(options));
  return v;
}

// The entries of `m`, row by row.
std::vector<float> RowMajor(const Eigen::MatrixXf& m) {
  std::vector<float> out(static_cast<size_t>(m.rows()) * m.cols());
  for (int r = 0; r < m.rows(); ++r) {
    for (int c = 0; c < m.cols(); ++c) out[static_cast<size_t>(r) * m.cols() + c] = m(r, c);
  }
  return out;
}

// Where documents' latent vectors go: unit rows, in both views.
// The dot product of a[0, n) and b[0, n) in eight independent sums, so the
// compiler can keep them in vector registers (a single running sum is a
// chain of dependent adds it may not reorder). The inner loop of Nearest
// and of re-ranking; `T` is float, or the topics view's 16-bit codes.
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

// Largest code of the topics view's 16-bit codes. 8 bits were tried: the
// rounding (up to 1.5% of a typical coordinate) moved k-means to worse
// optima for some seeds (BBC NMI 0.71-0.76 instead of 0.90).
constexpr double kCodeMax = 32767;

struct DocVectorStore {
  int rank;
  int narrow;
  std::vector<int16_t>* wide_codes;
  std::vector<float>* wide_scales;
  std::vector<float>* narrow_vectors;

  void Reset(size_t documents) {
    wide_codes->assign(documents * rank, 0);
    wide_scales->assign(documents, 0.0f);
    narrow_vectors->assign(documents * narrow, 0.0f);
  }
  void Put(size_t index, const Eigen::VectorXf& z) {
    // No vocabulary stems: stays zero, matches nothing.
    if (const float top = z.cwiseAbs().maxCoeff(); top > 0) {
      // Codes in [-kCodeMax, kCodeMax]; the scale makes the decoded row a
      // unit vector.
      double squares = 0;
      for (int k = 0; k < rank; ++k) {
        const auto code = static_cast<int16_t>(std::lround(z(k) / top * kCodeMax));
        (*wide_codes)[index * rank + k] = code;
        squares += static_cast<double>(code) * code;
      }
      (*wide_scales)[index] = static_cast<float>(1.0 / std::sqrt(squares));
    }
    if (const float norm = z.head(narrow).norm(); norm > 0) {
      for (int k = 0; k < narrow; ++k) (*narrow_vectors)[index * narrow + k] = z(k) / norm;
    }
  }
};

}  // namespace

std::string LsaModel::Signature(const Xapian::Database& db) {
  return absl::StrCat(db.get_doccount(), ":", db.get_lastdocid(), ":",
                      static_cast<uint64_t>(std::llround(db.get_avlength() * db.get_doccount())));
}

float LsaModel::Dot(std::span<const float> a, std::span<const float> b) {
  return LaneDot(a.data(), b.data(), std::min(a.size(), b.size()));
}

absl::StatusOr<std::shared_ptr<const LsaModel>> LsaModel::Build(const Xapian::Database& db,
                                                                const LsaOptions& options) {
  const Xapian::doccount n = db.get_doccount();
  if (n < kMinDocuments) {
    return absl::FailedPreconditionError(absl::StrCat(
        "a semantic model needs at least ", kMinDocuments, " articles; the index has ", n));
  }
  std::shared_ptr<LsaModel> model(new LsaModel());
  model->signature_ = Signature(db);
  ASSIGN_OR_RETURN(Vocabulary vocabulary, ReadVocabulary(db, options));
  const int terms = static_cast<int>(vocabulary.idf.size());
  // A small index gets a smaller space: at most a quarter of its articles
  // or words.
  const int rank = std::min({std::max(1, options.rank), static_cast<int>(n / 4), terms / 4});
  if (rank < 2) {
    return absl::FailedPreconditionError(absl::StrCat(
        "a semantic model needs at least 8 distinct words shared by two articles; the index has ",
        terms));
  }
  const int width = std::min(rank + std::max(0, options.oversample), terms);
  model->rank_ = rank;
  model->narrow_ = std::clamp(options.similarity_dims, 1, rank);
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    model->docids_.push_back(*it);
  }
  std::sort(model->docids_.begin(), model->docids_.end());

  // Fit on an even sample of at most max_fit_documents.
  const DocumentRows rows{.db = db, .vocabulary = vocabulary, .docids = model->docids_};
  const size_t total = model->docids_.size();
  const size_t fit =
      std::min<size_t>(total, std::max<Xapian::doccount>(options.max_fit_documents, 2 * rank));
  ASSIGN_OR_RETURN(const SparseMatrix a, FitMatrix(rows, fit, terms, options));
  ASSIGN_OR_RETURN(const Eigen::MatrixXf v, RightSingularVectors(a, rank, width, options));
  model->term_vectors_ = RowMajor(v);

  // Every document's latent vectors, folded in like any other text.
  DocVectorStore store{.rank = rank,
                       .narrow = model->narrow_,
                       .wide_codes = &model->wide_codes_,
                       .wide_scales = &model->wide_scales_,
                       .narrow_vectors = &model->narrow_vectors_};
  store.Reset(total);
  if (fit == total) {
    const Eigen::MatrixXf z = a * v;
    for (size_t r = 0; r < total; ++r) store.Put(r, z.row(static_cast<int>(r)).transpose());
  } else {
    std::vector<Eigen::Triplet<float>> triplets;
    for (size_t r = 0; r < total; ++r) {
      if ((r & 1023) == 0) RETURN_IF_ERROR(Interrupted(options));
      triplets.clear();
      rows.Append(r, 0, &triplets);
      Eigen::VectorXf z = Eigen::VectorXf::Zero(rank);
      for (const auto& e : triplets) z += e.value() * v.row(e.col()).transpose();
      store.Put(r, z);
    }
  }
  model->term_index_ = std::move(vocabulary.index);  // `rows` reads it until here
  return std::shared_ptr<const LsaModel>(std::move(model));
}

std::vector<float> LsaModel::Project(const SparseVector& tfidf, LsaView view) const {
  const int dims = this->dims(view);
  std::vector<float> z(dims, 0.0f);
  bool any = false;
  for (const auto& [term, w] : tfidf) {
    auto it = term_index_.find(term);
    if (it == term_index_.end()) continue;
    any = true;
    const float* row = &term_vectors_[static_cast<size_t>(it->second) * rank_];
    for (int k = 0; k < dims; ++k) z[k] += static_cast<float>(w) * row[k];
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

std::span<const float> LsaModel::DocVector(Xapian::docid did) const {
  const std::optional<size_t> row = RowOf(did);
  if (!row) return {};
  const auto dims = static_cast<size_t>(narrow_);
  return std::span<const float>(&narrow_vectors_[*row * dims], dims);
}

bool LsaModel::TopicsVector(Xapian::docid did, std::vector<float>* out) const {
  const std::optional<size_t> row = RowOf(did);
  if (!row) return false;
  const auto dims = static_cast<size_t>(rank_);
  const int16_t* codes = &wide_codes_[*row * dims];
  const float scale = wide_scales_[*row];
  out->resize(dims);
  for (size_t k = 0; k < dims; ++k) (*out)[k] = codes[k] * scale;
  return true;
}

std::optional<float> LsaModel::TopicsDot(std::span<const float> z, Xapian::docid did) const {
  const std::optional<size_t> row = RowOf(did);
  if (!row) return std::nullopt;
  const auto dims = static_cast<size_t>(rank_);
  return LaneDot(z.data(), &wide_codes_[*row * dims], std::min(z.size(), dims)) *
         wide_scales_[*row];
}

std::vector<std::pair<Xapian::docid, float>> LsaModel::Nearest(std::span<const float> z, size_t n,
                                                               Xapian::docid skip) const {
  std::vector<std::pair<Xapian::docid, float>> out;
  const auto dims = static_cast<size_t>(narrow_);
  if (z.size() != dims || n == 0) return out;
  std::vector<std::pair<float, uint32_t>> scored;
  scored.reserve(docids_.size());
  for (size_t i = 0; i < docids_.size(); ++i) {
    if (docids_[i] == skip) continue;
    scored.emplace_back(Dot(z, std::span<const float>(&narrow_vectors_[i * dims], dims)),
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
