#!/bin/bash
# Restart time of `towerrec serve` with a store holding N posted items (default 68,000):
# trains a small bundle on synthetic music data, writes N items into a fresh store (the
# items table the server fills from POST /api/v1/items: the features of a generated track
# under a new id; a schema made by the server itself), then times `towerrec serve` from
# its start to the "serving ... on http://" line (it listens from then on) and prints the
# RSS at that point: once embedding every item (no items snapshot yet), once more reading
# the snapshot that start wrote (docs/serving.md#restarts).
#
#   bench/restart_items.sh [N]          (TOWERREC=<binary> overrides build/towerrec;
#                                        INDEX=Flat trains the bundle with that index spec)
set -euo pipefail
n=${1:-68000}
source "$(dirname "$0")/music_fixture.sh"
"$bin" train --config "$root/configs/music-demo.yaml" --output "$work/models/b1" \
  --set data.dir="$work/music" --set train.epochs=2 ${INDEX:+--index "$INDEX"} \
  --log-level warn >/dev/null

serve() {  # starts the server, waits for its "serving" line; sets took (seconds)
  local start; start=$(date +%s.%N)
  "$bin" serve --model "$work/models/b1" --port 0 --set serve.database="$work/state.db" \
    --log-level warn >"$work/serve.log" 2>&1 &
  pid=$!
  until grep -q '^serving .* on http://' "$work/serve.log"; do
    kill -0 $pid 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
    sleep 0.05
  done
  took=$(echo "$(date +%s.%N) - $start" | bc)
}
stop() { kill $pid; wait $pid 2>/dev/null || true; pid=; }

serve; empty=$took; stop  # creates the store at the latest schema
/usr/bin/python3 - "$work/music/items.csv" "$work/state.db" "$n" <<'PY'
import csv, json, sqlite3, sys, time
rows = list(csv.DictReader(open(sys.argv[1])))
features = [{k: v for k, v in r.items() if k != "track_id"} for r in rows]
now = int(time.time())
with sqlite3.connect(sys.argv[2]) as db:
    db.executemany("INSERT INTO items (id, features, updated_at) VALUES (?, ?, ?)",
                   ((f"posted-{i:06d}", json.dumps(features[i % len(features)]), now)
                    for i in range(int(sys.argv[3]))))
PY
serve; full=$took  # embeds every item, then writes the items snapshot
rss=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' /proc/$pid/status)
restored=$(grep -o 'restored from .*' "$work/serve.log" || true)
stop
serve; fast=$took  # the same model and items: reads the snapshot
fast_rss=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' /proc/$pid/status)
fast_restored=$(grep -o 'restored from .*' "$work/serve.log" || true)
stop
printf 'empty store: %.2f s to listen\n' "$empty"
printf '%d posted items, embedded: %.2f s to listen, RSS %s MiB\n%s\n' "$n" "$full" "$rss" \
  "$restored"
printf '%d posted items, from the snapshot: %.2f s to listen, RSS %s MiB\n%s\n' "$n" "$fast" \
  "$fast_rss" "$fast_restored"
