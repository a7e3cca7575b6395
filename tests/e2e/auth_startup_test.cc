// Start-up checks of the security flags: a non-loopback --listen needs TLS
// and a write token (or --insecure_public), and bad token files stop the
// server with a message naming the flag, before it touches the index.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "storyline/client.h"
#include "tests/e2e/auth_fixture.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_certs.h"
#include "tests/testing/test_server.h"

namespace storyline::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

class AuthStartupTest : public ::testing::Test {
 protected:
  // Runs the server with `args` on a fresh index dir; it should exit.
  ExitResult Start(const std::string& args) {
    return RunServerToExit("--index_dir=" + dir_.Sub("index") + " " + args);
  }
  std::string Token(const std::string& name, const std::string& content) {
    const std::string path = dir_.Sub(name);
    std::ofstream(path) << content;
    return path;
  }
  TempDir dir_;
};

TEST_F(AuthStartupTest, RefusesPublicAddressWithoutTlsAndWriteToken) {
  for (const char* listen : {"0.0.0.0:0", "[::]:0", ":0"}) {
    ExitResult r = Start(std::string("--listen=") + listen);
    EXPECT_EQ(r.exit_code, 1) << listen << "\n" << r.output;
    EXPECT_THAT(r.output, AllOf(HasSubstr("refusing to listen"), HasSubstr("--tls_cert"),
                                HasSubstr("--write_token_file"), HasSubstr("--insecure_public")))
        << listen;
  }
}

TEST_F(AuthStartupTest, RefusesPublicAddressWithTokenButNoTls) {
  ExitResult r = Start("--listen=0.0.0.0:0 --write_token_file=" + Token("w", "secret-w\n"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("without TLS"));
  EXPECT_THAT(r.output, Not(HasSubstr("secret-w")));
}

TEST_F(AuthStartupTest, RefusesPublicAddressWithTlsButNoToken) {
  TestCerts certs;
  ASSERT_TRUE(certs.ok()) << "openssl could not make test certificates";
  ExitResult r = Start("--listen=0.0.0.0:0 --tls_cert=" + certs.server_cert() +
                       " --tls_key=" + certs.server_key());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("without a write token"));
}

TEST_F(AuthStartupTest, InsecurePublicStartsOnAllInterfaces) {
  TestServer server({"--listen=0.0.0.0:0", "--insecure_public"});
  ASSERT_TRUE(server.ok()) << "--insecure_public must allow 0.0.0.0";
  Client client({.target = server.address()});
  EXPECT_THAT(client.CheckHealth(), IsOk());
  EXPECT_THAT(client.GetIndexStats(), IsOk());
  EXPECT_EQ(server.Stop(), 0);
}

TEST_F(AuthStartupTest, TlsAndWriteTokenStartOnAllInterfaces) {
  TestCerts certs;
  ASSERT_TRUE(certs.ok()) << "openssl could not make test certificates";
  TestServer server({"--listen=0.0.0.0:0", "--tls_cert=" + certs.server_cert(),
                     "--tls_key=" + certs.server_key(),
                     "--write_token_file=" + WriteTokenFile(dir_, "w", kWriteToken)});
  ASSERT_TRUE(server.ok());
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = TestCerts::Read(certs.ca());
  const std::string target = "localhost:" + std::to_string(server.port());
  Client anonymous({.target = target, .credentials = grpc::SslCredentials(ssl)});
  EXPECT_THAT(anonymous.GetIndexStats(), IsOk());
  const std::vector<v1::Article> article = {v1::Article()};
  EXPECT_THAT(anonymous.IndexArticles(article),
              StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_));
  Client writer({.target = target, .credentials = grpc::SslCredentials(ssl), .token = kWriteToken});
  v1::DeleteArticlesRequest del;
  del.add_ids("nothing-here");
  EXPECT_THAT(writer.DeleteArticles(del), StatusIs(absl::StatusCode::kNotFound, ::testing::_));
}

TEST_F(AuthStartupTest, LoopbackNeedsNothing) {
  for (const char* listen : {"localhost:0", "127.0.0.1:0", "127.0.0.2:0"}) {
    TestServer server({std::string("--listen=") + listen});
    EXPECT_TRUE(server.ok()) << listen;
  }
}

TEST_F(AuthStartupTest, BadTokenFilesStopTheServer) {
  struct Case {
    std::string args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"--write_token_file=" + dir_.Sub("missing"), "--write_token_file: cannot read"},
      {"--write_token_file=" + Token("empty", ""), "the token is empty"},
      {"--write_token_file=" + Token("newline", "\n"), "the token is empty"},
      {"--write_token_file=" + Token("space", "two words\n"), "space, control or non-ASCII"},
      {"--read_token_file=" + Token("r", "read-secret\n"), "needs --write_token_file"},
      {"--write_token_file=" + Token("same1", "same-secret\n") +
           " --read_token_file=" + Token("same2", "same-secret"),
       "the read and write tokens are equal"},
      {"--tls_client_ca=" + Token("ca", "x"), "--tls_client_ca needs --tls_cert"},
  };
  for (const Case& c : cases) {
    ExitResult r = Start("--listen=127.0.0.1:0 " + c.args);
    EXPECT_EQ(r.exit_code, 1) << c.args << "\n" << r.output;
    EXPECT_THAT(r.output, HasSubstr(c.message)) << c.args;
    EXPECT_THAT(r.output, Not(HasSubstr("-secret"))) << "a token was logged";
  }
}

}  // namespace
}  // namespace storyline::testing
