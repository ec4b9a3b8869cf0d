#!/usr/bin/env bash
# The main job on embedded defaults: generate the synthetic music data set, train the
# two-tower model on it, evaluate it against the baselines, print sample recommendations,
# answer a sample API call and write the HTML report. Usage: scripts/demo.sh BUILD_DIR DEMO_DIR
set -euo pipefail
build=${1:-build}
demo=${2:-$build/demo}
towerrec="$build/towerrec"
export OMP_WAIT_POLICY=PASSIVE

echo "== generating the music demo data set in $demo/music"
"$towerrec" generate music --output "$demo/music" --users 3000 --items 2000 \
  --events-per-user 30 --text-dim 32 --seed 42

echo "== inspecting it"
"$towerrec" inspect --config configs/music-demo.yaml --set "data.dir=$demo/music"

echo "== training the two-tower model"
"$towerrec" train --config configs/music-demo.yaml --set "data.dir=$demo/music" \
  --output "$demo/model"

echo "== evaluating it against the baselines (test split)"
"$towerrec" evaluate --model "$demo/model" --k 10,20

echo "== sample recommendations (top 5 for the first user)"
user=$(sed -n 2p "$demo/music/users.csv" | cut -d, -f1)
"$towerrec" recommend --model "$demo/model" --user "$user" --k 5 --exclude-seen

echo "== serving it over HTTP: a sample API call"
log="$demo/serve.log"
# serve.model_root is relative to the bundle's folder and serve.database to model_root:
# absolute paths keep the database in the demo folder whatever the working directory.
root=$(realpath -m "$demo")
"$towerrec" serve --model "$demo/model" --port 0 --set "serve.model_root=$root" \
  --set "serve.database=$root/towerrec.db" >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q "^serving" "$log" && break
  kill -0 $server 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.2
done
port=$(sed -n 's|^serving .* on http://[^:]*:\([0-9]*\).*|\1|p' "$log")
body="{\"user_id\": \"$user\", \"limit\": 3, \"explain\": true}"
echo "curl -s -X POST http://127.0.0.1:$port/api/v1/recommendations -d '$body'"
curl -sS --fail-with-body -X POST "http://127.0.0.1:$port/api/v1/recommendations" \
  -H 'Content-Type: application/json' -d "$body"
echo
kill $server 2>/dev/null || true

echo "== the HTML report of the model"
"$towerrec" report --model "$demo/model" --output "$demo/report.html" \
  --k 10,20
echo "report: $(cd "$demo" && pwd)/report.html"
