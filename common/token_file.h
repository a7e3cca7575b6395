// Bearer tokens as the server and the clients read them, so both sides
// agree on one file format: the whole file is the token, except for one
// trailing line ending ("\n" or "\r\n") that editors and `echo` add.
//
// A token must be printable ASCII without spaces: gRPC only carries
// printable ASCII in text metadata, and "Bearer <token>" splits at a space.
//
// Thread-safety: free functions without shared state.
#ifndef STORYLINE_COMMON_TOKEN_FILE_H_
#define STORYLINE_COMMON_TOKEN_FILE_H_

#include <fstream>
#include <iterator>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace storyline::common {

// OK if `token` can be sent as "authorization: Bearer <token>": non-empty,
// printable ASCII, no spaces. Otherwise kInvalidArgument saying which rule
// it breaks (never quoting the token).
inline absl::Status ValidateBearerToken(absl::string_view token) {
  if (token.empty()) return absl::InvalidArgumentError("the token is empty");
  for (size_t i = 0; i < token.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(token[i]);
    if (c <= 0x20 || c >= 0x7f) {
      return absl::InvalidArgumentError(
          absl::StrCat("the token has a space, control or non-ASCII byte at offset ", i,
                       " (tokens are printable ASCII; e.g. make one with `openssl rand -hex 32`)"));
    }
  }
  return absl::OkStatus();
}

// The token stored in `path`, without one trailing line ending. Fails with
// kNotFound if the file cannot be read, and kInvalidArgument if it is empty
// or not a valid token; messages name the file but never quote its content.
inline absl::StatusOr<std::string> ReadTokenFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read token file ", path));
  std::string token((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return absl::NotFoundError(absl::StrCat("cannot read token file ", path));
  if (!token.empty() && token.back() == '\n') token.pop_back();
  if (!token.empty() && token.back() == '\r') token.pop_back();
  if (absl::Status s = ValidateBearerToken(token); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("token file ", path, ": ", s.message()));
  }
  return token;
}

}  // namespace storyline::common

#endif  // STORYLINE_COMMON_TOKEN_FILE_H_
