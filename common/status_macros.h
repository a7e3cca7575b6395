// RETURN_IF_ERROR and ASSIGN_OR_RETURN for absl::Status / absl::StatusOr.
// Abseil 20220623 ships neither, so Storyline keeps its own.
#ifndef STORYLINE_COMMON_STATUS_MACROS_H_
#define STORYLINE_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// NOLINTBEGIN(bugprone-macro-parentheses): `lhs` is a declaration
// ("auto x") and `statusor` a name; neither can be parenthesised.
#define STORYLINE_CONCAT_INNER_(a, b) a##b
#define STORYLINE_CONCAT_(a, b) STORYLINE_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function if `expr` is not OK.
#define RETURN_IF_ERROR(expr)                             \
  do {                                                    \
    if (absl::Status _st = (expr); !_st.ok()) return _st; \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, MakeX());` assigns the value of a StatusOr or
// returns its status from the enclosing function.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(STORYLINE_CONCAT_(_statusor_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                           \
  if (!statusor.ok()) return statusor.status();     \
  lhs = std::move(statusor).value()
// NOLINTEND(bugprone-macro-parentheses)

#endif  // STORYLINE_COMMON_STATUS_MACROS_H_
