#!/usr/bin/env bash
# Reproduces the foundation figures (bench/README.md): ingest of 20news-train
# through `storyline ingest` (3 runs, fresh index each), then 1,000 two-word
# title queries through storyline-load (3 runs). Prints each run and the
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
  out=$("$BUILD/bench/storyline-load" --addr="$ADDR" --corpus="$CORPUS" --requests=1000 \
        --workloads=search --json)
  echo "search run $run: $out"
  p50s+=("$(sed -E 's/.*"p50_ms":([0-9.]+).*/\1/' <<< "$out")")
  p99s+=("$(sed -E 's/.*"p99_ms":([0-9.]+).*/\1/' <<< "$out")")
done
echo "search median: p50 $(printf '%s\n' "${p50s[@]}" | median) ms, p99 $(printf '%s\n' "${p99s[@]}" | median) ms"
