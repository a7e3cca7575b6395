#include "server/listen_address.h"

#include <gtest/gtest.h>

namespace storyline::server {
namespace {

TEST(ListenAddressTest, LoopbackOrPublic) {
  struct Case {
    const char* listen;
    bool loopback;
  };
  const Case cases[] = {
      {"localhost:50051", true},
      {"LOCALHOST:0", true},
      {"127.0.0.1:50051", true},
      {"127.1.2.3:0", true},
      {"[::1]:50051", true},
      {"[::ffff:127.0.0.1]:1", true},
      {"unix:/tmp/storyline.sock", true},
      {"unix-abstract:storyline", true},
      {"0.0.0.0:50051", false},
      {"[::]:50051", false},
      {":50051", false},
      {"10.0.0.5:50051", false},
      {"[2001:db8::1]:50051", false},
      {"example.com:50051", false},
      {"localhost.example.com:1", false},
      {"128.0.0.1:50051", false},
      {"ipv4:127.0.0.1:50051", false},
      {"", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(IsLoopbackAddress(c.listen), c.loopback) << c.listen;
  }
}

}  // namespace
}  // namespace storyline::server
