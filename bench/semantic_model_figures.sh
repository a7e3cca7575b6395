#!/usr/bin/env bash
# Reproduces the issue-13 figures of bench/README.md ("The semantic model at
# a million articles") on one index, every server with default flags:
#   1. a rebuild from scratch (the saved model moved aside): the build's
#      phases and time from the server's log, the model's size, and the
#      server's peak RSS;
#   2. 3 restarts with the page cache dropped (needs root; DROP=0 skips
#      it): exec to the saved model serving (GetIndexStats says the model
#      covers the index), and the load time the server logs;
#   3. Search p99 in an open loop at RATE/s (default 200) for 60 s while the
#      model is being rebuilt (file moved aside, server restarted), then for
#      60 s after the build: the ratio is the "never stalls queries" figure.
#   bench/semantic_model_figures.sh BUILD_DIR INDEX_DIR QUERIES_JSONL [RATE]
# QUERIES_JSONL: articles the two-word title queries are drawn from.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=$1 INDEX=$2 QUERIES=$3 RATE=${4:-200}
WORK=$(mktemp -d)
source bench/lib.sh  # after the cd above
CLI="$BUILD/client/cli/storyline"
MODEL="$INDEX/semantic-model"

covered() {  # true once the server's model covers every article
  "$CLI" --addr "$ADDR" --deadline 2 stats 2>/dev/null | awk '
    /^articles:/ {gsub(",", "", $2); a = $2} /^semantic:/ {gsub(",", "", $2); s = $2}
    END {exit !(a > 0 && s == a)}'
}
start_logged() {  # start_server, with the server's info log in $WORK/server.log
  start_server "$INDEX" --log_level=info "$@" > "$WORK/server.log" 2>&1
}
stop() { kill "$PID"; wait "$PID" || true; PID=; }
open_loop() {  # label
  "$BUILD/bench/storyline-bench" run --addr "$ADDR" --corpus "$QUERIES" --rate "$RATE" \
    --duration 60 --warmup 0 --quiet --json "$WORK/open.json" > /dev/null
  echo "$1: Search p99 $(json_value "$WORK/open.json" overall.latency_ms.p99) ms," \
    "p50 $(json_value "$WORK/open.json" overall.latency_ms.p50) ms at $RATE/s"
}

echo "== $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(date -u +%FT%TZ), $INDEX"
[[ -f "$MODEL" ]] && mv "$MODEL" "$WORK/saved-model"
echo "== 1. rebuild from scratch"
start_logged
until covered; do sleep 1; done
grep -E "semantic model (phases|: rank)" "$WORK/server.log" | tail -2
grep -E "VmHWM" "/proc/$PID/status" | sed 's/^/server peak RSS during the build: /'
ls -l "$MODEL" | awk '{printf "model file: %.1f MiB\n", $5 / 1048576}'
stop

echo "== 2. restart with the saved model"
for run in 1 2 3; do
  sync
  [[ "${DROP:-1}" == 1 ]] && echo 3 > /proc/sys/vm/drop_caches
  t0=$(date +%s.%N)
  start_logged
  until covered; do sleep 0.05; done
  echo "run $run: exec to the model serving $(echo "$(date +%s.%N) - $t0" | bc) s;" \
    "$(grep -oE "loaded .* in [0-9.]+s" "$WORK/server.log" | sed -E 's/.*( in [0-9.]+s)/load\1/')"
  stop
done

echo "== 3. Search p99 during a rebuild, and after it"
mv "$MODEL" "$WORK/saved-model"
start_logged
sleep 3  # the build starts at the first check, 2 s after start
open_loop "during the rebuild"
covered && echo "(the rebuild ended within the run)" || echo "(still building at the end)"
until covered; do sleep 1; done
open_loop "after the rebuild"
stop
