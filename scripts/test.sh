#!/usr/bin/env bash
# README command 2 (and CI): install, build, and run the whole test suite:
# index unit tests, integration tests against the real server (client
# library, CLI, Python reflection client), and the installed-package build
# of examples/; then the same tests under ASan+UBSan, the concurrency test
# under TSan (scripts/sanitize.sh; both clang builds with -Wthread-safety
# -Werror), clang-tidy (scripts/tidy.sh), and each fuzzer for 30 s
# (scripts/fuzz.sh, in the ASan build). Formatting is checked first
# (scripts/check_format.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
scripts/install-deps.sh
scripts/check_format.sh
scripts/build.sh -DSTORYLINE_BUILD_TESTS=ON -DSTORYLINE_BUILD_BENCHMARKS=ON
ctest --test-dir "${STORYLINE_BUILD_DIR:-build}" --output-on-failure -j2 --timeout 600
echo "test.sh: normal build and tests done after $(( $(date +%s) - start ))s"
# The client library and CLI build alone, without the server's dependencies.
STORYLINE_BUILD_DIR=build-client scripts/build.sh -DSTORYLINE_BUILD_SERVER=OFF \
  -DSTORYLINE_BUILD_TESTS=ON -DSTORYLINE_BUILD_BENCHMARKS=ON
ctest --test-dir build-client --output-on-failure -j2 -L unit
scripts/sanitize.sh
scripts/tidy.sh build-asan
STORYLINE_FUZZ_DIR=build-asan scripts/fuzz.sh 30
echo "test.sh: finished in $(( $(date +%s) - start ))s"
