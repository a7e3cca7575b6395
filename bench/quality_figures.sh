#!/usr/bin/env bash
# Reproduces the related-stories (issue 3) and topic-cluster (issue 4)
# figures in bench/README.md, each on a fresh index through a real server:
#   BBC            SimilarStories by id P@10; TopicClusters k=5 and auto;
#                  Recommend's on-topic share (300 one-topic histories)
#   20news train   SimilarStories by text (test articles) P@10;
#                  Recommend's on-topic share;
#                  SimilarStories/Recommend latency; TopicClusters latency
#                  for 500 / 2,000 / 10,000 documents
#   20news test    TopicClusters k=20 and auto
# Loopback only. Takes about 5 minutes on 2 cores.
#   bench/quality_figures.sh [BUILD_DIR] [DATA_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
DATA=${2:-../shared/data}
WORK=$(mktemp -d)
source bench/lib.sh  # after the cd above
EVAL="$BUILD/bench/storyline-eval"
BENCH="$BUILD/bench/storyline-bench"

echo "== BBC"
start_server "$WORK/bbc"
"$EVAL" --addr="$ADDR" --mode=similar --ingest --corpus="$DATA/bbc/articles.jsonl"
"$EVAL" --addr="$ADDR" --mode=clusters --corpus="$DATA/bbc/articles.jsonl"
"$EVAL" --addr="$ADDR" --mode=recommend --corpus="$DATA/bbc/articles.jsonl"

echo "== 20news: train indexed, test as text"
start_server "$WORK/20news-train"
"$EVAL" --addr="$ADDR" --mode=similar-text --ingest \
  --corpus="$DATA/20news/articles-train.jsonl" --queries="$DATA/20news/articles-test.jsonl"
"$EVAL" --addr="$ADDR" --mode=recommend --corpus="$DATA/20news/articles-train.jsonl"
for method in similar recommend; do
  "$BENCH" run --addr "$ADDR" --corpus "$DATA/20news/articles-train.jsonl" --mix $method=100 \
    --concurrency 1 --duration 10 --warmup 1 --quiet
done
for docs in 500 2000 10000; do
  secs=10; [[ $docs == 10000 ]] && secs=20
  echo -n "clusters of $docs documents: "
  "$BENCH" run --addr "$ADDR" --corpus "$DATA/20news/articles-train.jsonl" --mix clusters=100 \
    --cluster_documents $docs --concurrency 1 --duration $secs --warmup 2 --quiet
done

echo "== 20news test, clustered"
start_server "$WORK/20news-test"
"$EVAL" --addr="$ADDR" --mode=clusters --ingest --corpus="$DATA/20news/articles-test.jsonl"
