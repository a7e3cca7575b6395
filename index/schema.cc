#include "index/schema.h"

#include <openssl/sha.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace storyline::index {

std::string IdTerm(absl::string_view id) {
  if (id.size() <= 200) return absl::StrCat(kPrefixId, id);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(id.data()), id.size(), digest);
  return absl::StrCat(kPrefixId, id.substr(0, 160), "#",
                      absl::BytesToHexString(absl::string_view(
                          reinterpret_cast<const char*>(digest), sizeof(digest))));
}

std::string FoldCase(absl::string_view s) { return absl::AsciiStrToLower(s); }

}  // namespace storyline::index
