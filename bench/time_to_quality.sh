#!/usr/bin/env bash
# NDCG@10 against wall seconds on MovieLens 100K, in one run, on the split of
# bench/movielens_protocol.py (75/25 by item, seed 42):
#   towerrec   configs/movielens-100k.yaml as the quick start trains it (validation carve,
#              early stopping, refit, collaborative factors, blend fit), cut at each
#              train.max_seconds of BUDGETS (0 = no budget); the served lists, scored
#              outside TowerRec; the seconds are the wall time of `towerrec train`.
#   ease       the closed-form item-item model, and bpr (matrix factorisation) at each
#              epoch count of BPR_EPOCHS: fitted and scored by `towerrec evaluate
#              --baselines` on the same split (split.method stratified_item reproduces it);
#              the seconds are their fit_seconds.
# Usage: [BUDGETS="15 30 60 0"] [BPR_EPOCHS="10 25 50"] bench/time_to_quality.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
data=${DATA:-$(cd .. && pwd)/shared/data/ml-100k}
budgets=${BUDGETS:-15 30 60 120 0}
bpr_epochs=${BPR_EPOCHS:-10 25 50 100}
export OMP_WAIT_POLICY=PASSIVE
TOWERREC_BENCH_DEPS=1 bash scripts/setup.sh
[ -x "$build/towerrec" ] || make build
towerrec=$(cd "$build" && pwd)/towerrec
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 bench/movielens_protocol.py split "$data" "$work/split"

echo "| method | setting | wall seconds | NDCG@10 |"
echo "|---|---|---:|---:|"
for budget in $budgets; do
  start=$(date +%s.%N)
  "$towerrec" train --config configs/movielens-100k.yaml --set "data.dir=$work/split" \
    --set split.method=none --set "train.max_seconds=$budget" --output "$work/m$budget" \
    > "$work/train$budget.log" 2>&1
  seconds=$(awk "BEGIN { print $(date +%s.%N) - $start }")
  "$towerrec" recommend --model "$work/m$budget" --all-users --k 10 --exclude-seen \
    --output "$work/recs$budget.csv" 2> /dev/null
  ndcg=$(/usr/bin/python3 bench/movielens_protocol.py score "$work/recs$budget.csv" \
    "$work/split/test.tsv" | sed -n 's/.*ndcg@10=\([0-9.]*\).*/\1/p')
  [ "$budget" = 0 ] && setting="no budget" || setting="train.max_seconds=$budget"
  printf '| towerrec | %s | %.1f | %s |\n' "$setting" "$seconds" "$ndcg"
done

# A bundle on TowerRec's own copy of the split, for `towerrec evaluate` to fit the
# baselines on its training part (the towers in it are not scored).
"$towerrec" train --config configs/movielens-100k-minimal.yaml --set "data.dir=$data" \
  --set split.method=stratified_item --set split.test_ratio=0.25 \
  --set split.validation_ratio=0 --set split.seed=42 --set train.epochs=1 \
  --set train.collaborative=false --output "$work/base" > "$work/base.log" 2>&1
baseline_row() {  # name setting [--set ...]
  local name=$1 setting=$2
  shift 2
  "$towerrec" evaluate --model "$work/base" --baselines "$name" --k 10 "$@" \
    --output "$work/$name.json" > /dev/null 2>&1
  /usr/bin/python3 -c 'import json, sys
row = json.load(open(sys.argv[1]))["rows"][sys.argv[2]]
print("| %s | %s | %.1f | %.4f |" % (sys.argv[2], sys.argv[3], row["fit_seconds"], row["ndcg@10"]))' \
    "$work/$name.json" "$name" "$setting"
}
baseline_row ease "closed form"
for epochs in $bpr_epochs; do
  baseline_row bpr "$epochs epochs" --set "train.bpr.epochs=$epochs"
done
