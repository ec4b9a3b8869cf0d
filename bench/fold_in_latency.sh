#!/bin/bash
# Fold-in latency on a served bundle: request time (curl time_total, ms) for
#  stored   a trained user without posted events (the stored embedding, cached)
#  miss     a trained user right after each new event (fold-in recomputed)
#  hit      the same user again without a new event (fold-in cached)
set -euo pipefail
bundle=$(realpath "$1"); port=${2:-18411}; n=${3:-200}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${TOWERREC:-$root/build/towerrec}
work=$(mktemp -d); cd "$work"
OMP_WAIT_POLICY=PASSIVE "$bin" serve --model "$bundle" --port "$port" --log-level warn &
pid=$!
trap 'kill $pid; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf "localhost:$port/api/v1/algorithms/status" >/dev/null 2>&1 && break; sleep 0.2; done
rec() { curl -s -o /dev/null -w "%{time_total}\n" -X POST "localhost:$port/api/v1/recommendations" -d "{\"user_id\": \"$1\", \"limit\": 10}"; }
stats() { sort -n | awk '{v[NR]=$1*1000} END{printf "p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  (n=%d)\n", v[int(NR*.5)+1], v[int(NR*.9)+1], v[int(NR*.99)+1], NR}'; }
tracks=($(awk -F, 'NR>1 && NR<400 {print $2}' $root/build/demo/music/events.csv | sort -u))
rec u000002 >/dev/null
echo -n "stored  "; for i in $(seq $n); do rec u000002; done | stats
echo -n "miss    "; for i in $(seq $n); do
  curl -s -o /dev/null -X POST "localhost:$port/api/v1/events" \
    -d "{\"events\": [{\"user_id\": \"u000003\", \"item_id\": \"${tracks[$((i % ${#tracks[@]}))]}\", \"type\": \"play\"}]}"
  rec u000003; done | stats
echo -n "hit     "; for i in $(seq $n); do rec u000003; done | stats
curl -s -o /dev/null -X POST "localhost:$port/api/v1/events" -d "{\"events\": [
  {\"user_id\": \"brand-new\", \"item_id\": \"${tracks[1]}\", \"type\": \"play\"},
  {\"user_id\": \"brand-new\", \"item_id\": \"${tracks[2]}\", \"type\": \"play\"},
  {\"user_id\": \"brand-new\", \"item_id\": \"${tracks[3]}\", \"type\": \"like\", \"value\": 2}]}"
echo -n "new user with three events: "
curl -s -X POST "localhost:$port/api/v1/recommendations" -d '{"user_id": "brand-new", "limit": 3}' | grep -o '"path": *"[a-z_]*"'
