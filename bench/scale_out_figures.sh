#!/usr/bin/env bash
# Reproduces the issue-14 capacity figures of bench/README.md ("Scaling
# out"), all processes on this machine's loopback:
#   1. sharded Search latency: the same corpus in one local 2-shard index,
#      and over two remote shards (xapian-tcpsrv, read-only and writable
#      servers per shard); one client, closed loop, p50 and p99 of each and
#      their ratio (the issue's bar: sharded p50 <= 1.5x);
#   2. read capacity with 1 and 2 replicas: a writer publishing its shards,
#      replicas pulling them; closed loop, 8 calls outstanding, against one
#      replica and round robin over two.
#   bench/scale_out_figures.sh BUILD_DIR [CORPUS_JSONL]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=$1 CORPUS=${2:-../shared/data/20news/articles-train.jsonl}
WORK=$(mktemp -d)
source bench/lib.sh  # after the cd above
CLI="$BUILD/client/cli/storyline"
BENCH="$BUILD/bench/storyline-bench"
TCPSRV=()
trap '[[ -n "$PID" ]] && kill "$PID" 2>/dev/null; for p in "${TCPSRV[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$WORK"' EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
tcpsrv() {  # DIR PORT [--writable]
  xapian-tcpsrv --interface 127.0.0.1 --port "$2" --timeout 0 --quiet ${3:-} "$1" 2> /dev/null &
  TCPSRV+=($!)
  for _ in $(seq 1 100); do (echo > /dev/tcp/127.0.0.1/$2) 2> /dev/null && return; sleep 0.05; done
}
latency() {  # label: one client, 20 s of Search
  "$BENCH" run --addr "$ADDR" --corpus "$CORPUS" --concurrency 1 --duration 20 --warmup 3 --quiet \
    --json "$WORK/$1.json" > /dev/null
  echo "$1: Search p50 $(json_value "$WORK/$1.json" overall.latency_ms.p50) ms," \
    "p99 $(json_value "$WORK/$1.json" overall.latency_ms.p99) ms"
}

echo "== $(nproc) cores, $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg), $CORPUS"
start_server "$WORK/local"
"$CLI" --addr "$ADDR" ingest --no-progress "$CORPUS"
sleep 15  # the semantic model's first build
latency single

readers= writers=
for i in 0 1; do
  mkdir -p "$WORK/shard-$i"
  w=$(free_port); tcpsrv "$WORK/shard-$i" "$w" --writable
  r=$(free_port); tcpsrv "$WORK/shard-$i" "$r"
  readers+=${readers:+,}tcp://127.0.0.1:$r writers+=${writers:+,}tcp://127.0.0.1:$w
done
start_server "$WORK/remote" --remote_shards="$readers" --remote_writers="$writers"
"$CLI" --addr "$ADDR" ingest --no-progress "$CORPUS"
sleep 15
latency sharded
python3 -c "import json; a, b = (json.load(open('$WORK/' + n + '.json'))['overall']['latency_ms'] for n in ('single', 'sharded')); print(f'sharded / single: p50 {b[\"p50\"] / a[\"p50\"]:.2f}x, p99 {b[\"p99\"] / a[\"p99\"]:.2f}x')"

# Read capacity: the local index's server publishes it; two replicas pull it.
kill "$PID"; wait "$PID" || true; PID=
repl=$(free_port)
start_server "$WORK/local" --replication_listen=127.0.0.1:$repl
WRITER=$PID
REPLICAS=()
for i in 1 2; do
  p=$(free_port)
  "$BUILD/server/storyline-server" --index_dir="$WORK/replica-$i" --listen=127.0.0.1:$p \
    --read_only --replicate_from=127.0.0.1:$repl --log_level=warn &
  TCPSRV+=($!) REPLICAS+=(127.0.0.1:$p)
done
for r in "${REPLICAS[@]}"; do
  until "$CLI" --addr "$r" --deadline 1 health storyline.v1.StoryService > /dev/null 2>&1; do sleep 0.2; done
done
sleep 15  # each replica builds its semantic model
capacity() {  # label addr
  "$BENCH" run --addr "$2" --corpus "$CORPUS" --concurrency 8 --duration 20 --warmup 3 --quiet \
    --json "$WORK/$1.json" > /dev/null
  echo "$1: Search $(json_value "$WORK/$1.json" overall.ok_per_second)/s," \
    "p50 $(json_value "$WORK/$1.json" overall.latency_ms.p50) ms, p99 $(json_value "$WORK/$1.json" overall.latency_ms.p99) ms," \
    "errors $(json_value "$WORK/$1.json" overall.errors)"
}
capacity one-replica "${REPLICAS[0]}"
capacity two-replicas "${REPLICAS[0]},${REPLICAS[1]}"
