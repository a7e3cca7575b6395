#include "index/xapian_status.h"

#include <cerrno>
#include <cstring>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace storyline::index {
namespace {

// What the operator must free when a system call ran out of something, or
// null when the error is not about exhausted resources. Xapian keeps errno
// private and exposes only its strerror() text.
const char* ExhaustedResource(const Xapian::Error& e) {
  const char* text = e.get_error_string();
  struct Known {
    int err;
    const char* what;
  };
  static constexpr Known kKnown[] = {
      {ENOSPC, "disk full"},
      {EDQUOT, "disk quota exceeded"},
      {EFBIG, "file size limit reached"},
      {EMFILE, "out of file descriptors (raise the open-file limit, ulimit -n)"},
      {ENFILE, "the system is out of file descriptors"},
      {ENOMEM, "out of memory"},
  };
  for (const Known& k : kKnown) {
    const char* known = std::strerror(k.err);
    if (text != nullptr && std::strcmp(text, known) == 0) return k.what;
    // A failed commit wraps the system error in its message:
    // "Modifications failed (... (Too many open files))".
    if (absl::StrContains(e.get_msg(), absl::StrCat("(", known, ")"))) return k.what;
  }
  return nullptr;
}

}  // namespace

absl::Status XapianErrorToStatus(const Xapian::Error& e, absl::string_view context) {
  std::string msg =
      context.empty() ? e.get_description() : absl::StrCat(context, ": ", e.get_description());
  if (const char* what = ExhaustedResource(e)) {
    return absl::ResourceExhaustedError(absl::StrCat(what, ": ", msg));
  }
  // Xapian::Error is not polymorphic; its type name says what it is.
  const absl::string_view type = e.get_type();
  if (type == "InvalidArgumentError" || type == "QueryParserError" || type == "RangeError") {
    return absl::InvalidArgumentError(msg);
  }
  if (type == "DocNotFoundError" || type == "DatabaseNotFoundError" ||
      type == "DatabaseOpeningError") {
    return absl::NotFoundError(msg);
  }
  if (type == "DatabaseModifiedError") return absl::AbortedError(msg);
  // A remote shard's server is gone or too slow. The context, when Xapian
  // gives one, names it ("remote:tcp(HOST:PORT)").
  if (type == "NetworkError" || type == "NetworkTimeoutError") {
    return absl::UnavailableError(msg);
  }
  if (type == "DatabaseLockError" || type == "DatabaseClosedError") {
    return absl::UnavailableError(msg);
  }
  if (type == "DatabaseCorruptError") return absl::DataLossError(msg);
  // A table file shorter than its blocks say: truncated on disk.
  if (type == "DatabaseError" && absl::StartsWith(e.get_msg(), "EOF reading block")) {
    return absl::DataLossError(msg);
  }
  return absl::InternalError(msg);
}

}  // namespace storyline::index
