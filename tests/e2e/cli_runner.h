// Runs the `storyline` CLI (and other tools) for integration tests.
#ifndef STORYLINE_TESTS_E2E_CLI_RUNNER_H_
#define STORYLINE_TESTS_E2E_CLI_RUNNER_H_

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/testing/temp_dir.h"

namespace storyline::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `binary` with `args` (already shell-quoted), capturing both streams.
inline CliResult RunProgram(const std::string& binary, const std::string& args,
                            const TempDir& tmp) {
  const std::string err_file = tmp.Sub("stderr");
  const std::string cmd = binary + " " + args + " 2>" + err_file;
  CliResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream e(err_file);
  r.err.assign(std::istreambuf_iterator<char>(e), std::istreambuf_iterator<char>());
  return r;
}

#ifdef STORYLINE_CLI_BIN  // a compile definition of the e2e tests
// Runs the `storyline` CLI with `args`.
inline CliResult RunCli(const std::string& args, const TempDir& tmp) {
  return RunProgram(STORYLINE_CLI_BIN, args, tmp);
}
#endif

}  // namespace storyline::testing

#endif  // STORYLINE_TESTS_E2E_CLI_RUNNER_H_
