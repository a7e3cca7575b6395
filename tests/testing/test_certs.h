// Test certificates made with the `openssl` command at test time (no key is
// ever committed): a CA, a server certificate it signs for localhost and
// 127.0.0.1, a client certificate it signs, and a self-signed "rogue"
// client certificate no server trusts. EC P-256 keys keep generation fast.
#ifndef STORYLINE_TESTS_TESTING_TEST_CERTS_H_
#define STORYLINE_TESTS_TESTING_TEST_CERTS_H_

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/testing/temp_dir.h"

namespace storyline::testing {

class TestCerts {
 public:
  // Generates everything into a fresh temp dir; check ok() afterwards.
  TestCerts() {
    ok_ = Run("req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
              "-subj /CN=storyline-test-ca -keyout " +
              Path("ca.key") + " -out " + ca()) &&
          Issue("server", "/CN=localhost",
                "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n") &&
          Issue("client", "/CN=storyline-test-client", "extendedKeyUsage=clientAuth\n") &&
          Run("req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
              "-subj /CN=rogue-client -keyout " +
              rogue_key() + " -out " + rogue_cert());
  }

  bool ok() const { return ok_; }
  std::string ca() const { return Path("ca.pem"); }
  std::string server_cert() const { return Path("server.pem"); }
  std::string server_key() const { return Path("server.key"); }
  std::string client_cert() const { return Path("client.pem"); }
  std::string client_key() const { return Path("client.key"); }
  std::string rogue_cert() const { return Path("rogue.pem"); }
  std::string rogue_key() const { return Path("rogue.key"); }

  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  std::string Path(const std::string& name) const { return dir_.Sub(name); }

  static bool Run(const std::string& args) {
    return std::system(("openssl " + args + " >/dev/null 2>&1").c_str()) == 0;
  }

  // `name`.key and `name`.pem, signed by the CA, with `extensions`.
  bool Issue(const std::string& name, const std::string& subject, const std::string& extensions) {
    const std::string ext = Path(name + ".ext"), csr = Path(name + ".csr");
    std::ofstream(ext) << extensions;
    return Run("req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj " + subject +
               " -keyout " + Path(name + ".key") + " -out " + csr) &&
           Run("x509 -req -days 1 -in " + csr + " -CA " + ca() + " -CAkey " + Path("ca.key") +
               " -CAcreateserial -extfile " + ext + " -out " + Path(name + ".pem"));
  }

  TempDir dir_;
  bool ok_ = false;
};

}  // namespace storyline::testing

#endif  // STORYLINE_TESTS_TESTING_TEST_CERTS_H_
