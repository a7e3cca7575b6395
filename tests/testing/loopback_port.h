// Loopback ports for tests that start servers which cannot bind port 0
// and report the port they got (xapian-tcpsrv, xapian-replicate-server).
#ifndef STORYLINE_TESTS_TESTING_LOOPBACK_PORT_H_
#define STORYLINE_TESTS_TESTING_LOOPBACK_PORT_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace storyline::testing {

// A free loopback port (bound, read, released: a small race, acceptable in
// tests; xapian-tcpsrv cannot report a port it picked itself).
inline int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

}  // namespace storyline::testing

#endif  // STORYLINE_TESTS_TESTING_LOOPBACK_PORT_H_
