#include "index/lsa_svd.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "common/status_macros.h"
#include "index/deadline.h"

namespace storyline::index {
namespace {

// An orthonormal basis of the columns of `m` (thin Q of its QR).
Eigen::MatrixXf Orthonormalize(const Eigen::MatrixXf& m) {
  Eigen::HouseholderQR<Eigen::MatrixXf> qr(m);
  return qr.householderQ() * Eigen::MatrixXf::Identity(m.rows(), m.cols());
}

// An orthonormal basis (fit x width) of the range of `a`: a randomized
// range finder with power iterations.
absl::StatusOr<Eigen::MatrixXf> RangeBasis(const LsaSparseMatrix& a, int width,
                                           const LsaOptions& options) {
  const auto terms = static_cast<int>(a.cols());
  std::mt19937_64 rng(options.seed);
  std::normal_distribution<float> gauss(0.0f, 1.0f);
  Eigen::MatrixXf omega(terms, width);
  for (int j = 0; j < width; ++j) {
    for (int i = 0; i < terms; ++i) omega(i, j) = gauss(rng);
  }
  RETURN_IF_ERROR(LsaBuildInterrupted(options));
  Eigen::MatrixXf y = a * omega;
  for (int i = 0; i < options.power_iterations; ++i) {
    RETURN_IF_ERROR(LsaBuildInterrupted(options));
    const Eigen::MatrixXf z = Orthonormalize(a.transpose() * Orthonormalize(y));
    y = a * z;
  }
  return Orthonormalize(y);
}

}  // namespace

// Why a build must stop now: cancelled (shutdown) or past its deadline.
absl::Status LsaBuildInterrupted(const LsaOptions& options) {
  if (options.cancelled != nullptr && options.cancelled->load(std::memory_order_relaxed)) {
    return absl::CancelledError("building the semantic model was cancelled");
  }
  if (DeadlinePassed(options.deadline)) {
    return absl::DeadlineExceededError("building the semantic model took longer than allowed");
  }
  return absl::OkStatus();
}

// The `rank` leading right singular vectors of `a` (terms x rank).
absl::StatusOr<Eigen::MatrixXf> RightSingularVectors(const LsaSparseMatrix& a, int rank, int width,
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
  RETURN_IF_ERROR(LsaBuildInterrupted(options));
  return v;
}

}  // namespace storyline::index
