#!/usr/bin/env bash
# Proves the installed package works for outside projects: installs the
# build tree into a temporary prefix, builds examples/ against it with
# find_package(storyline), and runs the example against a real server.
#   install_test.sh BUILD_DIR SOURCE_DIR SERVER_BIN DEMO_JSONL
set -euo pipefail
BUILD_DIR=$1 SRC=$2 SERVER=$3 DEMO=$4
WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" || true
  rm -rf "$WORK"
}
trap cleanup EXIT

cmake --install "$BUILD_DIR" --prefix "$WORK/prefix" > "$WORK/install.log"
test -f "$WORK/prefix/include/storyline/client.h"
test -f "$WORK/prefix/include/storyline/v1/story_service.grpc.pb.h"
ls "$WORK/prefix"/lib*/cmake/storyline/storylineConfig.cmake > /dev/null

launcher=()
command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$SRC/examples" -B "$WORK/examples" -G Ninja "${launcher[@]}" \
  -DCMAKE_PREFIX_PATH="$WORK/prefix" > "$WORK/configure.log"
cmake --build "$WORK/examples" > "$WORK/build.log" || { cat "$WORK/build.log"; exit 1; }

"$SERVER" --index_dir="$WORK/index" --listen=127.0.0.1:0 --port_file="$WORK/port" \
  --seed_jsonl="$DEMO" --log_level=warn &
SERVER_PID=$!
for _ in $(seq 1 200); do [[ -s "$WORK/port" ]] && break; sleep 0.05; done
PORT=$(cat "$WORK/port")
OUT=$("$WORK/examples/search_example" "127.0.0.1:$PORT" "tidal barrage")
echo "$OUT"
grep -q "demo-0" <<< "$OUT"
echo "install_test: PASS"
