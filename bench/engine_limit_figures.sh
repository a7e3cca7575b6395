#!/usr/bin/env bash
# Reproduces the issue-12 table of bench/README.md ("Search at the engine's
# limit") on generated corpora, each figure side by side in one run:
#   1. 100k: `storyline-bench ceiling` 3 times (service Search vs raw
#      in-process Xapian vs a gRPC echo, same queries and cores), then the
#      open loop at 70% of the median closed-loop rate, 3 times (p99).
#   2. 1M: cold start (exec to the first Search answered) 3 times; server
#      RSS after a 60 s mixed run from start; then, once the semantic
#      model is built, `ceiling` 3 times.
# Every server is started with default flags. Make the corpora and indexes
# first (bench/README.md, "Generated corpora"):
#   bench/engine_limit_figures.sh BUILD_DIR INDEX_100K QUERIES_100K INDEX_1M QUERIES_1M
# QUERIES_*: JSONL articles the two-word title queries and ids are drawn
# from. Loopback only. About 25 minutes on 2 cores (the 1M model build).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=$1 INDEX_100K=$2 QUERIES_100K=$3 INDEX_1M=$4 QUERIES_1M=$5
WORK=$(mktemp -d)
source bench/lib.sh  # after the cd above
BENCH="$BUILD/bench/storyline-bench"
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

wait_for_model() {  # until the semantic model covers the index (or 15 min)
  "$BUILD/bench/storyline-eval" --addr="$ADDR" --mode=ready --wait_semantic_seconds=900 \
    --corpus="$1" 2>&1 | grep -v "^$" || true
}

ceilings() {  # index queries label
  local ratios=() service=()
  for run in 1 2 3; do
    "$BENCH" ceiling --addr "$ADDR" --index "$1" --corpus "$2" --duration 10 --warmup 2 --quiet \
      --json "$WORK/ceiling.json" | tail -4 | sed "s/^/$3 ceiling run $run: /"
    ratios+=("$(json_value "$WORK/ceiling.json" ratios.service_over_raw)")
    service+=("$(json_value "$WORK/ceiling.json" service.ok_per_second)")
  done
  echo "$3 median service/raw: $(printf '%s\n' "${ratios[@]}" | median)"
  SERVICE_MEDIAN=$(printf '%s\n' "${service[@]}" | median)
  echo "$3 median service Search: $SERVICE_MEDIAN req/s"
}

echo "== 100k: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(date -u +%FT%TZ)"
start_server "$INDEX_100K"
wait_for_model "$QUERIES_100K"
ceilings "$INDEX_100K" "$QUERIES_100K" 100k
rate=$(awk -v r="$SERVICE_MEDIAN" 'BEGIN {printf "%d", r * 0.7}')
p99s=()
for run in 1 2 3; do
  "$BENCH" run --addr "$ADDR" --corpus "$QUERIES_100K" --rate "$rate" --duration 20 --warmup 2 \
    --quiet --json "$WORK/open.json" | grep -E "^search|send lag" |
    sed "s/^/100k open loop at $rate\/s run $run: /"
  p99s+=("$(json_value "$WORK/open.json" overall.latency_ms.p99)")
done
echo "100k open loop at 70% ($rate/s): median p99 $(printf '%s\n' "${p99s[@]}" | median) ms"
kill "$PID"; wait "$PID" || true; PID=

echo "== 1M: cold start, exec to the first Search answered"
for run in 1 2 3; do
  t0=$(date +%s.%N)
  start_server "$INDEX_1M"
  until "$BUILD/client/cli/storyline" --addr "$ADDR" --deadline 2 search "bank rates" \
      --page-size 1 > /dev/null 2>&1; do sleep 0.01; done
  echo "1M cold start run $run: $(echo "$(date +%s.%N) - $t0" | bc) s"
done
echo "== 1M: server RSS after 60 s of a mixed run from start"
"$BENCH" run --addr "$ADDR" --corpus "$QUERIES_1M" --concurrency 4 --duration 60 --warmup 0 \
  --mix search=60,get=15,stats=5,similar=8,recommend=7,clusters=5 --quiet | tail -8
grep -E "VmHWM|VmRSS" "/proc/$PID/status" | sed 's/^/1M after 60 s mix: /'
wait_for_model "$QUERIES_1M"
grep -E "VmHWM|VmRSS" "/proc/$PID/status" | sed 's/^/1M with the model built: /'
ceilings "$INDEX_1M" "$QUERIES_1M" 1M
grep -E "VmHWM|VmRSS" "/proc/$PID/status" | sed 's/^/1M after the ceilings: /'
