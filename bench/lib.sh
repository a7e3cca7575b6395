# Shared by the bench/*_figures.sh scripts (source it): a storyline-server on
# a loopback port of its own, killed when the script exits.
#   start_server INDEX_DIR [server flags...]   sets ADDR and PID
#   json_value FILE KEY.KEY...                  one value of a storyline-bench --json file
# Needs BUILD and WORK set by the caller.
PID=
trap '[[ -n "$PID" ]] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
start_server() {
  local index=$1; shift
  if [[ -n "$PID" ]]; then kill "$PID"; wait "$PID" || true; PID=; fi
  rm -f "$WORK/port"
  "$BUILD/server/storyline-server" --index_dir="$index" --listen=127.0.0.1:0 \
    --port_file="$WORK/port" --log_level=warn "$@" &
  PID=$!
  for _ in $(seq 1 100); do [[ -s "$WORK/port" ]] && break; sleep 0.05; done
  ADDR=127.0.0.1:$(cat "$WORK/port")
}
json_value() {
  python3 -c 'import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v = v[k]
print(v)' "$1" "$2"
}
