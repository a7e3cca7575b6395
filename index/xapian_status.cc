#include "index/xapian_status.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace storyline::index {

absl::Status XapianErrorToStatus(const Xapian::Error& e,
                                 absl::string_view context) {
  std::string msg = context.empty()
                        ? e.get_description()
                        : absl::StrCat(context, ": ", e.get_description());
  // Xapian::Error is not polymorphic; its type name says what it is.
  const absl::string_view type = e.get_type();
  if (type == "InvalidArgumentError" || type == "QueryParserError" ||
      type == "RangeError") {
    return absl::InvalidArgumentError(msg);
  }
  if (type == "DocNotFoundError" || type == "DatabaseNotFoundError" ||
      type == "DatabaseOpeningError") {
    return absl::NotFoundError(msg);
  }
  if (type == "DatabaseModifiedError") return absl::AbortedError(msg);
  if (type == "DatabaseLockError") return absl::UnavailableError(msg);
  if (type == "DatabaseCorruptError") return absl::DataLossError(msg);
  return absl::InternalError(msg);
}

}  // namespace storyline::index
