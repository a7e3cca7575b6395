#!/usr/bin/env bash
# Reproduces the search-relevance figures (issue 5) in bench/README.md, each
# on a fresh index through a real server:
#   Cranfield dev   MAP, nDCG@10, P@10, Recall@100, MRR for Xapian's default
#                   ranking (--plain_ranking), Storyline without semantic
#                   re-ranking, and Storyline's default; TREC run files
#                   are left in $RUNS (default /tmp/storyline-runs)
#   BBC             spelling: 500 one-edit headline typos, each alone and in
#                   its headline (is the article in the top 10?)
#   AG News         the same, on a corpus the typo rules were not tuned on
#   20news train    Search p50 through storyline-bench, 3 s of two-word title
#                   queries, plain vs default, alternating, 3 runs each
# Loopback only. About 3 minutes on 2 cores.
#   bench/relevance_figures.sh [BUILD_DIR] [DATA_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
DATA=${2:-../shared/data}
RUNS=${RUNS:-/tmp/storyline-runs}
mkdir -p "$RUNS"
WORK=$(mktemp -d)
source bench/lib.sh  # after the cd above
EVAL="$BUILD/bench/storyline-eval"
BENCH="$BUILD/bench/storyline-bench"
CRAN=(--corpus="$DATA/cranfield/articles.jsonl" --queries="$DATA/cranfield/dev/queries.jsonl"
      --qrels="$DATA/cranfield/dev/qrels.tsv")

echo "== Cranfield dev (113 queries), depth 1000"
ingest=--ingest
for variant in "plain:--plain_ranking" "no-rerank:--semantic_rerank_weight=0" "default:"; do
  name=${variant%%:*}; flags=${variant#*:}
  start_server "$WORK/cranfield" $flags
  echo -n "$name: "
  "$EVAL" --addr="$ADDR" --mode=search $ingest "${CRAN[@]}" --run_out="$RUNS/cranfield-$name.run" \
    | grep -v '^ingested'
  ingest=
done

echo "== BBC spelling"
start_server "$WORK/bbc"
"$EVAL" --addr="$ADDR" --mode=ready --ingest --corpus="$DATA/bbc/articles.jsonl"
"$EVAL" --addr="$ADDR" --mode=spelling --corpus="$DATA/bbc/articles.jsonl" | head -2

echo "== AG News spelling (not tuned on)"
start_server "$WORK/agnews"
"$EVAL" --addr="$ADDR" --mode=ready --ingest --corpus="$DATA/agnews/articles.jsonl"
"$EVAL" --addr="$ADDR" --mode=spelling --corpus="$DATA/agnews/articles.jsonl" | head -2

echo "== Search latency, 20news-train, 1,000 two-word title queries (p50 ms)"
start_server "$WORK/news"
"$EVAL" --addr="$ADDR" --mode=ready --ingest --corpus="$DATA/20news/articles-train.jsonl"
for run in 1 2 3; do
  for variant in "plain:--plain_ranking" "default:"; do
    name=${variant%%:*}; flags=${variant#*:}
    start_server "$WORK/news" $flags
    "$EVAL" --addr="$ADDR" --mode=ready --corpus="$DATA/20news/articles-train.jsonl"
    "$BENCH" run --addr "$ADDR" --corpus "$DATA/20news/articles-train.jsonl" --mix search=100 \
      --concurrency 1 --duration 3 --warmup 1 --quiet --json "$WORK/search.json" > /dev/null
    echo "$name run $run: p50 $(json_value "$WORK/search.json" overall.latency_ms.p50) ms"
  done
done
