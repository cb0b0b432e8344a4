#!/usr/bin/env bash
# Issue 15's filter and facet latency (docs/BENCHMARKS.md): the poetry
# corpus indexed with author as a searchable, filterable, faceted field,
# served with the result cache off; every query of queries.txt searched
# unfiltered, with 1 and 3 filters and with facets=author, PASSES times
# each; p50/p99/max of the engine's took_ms. Traffic only to 127.0.0.1.
#
#   CORPUS=/tmp/corpus15 bash scripts/filterbench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${CORPUS:-/tmp/corpus15}
WORK=${WORK:-/tmp/wensou-filterbench}
PASSES=${PASSES:-3}
ADDR=${ADDR:-127.0.0.1:18715}
mkdir -p "$WORK"
go build -o "$WORK/wensou" ./cmd/wensou
cat > "$WORK/poetry.yaml" <<'YAML'
fields:
  - {name: author, type: text, searchable: true, weight: 2, filterable: true, facet: true}
YAML
if [ ! -d "$WORK/idx" ]; then
  /usr/bin/time -f "index: %e s, %M KB max RSS" "$WORK/wensou" index --json --full --config "$WORK/poetry.yaml" \
    --index "$WORK/idx" "$CORPUS/poetry.jsonl" > "$WORK/index.json"
fi
"$WORK/wensou" serve --config "$WORK/poetry.yaml" --index "$WORK/idx" --addr "$ADDR" --set cache.disabled=true \
  --set rate_limit.per_second=-1 > "$WORK/serve.log" 2>&1 &
pid=$!
trap 'kill $pid' EXIT
until curl -sf "http://$ADDR/readyz" > /dev/null; do sleep 0.2; done
python3 - "$ADDR" "$CORPUS/queries.txt" "$PASSES" <<'PY'
import json, sys, urllib.parse, urllib.request
addr, queries, passes = sys.argv[1], [q.strip() for q in open(sys.argv[2]) if q.strip()], int(sys.argv[3])
f1 = [("filter", "author:(李白 OR 杜甫 OR 白居易 OR 苏轼 OR 辛弃疾)")]
f3 = f1 + [("filter", "author:(李白 OR 杜甫 OR 苏轼)"), ("filter", "author:(李白 OR 杜甫 OR 白居易)")]
runs = [("0 filters", []), ("1 filter", f1), ("3 filters", f3), ("facets=author", [("facets", "author")]),
        ("1 filter + facets", f1 + [("facets", "author")])]
def took(params):
    with urllib.request.urlopen(f"http://{addr}/api/search?" + urllib.parse.urlencode(params)) as r:
        return json.load(r)["took_ms"]
for q in queries:  # warm the page cache and the per-reader tables
    took([("q", q)] + f3 + [("facets", "author")])
for name, extra in runs:
    ts = sorted(took([("q", q)] + extra) for _ in range(passes) for q in queries)
    pick = lambda p: ts[min(len(ts) - 1, int(p * len(ts)))]
    print(f"| {name} | {len(ts)} | {pick(0.5):.2f} | {pick(0.99):.2f} | {ts[-1]:.2f} |")
PY
