#!/usr/bin/env bash
# The performance run of issue 5 (docs/BENCHMARKS.md): builds the bench
# corpora if missing, builds wensou and the developer-only harness
# cmd/wensou-bench, runs `wensou-bench --wensou BIN` (indexing, start-up,
# search latency, loopback HTTP load, RSS), then, with GO_BENCH=1, the
# package micro-benchmarks. Traffic only to 127.0.0.1.
#
#   bash scripts/bench.sh                 # the table (about 3-6 minutes)
#   SCALE=10 bash scripts/bench.sh        # the same at 10x the poetry corpus
#   PROFILE=/tmp/wensou-bench/prof bash scripts/bench.sh   # + CPU profiles
#   GO_BENCH=1 bash scripts/bench.sh      # + go test -bench in indexer, search, segment, corpus
#   SOAK=10m bash scripts/bench.sh        # + 10 minutes of 8-client load: RSS and open files each minute
#   INDEXING=1 BLEVE=1 bash scripts/bench.sh   # only the indexing rows, with Bleve v2 (bench/bleve,
#                                         # its own go.mod) indexing the same poetry file in the same run
#   REALISTIC=1 SCALE=10 bash scripts/bench.sh   # only issue 11's realistic workload: poetry + man-zh in
#                                         # one index (×SCALE), took per known-item kind and for the
#                                         # site's questions, HTTP with the cache off (built-in generator
#                                         # and wrk, installed with apt-get when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/wensou-bench/corpus}
WORK=${WORK:-/tmp/wensou-bench/run}
SCALE=${SCALE:-1}
DURATION=${DURATION:-10s}
SHARED=${SHARED:-../shared}

if [ ! -s "$OUT/poetry.jsonl" ] || [ ! -s "$OUT/queries.txt" ] || [ ! -d "$OUT/man-zh-html" ]; then
  OUT="$OUT" bash "$SHARED/bench/make-corpus.sh"
fi
mkdir -p "$WORK"
if [ -n "${REALISTIC:-}" ] && ! command -v wrk >/dev/null; then   # the second, leaner load generator (cmd/wensou-bench/load.go)
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then apt-get install -y -qq wrk >/dev/null 2>&1 || true; fi
  command -v wrk >/dev/null || echo "wrk not installed: HTTP rows from the built-in load generator only"
fi
go build -o "$WORK/wensou" ./cmd/wensou
go build -tags benchgse -o "$WORK/wensou-bench" ./cmd/wensou-bench   # benchgse: gse itself as the raw-segmentation reference
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(go version), $(free -g | awk '/Mem:/{print $2}') GiB"
echo "load before: $(uptime)"
args=(--wensou "$WORK/wensou" --corpus "$OUT" --work "$WORK" --scale "$SCALE" --duration "$DURATION" --public "$SHARED/eval/public.tsv"
  --known-items "$SHARED/eval/known-item-dev.tsv")
[ -n "${REALISTIC:-}" ] && args+=(--realistic)
[ -n "${INDEXING:-}" ] && args+=(--indexing)
if [ -n "${BLEVE:-}" ]; then
  (cd bench/bleve && go build -o "$WORK/bleve" .)
  args+=(--bleve "$WORK/bleve")
fi
[ -n "${PROFILE:-}" ] && args+=(--profile "$PROFILE")
[ -n "${SOAK:-}" ] && args+=(--soak "$SOAK")
timeout 40m "$WORK/wensou-bench" "${args[@]}"
echo "load after: $(uptime)"
if [ -n "${PROFILE:-}" ]; then
  for p in index search; do
    echo "== $p.cpu (top 25)"
    go tool pprof -top -nodecount 25 "$WORK/wensou-bench" "$PROFILE/$p.cpu" 2>/dev/null | sed -n '1,35p'
  done
fi
if [ -n "${GO_BENCH:-}" ]; then
  go test -run '^$' -bench . -benchmem -benchtime "${BENCHTIME:-1s}" ./corpus/ ./segment/ ./indexer/ ./search/
fi
