#!/usr/bin/env bash
# Load benchmark of `towerrec serve` against the Python serving peer, in one run on this
# machine, loopback only: trains the MovieLens 100K model (configs/movielens-100k.yaml)
# and the peer's model, serves each in turn, drives each with the same wrk script (the
# peer's post.lua: POST /recommendations {"user_id": n, "k": 10}, -t2 -c16 -d10s) and
# prints requests/s, p99 latency and the ratio.
#
#   bench/serve_bench.sh                 # BUILD=build, WORK=a fresh temp dir
#   TRAIN_SECONDS=120 DURATION=10s bench/serve_bench.sh
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${BUILD:-$ROOT/build}/towerrec"
PEERS="${PEERS:-$(cd "$ROOT/.." && pwd)/shared/peers}"
DATA="${DATA:-$(cd "$ROOT/.." && pwd)/shared/data/ml-100k}"
WORK="${WORK:-$(mktemp -d /tmp/towerrec-serve-bench.XXXXXX)}"
DURATION="${DURATION:-10s}"
TRAIN_SECONDS="${TRAIN_SECONDS:-120}"
PORT="${PORT:-18180}"
PEER_PORT="${PEER_PORT:-18190}"
export OMP_WAIT_POLICY=PASSIVE
# wrk, and the peer's PyTorch and scikit-learn.
TOWERREC_BENCH_DEPS=1 bash "$ROOT/scripts/setup.sh"

SERVER_PID=""
cleanup() { if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; fi; }
trap cleanup EXIT

wait_for() {  # url: polls up to 60 s
  for _ in $(seq 1 600); do
    if curl -sf "$1" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "error: $1 did not come up" >&2
  exit 1
}

stop_server() {
  kill "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

wrk_json() { grep '^WRKJSON' "$1" | sed 's/^WRKJSON //'; }

echo "== work dir $WORK"
if [[ ! -f "$WORK/bundle/manifest.json" ]]; then
  echo "== training TowerRec (at most ${TRAIN_SECONDS}s)"
  "$BIN" train --config "$ROOT/configs/movielens-100k.yaml" --output "$WORK/bundle" \
    --set "train.max_seconds=$TRAIN_SECONDS" >"$WORK/train.log" 2>&1
  "$BIN" index build --model "$WORK/bundle"
fi

echo "== towerrec serve on 127.0.0.1:$PORT"
"$BIN" serve --model "$WORK/bundle" --config "$ROOT/configs/movielens-100k.yaml" \
  --set "serve.database=$WORK/serve.db" --set "serve.model_root=$WORK" \
  --host 127.0.0.1 --port "$PORT" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
wait_for "http://127.0.0.1:$PORT/readyz"
wrk -t2 -c16 -d"$DURATION" -s "$PEERS/post.lua" "http://127.0.0.1:$PORT" >"$WORK/wrk_towerrec.txt"
stop_server

if [[ ! -f "$WORK/peer.pt" ]]; then
  echo "== training the Python peer (at most ${TRAIN_SECONDS}s)"
  /usr/bin/python3 "$PEERS/seed_twotower.py" --data "$DATA" --threads 2 \
    --max-train-seconds "$TRAIN_SECONDS" --save-model "$WORK/peer.pt" >"$WORK/peer_train.log" 2>&1
fi
echo "== Python peer on 127.0.0.1:$PEER_PORT"
/usr/bin/python3 "$PEERS/seed_serve.py" --checkpoint "$WORK/peer.pt" --host 127.0.0.1 \
  --port "$PEER_PORT" --torch-threads 1 >"$WORK/peer_serve.log" 2>&1 &
SERVER_PID=$!
wait_for "http://127.0.0.1:$PEER_PORT/health"
wrk -t2 -c16 -d"$DURATION" -s "$PEERS/post.lua" "http://127.0.0.1:$PEER_PORT" >"$WORK/wrk_peer.txt"
stop_server

/usr/bin/python3 - "$(wrk_json "$WORK/wrk_towerrec.txt")" "$(wrk_json "$WORK/wrk_peer.txt")" <<'PY'
import json, sys
ours, peer = json.loads(sys.argv[1]), json.loads(sys.argv[2])
errors = lambda r: sum(v for k, v in r.items() if k.startswith("errors_"))
for name, r in (("towerrec", ours), ("python peer", peer)):
    print(f"{name:12s} {r['rps']:9.1f} req/s  p50 {r['p50_ms']:7.2f} ms  "
          f"p99 {r['p99_ms']:7.2f} ms  errors {errors(r)}")
print(f"ratio        {ours['rps'] / peer['rps']:9.2f}x req/s  "
      f"p99 {peer['p99_ms'] / max(ours['p99_ms'], 1e-9):.2f}x lower")
PY
