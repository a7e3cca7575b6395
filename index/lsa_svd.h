// The randomized truncated SVD behind LsaModel (index/lsa.h): Halko,
// Martinsson & Tropp (2011). A Gaussian test matrix with a fixed seed, a few
// power iterations, then an exact eigen-decomposition of the small
// projected Gram matrix. Same matrix + same options = same vectors.
//
// Thread-safety: free functions.
#ifndef STORYLINE_INDEX_LSA_SVD_H_
#define STORYLINE_INDEX_LSA_SVD_H_

#include <Eigen/Dense>
#include <Eigen/SparseCore>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "index/lsa.h"

namespace storyline::index {

// Documents as rows, terms as columns.
using LsaSparseMatrix = Eigen::SparseMatrix<float, Eigen::RowMajor, int>;

// Why a build must stop now: kCancelled (shutdown) or kDeadlineExceeded.
absl::Status LsaBuildInterrupted(const LsaOptions& options);

// The `rank` leading right singular vectors of `a` (terms x rank), found in
// a random subspace of `width` >= rank dimensions. Directions the data does
// not have are zero columns.
absl::StatusOr<Eigen::MatrixXf> RightSingularVectors(const LsaSparseMatrix& a, int rank, int width,
                                                     const LsaOptions& options);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_LSA_SVD_H_
