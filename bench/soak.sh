#!/bin/bash
# Soak test of `towerrec serve`: trains two small bundles on synthetic music data, serves
# one, and runs mixed concurrent traffic for --seconds (default 60) from bench/soak.py:
# recommendations, event batches with idempotency keys, item upserts and hot swaps
# between the two bundles (POST /api/v1/models/load). Prints requests, failures and
# p50/p99 latency by kind and the server's RSS at the start and the end. Exits non-zero
# on any failed request or an RSS growth after the warm-up (the first quarter) above
# --max-rss-growth-mib (default 100).
#
#   bench/soak.sh [--seconds 60] [--max-rss-growth-mib 100]
# Uses build/towerrec (TOWERREC=<binary> to override); everything lives in a temporary
# folder, removed at the end. Traffic goes to 127.0.0.1 only.
set -euo pipefail
seconds=60; growth=100
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --max-rss-growth-mib) growth=$2; shift 2 ;;
    *) echo "usage: $0 [--seconds N] [--max-rss-growth-mib MIB]" >&2; exit 2 ;;
  esac
done
source "$(dirname "$0")/music_fixture.sh"
for seed in 1 2; do
  "$bin" train --config "$root/configs/music-demo.yaml" --output "$work/models/b$seed" \
    --set data.dir="$work/music" --set train.epochs=2 --set train.seed=$seed \
    --log-level warn >/dev/null
done

"$bin" serve --model "$work/models/b1" --port 0 --set serve.database="$work/soak.db" \
  --set serve.threads=16 --log-level warn >"$work/serve.log" 2>&1 &
pid=$!
port=
for _ in $(seq 300); do
  port=$(sed -n 's/^serving .* on http:\/\/[^:]*:\([0-9]*\)$/\1/p' "$work/serve.log")
  [ -n "$port" ] && break
  kill -0 $pid 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "serve did not start" >&2; exit 1; }
echo "soak: ${seconds} s of mixed traffic on 127.0.0.1:$port (server pid $pid)"
status=0
/usr/bin/python3 "$root/bench/soak.py" --port "$port" --pid "$pid" --data "$work/music" \
  --bundles "$work/models/b1" "$work/models/b2" --seconds "$seconds" \
  --max-rss-growth-mib "$growth" || status=$?
kill -0 $pid 2>/dev/null || { echo "the server died:" >&2; tail "$work/serve.log" >&2; status=1; }
exit $status
