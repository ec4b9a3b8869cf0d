#!/usr/bin/env bash
# The main job on embedded defaults: generate the synthetic music data set, train the
# two-tower model on it, evaluate it against the baselines, write the report and print
# sample recommendations. Usage: scripts/demo.sh BUILD_DIR DEMO_DIR
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

echo "== sample recommendations (top 5 for the first user)"
user=$(sed -n 2p "$demo/music/users.csv" | cut -d, -f1)
"$towerrec" recommend --model "$demo/model" --user "$user" --k 5 --exclude-seen
