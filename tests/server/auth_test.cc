// Authenticator: which `authorization` metadata grants which role, and the
// token file format shared with the clients.
#include "server/auth.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "common/token_file.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace storyline::server {
namespace {

using ::storyline::testing::IsOk;
using ::storyline::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kWrite[] = "write-token-123";
constexpr char kRead[] = "read-token-456";

struct Case {
  std::vector<absl::string_view> authorization;
  Role role;
  absl::StatusCode want;
};

TEST(AuthenticatorTest, BothTokens) {
  auto auth = Authenticator::Create(kWrite, kRead);
  ASSERT_THAT(auth, IsOk());
  using C = absl::StatusCode;
  const std::vector<Case> cases = {
      {{}, Role::kRead, C::kUnauthenticated},
      {{}, Role::kWrite, C::kUnauthenticated},
      {{"Bearer read-token-456"}, Role::kRead, C::kOk},
      {{"Bearer read-token-456"}, Role::kWrite, C::kPermissionDenied},
      {{"Bearer write-token-123"}, Role::kRead, C::kOk},
      {{"Bearer write-token-123"}, Role::kWrite, C::kOk},
      {{"bearer write-token-123"}, Role::kWrite, C::kOk},
      {{"BEARER  write-token-123"}, Role::kWrite, C::kOk},
      {{"Bearer wrong"}, Role::kRead, C::kPermissionDenied},
      {{"Bearer wrong"}, Role::kWrite, C::kPermissionDenied},
      {{"Bearer write-token-12"}, Role::kWrite, C::kPermissionDenied},
      {{"Bearer write-token-1234"}, Role::kWrite, C::kPermissionDenied},
      {{"Bearer "}, Role::kWrite, C::kUnauthenticated},
      {{"Bearer"}, Role::kWrite, C::kUnauthenticated},
      {{"write-token-123"}, Role::kWrite, C::kUnauthenticated},
      {{"Basic d3JpdGU6dG9rZW4="}, Role::kWrite, C::kUnauthenticated},
      {{"Bearer write-token-123", "Bearer write-token-123"}, Role::kWrite, C::kUnauthenticated},
  };
  for (const Case& c : cases) {
    const absl::Status s = (*auth)->CheckAuthorization(c.authorization, c.role);
    const std::string what = c.authorization.empty() ? "(none)" : std::string(c.authorization[0]);
    EXPECT_EQ(s.code(), c.want) << what << " role " << static_cast<int>(c.role) << ": " << s;
    EXPECT_THAT(std::string(s.message()), Not(HasSubstr("token-")))
        << "a status message quotes a token: " << s;
  }
}

TEST(AuthenticatorTest, WriteTokenOnlyLeavesReadsOpen) {
  auto auth = Authenticator::Create(kWrite, "");
  ASSERT_THAT(auth, IsOk());
  EXPECT_FALSE((*auth)->reads_protected());
  EXPECT_THAT((*auth)->CheckAuthorization({}, Role::kRead), IsOk());
  EXPECT_THAT((*auth)->CheckAuthorization({"Bearer anything"}, Role::kRead), IsOk());
  EXPECT_THAT((*auth)->CheckAuthorization({}, Role::kWrite),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       HasSubstr("requires the write token for IngestService")));
}

TEST(AuthenticatorTest, CreateRejectsUnsafeConfigurations) {
  EXPECT_THAT(Authenticator::Create("", kRead),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("write token is required")));
  EXPECT_THAT(Authenticator::Create("same", "same"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("equal")));
  EXPECT_THAT(Authenticator::Create("has space", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("write token")));
  EXPECT_THAT(Authenticator::Create(kWrite, "tab\there"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("read token")));
}

TEST(TokenFileTest, StripsOneLineEndingAndRejectsEmptyFiles) {
  storyline::testing::TempDir dir;
  struct FileCase {
    std::string content;
    absl::StatusCode want;
    std::string token;
  };
  const std::vector<FileCase> cases = {
      {"abc", absl::StatusCode::kOk, "abc"},
      {"abc\n", absl::StatusCode::kOk, "abc"},
      {"abc\r\n", absl::StatusCode::kOk, "abc"},
      {"abc\n\n", absl::StatusCode::kInvalidArgument, ""},
      {"", absl::StatusCode::kInvalidArgument, ""},
      {"\n", absl::StatusCode::kInvalidArgument, ""},
      {"a b\n", absl::StatusCode::kInvalidArgument, ""},
      {"caf\xc3\xa9", absl::StatusCode::kInvalidArgument, ""},
  };
  for (const FileCase& c : cases) {
    const std::string path = dir.Sub("token");
    std::ofstream(path, std::ios::binary | std::ios::trunc) << c.content;
    absl::StatusOr<std::string> token = common::ReadTokenFile(path);
    EXPECT_EQ(token.status().code(), c.want) << ::testing::PrintToString(c.content);
    if (token.ok()) {
      EXPECT_EQ(*token, c.token);
    }
  }
  EXPECT_THAT(common::ReadTokenFile(dir.Sub("missing")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("missing")));
}

}  // namespace
}  // namespace storyline::server
