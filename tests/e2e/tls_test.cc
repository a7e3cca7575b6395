// TLS end to end: the server with --tls_cert/--tls_key, the client library
// with SslCredentials trusting that certificate. A plaintext client fails,
// and so does a TLS client against a plaintext server. Mutual TLS
// (--tls_client_ca) refuses clients without a certificate its CA signed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "storyline/client.h"
#include "storyline/credentials.h"
#include "tests/e2e/auth_fixture.h"
#include "tests/e2e/cli_runner.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_certs.h"
#include "tests/testing/test_server.h"

namespace storyline::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(TlsTest, ClientWithTrustedCertificateTalksToTlsServer) {
  TempDir certs;
  const std::string key = certs.Sub("key.pem"), cert = certs.Sub("cert.pem");
  const std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
      "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
      key + " -out " + cert + " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl could not make a test certificate";

  TestServer server({"--tls_cert=" + cert, "--tls_key=" + key,
                     std::string("--seed_jsonl=") + STORYLINE_DEMO_JSONL});
  ASSERT_TRUE(server.ok());
  const std::string target = "localhost:" + std::to_string(server.port());

  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadAll(cert);
  Client secure({.target = target, .credentials = grpc::SslCredentials(ssl)});
  EXPECT_THAT(secure.CheckHealth(), IsOk());
  v1::SearchRequest req;
  req.set_query("tidal barrage");
  auto resp = secure.Search(req);
  ASSERT_THAT(resp, IsOk());
  EXPECT_GT(resp->results_size(), 0);

  Client plaintext({.target = target, .default_deadline = absl::Seconds(3)});
  EXPECT_THAT(plaintext.CheckHealth(), StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
}

TEST(TlsTest, MissingKeyFileFailsAtStartup) {
  TestServer server({"--tls_cert=/nonexistent/cert.pem", "--tls_key=/nonexistent/key.pem"});
  EXPECT_FALSE(server.ok()) << "the server must refuse to start without its TLS files";
}

TEST(TlsTest, TlsClientAgainstPlaintextServerFails) {
  TestCerts certs;
  ASSERT_TRUE(certs.ok()) << "openssl could not make test certificates";
  TestServer server;
  ASSERT_TRUE(server.ok());
  auto tls = MakeTlsCredentials({.ca_file = certs.ca()});
  ASSERT_THAT(tls, IsOk());
  Client client({.target = "localhost:" + std::to_string(server.port()),
                 .default_deadline = absl::Seconds(3),
                 .credentials = *tls});
  EXPECT_THAT(client.CheckHealth(), StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
}

// A mutual-TLS server with both tokens, and clients with and without a
// certificate.
class MutualTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    certs_ = new TestCerts;
    ASSERT_TRUE(certs_->ok()) << "openssl could not make test certificates";
    server_ =
        new TestServer({"--tls_cert=" + certs_->server_cert(), "--tls_key=" + certs_->server_key(),
                        "--tls_client_ca=" + certs_->ca(),
                        "--write_token_file=" + WriteTokenFile(*dir_, "w", kWriteToken),
                        std::string("--seed_jsonl=") + STORYLINE_DEMO_JSONL});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete certs_;
    delete dir_;
  }
  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    ASSERT_TRUE(server_->ok()) << "the mutual-TLS server did not start";
  }

  static std::string Target() { return "localhost:" + std::to_string(server_->port()); }
  static absl::Status Health(const TlsFiles& files) {
    auto tls = MakeTlsCredentials(files);
    if (!tls.ok()) return tls.status();
    Client client({.target = Target(), .default_deadline = absl::Seconds(3), .credentials = *tls});
    return client.CheckHealth();
  }

  static inline TempDir* dir_ = nullptr;
  static inline TestCerts* certs_ = nullptr;
  static inline TestServer* server_ = nullptr;
};

TEST_F(MutualTlsTest, ClientWithoutCertificateIsRefused) {
  EXPECT_THAT(Health({.ca_file = certs_->ca()}),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
}

TEST_F(MutualTlsTest, CertificateFromAnotherCaIsRefused) {
  EXPECT_THAT(Health({.ca_file = certs_->ca(),
                      .cert_file = certs_->rogue_cert(),
                      .key_file = certs_->rogue_key()}),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
}

TEST_F(MutualTlsTest, PlaintextClientIsRefused) {
  Client client({.target = Target(), .default_deadline = absl::Seconds(3)});
  EXPECT_THAT(client.CheckHealth(), StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
}

TEST_F(MutualTlsTest, SignedClientCertificateIsAccepted) {
  const TlsFiles files = {.ca_file = certs_->ca(),
                          .cert_file = certs_->client_cert(),
                          .key_file = certs_->client_key()};
  EXPECT_THAT(Health(files), IsOk());
  auto tls = MakeTlsCredentials(files);
  ASSERT_THAT(tls, IsOk());
  // The certificate authenticates the channel; writes still need the token.
  Client anonymous({.target = Target(), .credentials = *tls});
  v1::DeleteArticlesRequest del;
  del.add_ids("demo-001");
  EXPECT_THAT(anonymous.DeleteArticles(del),
              StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_));
  EXPECT_THAT(anonymous.GetArticle("demo-001"), IsOk());
  Client writer({.target = Target(), .credentials = *tls, .token = kWriteToken});
  EXPECT_THAT(writer.DeleteArticles(del), IsOk());
}

TEST_F(MutualTlsTest, CliWithClientCertificate) {
  TempDir tmp;
  const std::string tls = "--addr " + Target() + " --tls-ca " + certs_->ca();
  CliResult ok = RunCli(tls + " --tls-cert " + certs_->client_cert() + " --tls-key " +
                            certs_->client_key() + " stats",
                        tmp);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_THAT(ok.out, ::testing::HasSubstr("articles:"));
  CliResult no_cert = RunCli(tls + " --deadline 3 stats", tmp);
  EXPECT_EQ(no_cert.exit_code, 3);
  EXPECT_THAT(no_cert.err, ::testing::HasSubstr("UNAVAILABLE"));
  CliResult half = RunCli(tls + " --tls-cert " + certs_->client_cert() + " stats", tmp);
  EXPECT_EQ(half.exit_code, 2) << "--tls-cert without --tls-key is a usage error";
}

TEST(TlsTest, ClientCaWithoutServerCertificateFailsAtStartup) {
  TestCerts certs;
  ASSERT_TRUE(certs.ok());
  TestServer server({"--tls_client_ca=" + certs.ca()});
  EXPECT_FALSE(server.ok()) << "--tls_client_ca alone must not start a plaintext server";
}

}  // namespace
}  // namespace storyline::testing
