#!/usr/bin/env bash
# Runs clang-tidy-14 (the repo's .clang-tidy) over every Storyline source,
# using the compile commands of a clang build. Any finding fails the run.
#   scripts/tidy.sh [BUILD_DIR]   (default build-asan, which scripts/sanitize.sh makes)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${1:-build-asan}"
if [[ ! -f "$BUILD_DIR/compile_commands.json" ]]; then
  echo "tidy.sh: $BUILD_DIR/compile_commands.json is missing; configure a clang build first" >&2
  exit 2
fi
# Production sources only (tests/ are held to the compiler's warnings), and
# only those this build compiles (fuzz/, examples/ and, in the sanitizer
# builds, bench/ are compiled elsewhere).
mapfile -t files < <(git ls-files '*.cc' ':!:tests/*' | while read -r f; do
  grep -q "\"file\": \"$PWD/$f\"" "$BUILD_DIR/compile_commands.json" && echo "$f"; done)
start=$(date +%s)
if ! printf '%s\n' "${files[@]}" |
  xargs -P"$(nproc)" -n4 clang-tidy-14 -p "$BUILD_DIR" --quiet 2>/dev/null; then
  echo "tidy.sh: clang-tidy findings above" >&2
  exit 1
fi
echo "tidy.sh: ${#files[@]} files clean in $(( $(date +%s) - start ))s"
