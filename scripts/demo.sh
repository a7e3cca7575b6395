#!/usr/bin/env bash
# README command 1: install, build, start storyline-server on the bundled demo
# corpus (in the background, on localhost:50051), and show it answering.
#   scripts/demo.sh            stop it later with: kill $(cat demo-index/server.pid)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DSTORYLINE_BUILD_TESTS=OFF -DSTORYLINE_BUILD_BENCHMARKS=OFF

ADDR="${STORYLINE_ADDR:-localhost:50051}"
DIR="${STORYLINE_DEMO_DIR:-demo-index}"
mkdir -p "$DIR"
if [[ -f "$DIR/server.pid" ]] && kill -0 "$(cat "$DIR/server.pid")" 2>/dev/null; then
  echo "demo: stopping the previous demo server"
  kill "$(cat "$DIR/server.pid")"; sleep 1
fi
rm -f "$DIR/port"
nohup build/server/storyline-server --listen="$ADDR" --index_dir="$DIR/index" \
  --seed_jsonl=data/demo/articles.jsonl --port_file="$DIR/port" > "$DIR/server.log" 2>&1 &
echo $! > "$DIR/server.pid"
for _ in $(seq 1 100); do [[ -s "$DIR/port" ]] && break; sleep 0.1; done
if [[ ! -s "$DIR/port" ]]; then
  echo "demo: the server did not start; its log:" >&2; cat "$DIR/server.log" >&2; exit 1
fi
CLI=build/client/cli/storyline
echo "== storyline-server is running on $ADDR (pid $(cat "$DIR/server.pid"), log $DIR/server.log)"
echo "== storyline health"; $CLI --addr "$ADDR" health
echo "== storyline stats"; $CLI --addr "$ADDR" stats
echo "== storyline search \"tidal barrage\" --facet topic"
$CLI --addr "$ADDR" search "tidal barrage" --page-size 3 --facet topic
echo
echo "Try: $CLI search 'rovers promotion' | $CLI get demo-002 | $CLI ingest FILE.jsonl"
echo "Stop: kill \$(cat $DIR/server.pid)"
