// Maps Xapian exceptions to absl::Status. Xapian exceptions never leave
// index/: every public index function catches Xapian::Error and returns
// XapianErrorToStatus(e).
#ifndef STORYLINE_INDEX_XAPIAN_STATUS_H_
#define STORYLINE_INDEX_XAPIAN_STATUS_H_

#include <xapian.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace storyline::index {

// Errors from a system call that ran out of something (ENOSPC, EDQUOT,
// EFBIG, EMFILE, ENFILE, ENOMEM) -> kResourceExhausted, saying what;
// InvalidArgument/QueryParser/Range -> kInvalidArgument,
// DocNotFound/DatabaseNotFound -> kNotFound, DatabaseModified -> kAborted,
// DatabaseLock/DatabaseClosed -> kUnavailable, DatabaseCorrupt and reads
// past the end of a truncated table -> kDataLoss,
// anything else -> kInternal. `context` prefixes the message.
absl::Status XapianErrorToStatus(const Xapian::Error& e, absl::string_view context = "");

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_XAPIAN_STATUS_H_
