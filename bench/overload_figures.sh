#!/usr/bin/env bash
# Reproduces the issue-9 overload figures of bench/README.md ("Overload"):
# the mixed workload against a default server on the 20news-train index,
#   1. unloaded: one client, closed loop;
#   2. 1x: an open loop at the mix's capacity, cores x 1000 / the unloaded
#      run's mean latency in ms (what the cores can serve of this mix);
#   3. 4x: an open loop at four times that.
# Each is run RUNS times (default 3); the table holds each method's median
# p99 over the runs and the ratios of the 4x p99 to the unloaded and to the
# 1x p99. Admitted (OK) calls only; refusals are counted apart.
#   bench/overload_figures.sh BUILD_DIR [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=$1 RUNS=${2:-3}
WORK=$(mktemp -d)
source bench/lib.sh  # after the cd above
CORPUS=../shared/data/20news/articles-train.jsonl
MIX=search=60,get=15,stats=5,similar=8,recommend=7,clusters=5

echo "== $(nproc) cores, $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
start_server "$WORK/index" > "$WORK/server.log" 2>&1
"$BUILD/client/cli/storyline" --addr "$ADDR" ingest --no-progress "$CORPUS"
sleep 20  # the semantic model's first build, so that it does not run during the figures
bench() {  # label, then the mode's flags
  local label=$1; shift
  "$BUILD/bench/storyline-bench" run --addr "$ADDR" --corpus "$CORPUS" --mix "$MIX" \
    --cluster_documents 2000 --duration 20 --warmup 3 --quiet --json "$WORK/$label.json" "$@" \
    > /dev/null
}
for run in $(seq 1 "$RUNS"); do
  bench "unloaded-$run" --concurrency 1
  mean=$(json_value "$WORK/unloaded-$run.json" overall.latency_ms.mean)
  rate=$(python3 -c "print(round($(nproc) * 1000 / $mean))")
  echo "run $run: unloaded mean $mean ms, so 1x = $rate/s and 4x = $((4 * rate))/s"
  bench "1x-$run" --rate "$rate"
  bench "4x-$run" --rate "$((4 * rate))"
done
python3 - "$WORK" "$RUNS" <<'EOF'
import json, statistics, sys
work, runs = sys.argv[1], int(sys.argv[2])
def load(label): return [json.load(open(f"{work}/{label}-{r}.json")) for r in range(1, runs + 1)]
modes = {m: load(m) for m in ("unloaded", "1x", "4x")}
def p99(mode, method):
    rows = [j["overall"] if method == "all" else j["methods"][method] for j in modes[mode]]
    return statistics.median(r["latency_ms"]["p99"] for r in rows)
def counts(method):
    rows = [j["overall"] if method == "all" else j["methods"][method] for j in modes["4x"]]
    return sum(r["ok"] for r in rows), sum(r["rejected"] for r in rows)
print("| method | unloaded p99 | 1x p99 | 4x p99 | 4x / unloaded | 4x / 1x | 4x OK / refused |")
print("|---|---|---|---|---|---|---|")
for m in ("search", "get", "stats", "similar", "recommend", "clusters", "all"):
    u, one, four = p99("unloaded", m), p99("1x", m), p99("4x", m)
    ok, refused = counts(m)
    print(f"| {m} | {u:.2f} ms | {one:.2f} ms | {four:.2f} ms | {four / u:.2f}x | {four / one:.2f}x"
          f" | {ok:,} / {refused:,} |")
EOF
