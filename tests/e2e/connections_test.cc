// Issue 9, defect 3: connections that send the HTTP/2 preface and then go
// idle used to stay open forever, until ~21,000 of them used up the
// server's descriptors. Now connections are capped (--max_connections) and
// idle ones are closed (--max_connection_idle_ms).
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/testing/status_matchers.h"

namespace storyline::testing {
namespace {

constexpr char kPreface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
// An empty SETTINGS frame: length 0, type 4, flags 0, stream 0.
constexpr char kSettings[] = {0, 0, 0, 4, 0, 0, 0, 0, 0};

// A raw TCP connection that says hello in HTTP/2 and then nothing.
int IdleConnection(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  (void)!write(fd, kPreface, sizeof(kPreface) - 1);
  (void)!write(fd, kSettings, sizeof(kSettings));
  return fd;
}

// True if the server has closed `fd`: pending reads reach EOF or an error
// (anything else read is the server's SETTINGS or GOAWAY).
bool IsClosed(int fd) {
  char buf[4096];
  for (;;) {
    const ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n > 0) continue;
    return n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
  }
}

int CountClosed(const std::vector<int>& fds) {
  int closed = 0;
  for (int fd : fds) closed += IsClosed(fd) ? 1 : 0;
  return closed;
}

TEST(ConnectionsTest, CapRefusesExtraConnectionsAndIdleOnesAreClosed) {
  TestServer server({"--max_connections=20", "--max_connection_idle_ms=2500", "--semantic_rank=0"});
  ASSERT_TRUE(server.ok());
  std::vector<int> fds;
  for (int i = 0; i < 30; ++i) fds.push_back(IdleConnection(server.port()));
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(CountClosed(fds), 10) << "connections past the cap of 20 must be closed on arrival";
  {
    Client full({.target = server.address(), .default_deadline = absl::Seconds(1)});
    EXPECT_EQ(full.GetIndexStats().status().code(), absl::StatusCode::kUnavailable);
  }
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (CountClosed(fds) < 30 && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(CountClosed(fds), 30) << "idle connections must be closed after the idle timeout";
  for (int fd : fds) close(fd);
  Client client({.target = server.address(), .default_deadline = absl::Seconds(10)});
  EXPECT_THAT(client.GetIndexStats(), IsOk());
}

}  // namespace
}  // namespace storyline::testing
