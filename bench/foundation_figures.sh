#!/usr/bin/env bash
# Reproduces the foundation figures (bench/README.md): ingest of 20news-train
# through `storyline ingest` (3 runs, fresh index each), then 5 s of two-word
# title queries through storyline-bench run (3 runs). Prints each run and the
# medians. Loopback only; bounded in time.
#   bench/foundation_figures.sh [BUILD_DIR] [CORPUS]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
CORPUS=${2:-../shared/data/20news/articles-train.jsonl}
WORK=$(mktemp -d)
source bench/lib.sh  # after the cd above
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

rates=()
for run in 1 2 3; do
  start_server "$WORK/index-$run"
  line=$("$BUILD/client/cli/storyline" --addr "$ADDR" ingest --no-progress "$CORPUS" 2>&1 | tail -1)
  echo "ingest run $run: $line"
  rates+=("$(sed -E 's/.* in ([0-9.]+) s \(([0-9,]+) articles\/s\).*/\1 \2/' <<< "$line")")
  if [[ $run -lt 3 ]]; then kill "$PID"; wait "$PID" || true; PID=; fi
done
echo "ingest median: $(printf '%s\n' "${rates[@]}" | awk '{print $1}' | median) s," \
     "$(printf '%s\n' "${rates[@]}" | awk '{gsub(",","",$2); print $2}' | median) articles/s"

p50s=(); p99s=()
for run in 1 2 3; do
  "$BUILD/bench/storyline-bench" run --addr "$ADDR" --corpus "$CORPUS" --mix search=100 \
    --concurrency 1 --duration 5 --warmup 1 --quiet --json "$WORK/search-$run.json" > /dev/null
  p50s+=("$(json_value "$WORK/search-$run.json" overall.latency_ms.p50)")
  p99s+=("$(json_value "$WORK/search-$run.json" overall.latency_ms.p99)")
  echo "search run $run: p50 ${p50s[-1]} ms, p99 ${p99s[-1]} ms," \
       "$(json_value "$WORK/search-$run.json" ok_per_second) req/s"
done
echo "search median: p50 $(printf '%s\n' "${p50s[@]}" | median) ms, p99 $(printf '%s\n' "${p99s[@]}" | median) ms"
