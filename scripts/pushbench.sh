#!/usr/bin/env bash
# Issue 12's push figures (docs/BENCHMARKS.md): one JSON push of N documents
# of C characters each into a running server, its peak RSS (VmHWM) and the
# data directory's growth. Loopback only.
#
#   bash scripts/pushbench.sh              # 1,000 x 3,000 characters (9 MB)
#   N=1 C=3300000 bash scripts/pushbench.sh   # one 3.3-million-character document
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
C=${C:-3000}
WORK=${WORK:-/tmp/wensou-pushbench}
PORT=${PORT:-18181}
rm -rf "$WORK" && mkdir -p "$WORK"
go build -o "$WORK/wensou" ./cmd/wensou
python3 - "$N" "$C" > "$WORK/push.json" <<'PY'
import json, random, sys
random.seed(1)
chars = "床前明月光疑是地上霜举头望低思故乡网贷账户怎么注销分期手机逾期办理花呗企业锁爱租机关闭申请流程客服电话"
n, per = int(sys.argv[1]), int(sys.argv[2])
docs = [{"id": f"push-{i}", "title": f"推送文档{i}", "body": "".join(random.choice(chars) for _ in range(per))} for i in range(n)]
sys.stdout.write(json.dumps(docs, ensure_ascii=False))
PY
"$WORK/wensou" index --index "$WORK/index" --full corpus/testdata/fullwidth.txt > /dev/null
"$WORK/wensou" serve --index "$WORK/index" --addr "127.0.0.1:$PORT" --admin-key k --set limits.max_body_bytes=64MiB > "$WORK/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "127.0.0.1:$PORT/readyz" && break; sleep 0.2; done
before=$(du -sk "$WORK/index" | cut -f1)
rss0=$(awk '/VmRSS/{print $2}' /proc/$pid/status)
res=$(curl -s -o "$WORK/resp.json" -w "%{http_code} %{time_total}s" -X POST -H "Authorization: Bearer k" \
  -H "Content-Type: application/json" --data-binary @"$WORK/push.json" "127.0.0.1:$PORT/api/docs")
after=$(du -sk "$WORK/index" | cut -f1)
hwm=$(awk '/VmHWM/{print $2}' /proc/$pid/status)
body=$(stat -c %s "$WORK/push.json")
echo "push of $N x $C characters ($body bytes): HTTP $res; RSS before $((rss0 / 1024)) MB, peak $((hwm / 1024)) MB; data dir +$(((after - before) / 1024)) MB ($(awk -v a=$((after - before)) -v b=$body 'BEGIN{printf "%.1f", a*1024/b}')x the body)"
