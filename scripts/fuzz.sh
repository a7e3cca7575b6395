#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/*_fuzzer.cc) with clang++-14 in
# build-fuzz and runs each from its committed seed corpus (fuzz/corpus/NAME)
# for SECONDS (README "Sanitizers and fuzzing"; scripts/test.sh runs 30 s).
#
#   scripts/fuzz.sh [SECONDS] [NAME...]      (default: 30 s, every target)
#
# New inputs go to build-fuzz/corpus/NAME (the committed seeds are only
# read); a crash leaves build-fuzz/artifacts/NAME-crash-* and fails the run.
# To keep a finding, fix it, add a regression test, and copy the input into
# fuzz/corpus/NAME.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-30}"
shift || true
# STORYLINE_FUZZ_DIR: a build directory already configured with
# STORYLINE_BUILD_FUZZERS=ON (scripts/test.sh uses sanitize.sh's build-asan)
# is built in as it is; otherwise build-fuzz is configured here.
DIR="${STORYLINE_FUZZ_DIR:-build-fuzz}"
CXX_FUZZ="${STORYLINE_FUZZ_CXX:-clang++-14}"
start=$(date +%s)

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  for f in fuzz/*_fuzzer.cc; do targets+=("$(basename "$f" _fuzzer.cc)"); done
fi

if ! grep -q '^STORYLINE_BUILD_FUZZERS:BOOL=ON' "$DIR/CMakeCache.txt" 2>/dev/null; then
  cmake -S . -B "$DIR" -G Ninja -DCMAKE_CXX_COMPILER="$CXX_FUZZ" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
    -DSTORYLINE_BUILD_FUZZERS=ON -DSTORYLINE_BUILD_TESTS=OFF -DSTORYLINE_BUILD_BENCHMARKS=OFF \
    >/dev/null
fi
cmake --build "$DIR" -j"${STORYLINE_JOBS:-$(nproc)}" --target "${targets[@]/%/_fuzzer}"
built=$(date +%s)

symbolizer="$(command -v llvm-symbolizer-14 || command -v llvm-symbolizer || true)"
[[ -n "$symbolizer" ]] && export ASAN_SYMBOLIZER_PATH="$symbolizer"
mkdir -p "$DIR/artifacts"
status=0
for name in "${targets[@]}"; do
  mkdir -p "$DIR/corpus/$name"
  log="$DIR/fuzz-$name.log"
  echo "fuzz.sh: $name for ${SECONDS_PER_TARGET}s"
  if ! "$DIR/fuzz/${name}_fuzzer" -max_total_time="$SECONDS_PER_TARGET" -timeout=30 \
      -print_final_stats=1 -artifact_prefix="$DIR/artifacts/$name-" \
      "$DIR/corpus/$name" "fuzz/corpus/$name" >"$log" 2>&1; then
    echo "fuzz.sh: $name FAILED; see $log" >&2
    tail -n 60 "$log" >&2
    status=1
    continue
  fi
  # "#12345 DONE cov: 2345 ft: 6789 corp: ..." and the executions count.
  grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 | sed "s/^/fuzz.sh: $name: /"
  grep -E 'stat::number_of_executed_units|stat::average_exec_per_sec' "$log" |
    sed "s/^/fuzz.sh: $name: /"
done
echo "fuzz.sh: build $((built - start))s, fuzzing $(( $(date +%s) - built ))s"
exit "$status"
