// TLS end to end: the server with --tls_cert/--tls_key, the client library
// with SslCredentials trusting that certificate. A plaintext client fails.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "storyline/client.h"
#include "tests/testing/status_matchers.h"
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

}  // namespace
}  // namespace storyline::testing
