#!/usr/bin/env bash
# Training objectives side by side: every (loss, negatives) pair trained with the same
# budget (EPOCHS epochs, early stopping and the time budget off) on MovieLens 100K
# (configs/movielens-100k.yaml, its default split) and on the synthetic music data set
# (configs/music-demo.yaml on data generated as scripts/demo.sh does), each scored with
# `towerrec evaluate --k 10` on the test split. Prints one markdown row per run, and per
# data set one of the most-popular baseline (the bar every objective must clear): data
# set, loss, negatives, NDCG@10, Recall@10, training seconds (the training
# loop and its validations, from the bundle's manifest) and examples/s (scored pairs -
# positives plus per-row sampled negatives - per second, mean over the train_log.jsonl
# epochs).
#
# Usage: bench/objectives.sh [LOSS:NEGATIVES ...]
#   With no arguments, every loss of LOSSES (default: softmax bce) is paired with every
#   sampler of NEGATIVES (default: in_batch uniform popularity mixed hard); pairs the
#   trainer rejects (a sampler the loss would not use) are skipped.
# Environment: EPOCHS (default 10), DATASETS (default: movielens music), BUILD, DATA
#   (MovieLens 100K directory), extra train overrides in SET (e.g. SET="train.seed=7").
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
data=${DATA:-$(cd .. && pwd)/shared/data/ml-100k}
epochs=${EPOCHS:-10}
datasets=${DATASETS:-movielens music}
python=/usr/bin/python3
towerrec="$build/towerrec"
export OMP_WAIT_POLICY=PASSIVE

[ -x "$towerrec" ] || { echo "error: $towerrec not built (make build)" >&2; exit 2; }
pairs=("$@")
if [ ${#pairs[@]} -eq 0 ]; then
  for loss in ${LOSSES:-softmax bce}; do
    for negatives in ${NEGATIVES:-in_batch uniform popularity mixed hard}; do
      pairs+=("$loss:$negatives")
    done
  done
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

config_of() {  # prints: config file and its data overrides for data set $1
  case "$1" in
    movielens)
      [ -f "$data/u.data" ] || { echo "error: MovieLens 100K not found in $data" >&2; exit 2; }
      echo "configs/movielens-100k.yaml --set data.dir=$data" ;;
    music)
      if [ ! -d "$work/music" ]; then
        "$towerrec" generate music --output "$work/music" --users 3000 --items 2000 \
          --events-per-user 30 --text-dim 32 --seed 42 >"$work/generate.log" 2>&1
      fi
      echo "configs/music-demo.yaml --set data.dir=$work/music" ;;
    *) echo "error: unknown data set '$1' (movielens|music)" >&2; exit 2 ;;
  esac
}

summary() {  # prints: ndcg@10 recall@10 train_seconds examples_per_s
  "$python" - "$1" "$2" <<'PY'
import json, sys
model, report = sys.argv[1], sys.argv[2]
row = json.load(open(report))["rows"]["two_tower"]
metrics = json.load(open(model + "/manifest.json"))["metrics"]
log = [json.loads(l) for l in open(model + "/train_log.jsonl") if l.strip()]
eps = sum(r["examples_per_second"] for r in log) / len(log)
print(f"{row['ndcg@10']:.4f} {row['recall@10']:.4f} {metrics['train_seconds']:.1f} {eps:.0f}")
PY
}

popular() {  # prints: ndcg@10 recall@10 of the popularity baseline
  "$python" - "$1" <<'PY'
import json, sys
row = json.load(open(sys.argv[1]))["rows"]["popularity"]
print(f"{row['ndcg@10']:.4f} {row['recall@10']:.4f}")
PY
}

echo "| data set | loss | negatives | NDCG@10 | Recall@10 | training s | examples/s |"
echo "|---|---|---|---|---|---|---|"
for dataset in $datasets; do
  line=$(config_of "$dataset")
  read -r -a source <<<"$line"
  baselines=popularity  # scored once per data set, beside the first model
  for pair in "${pairs[@]}"; do
    loss=${pair%%:*}
    negatives=${pair#*:}
    out="$work/model-$dataset-$loss-$negatives"
    overrides=(--set "train.loss=$loss" --set "train.negatives=$negatives"
      --set "train.epochs=$epochs" --set train.early_stopping=false --set train.max_seconds=0)
    for extra in ${SET:-}; do overrides+=(--set "$extra"); done
    if ! "$towerrec" train --config "${source[@]}" "${overrides[@]}" --output "$out" \
      >"$work/train.log" 2>&1; then
      if grep -q "has no effect with the" "$work/train.log"; then continue; fi
      echo "error: training $dataset $loss:$negatives failed:" >&2
      cat "$work/train.log" >&2
      exit 1
    fi
    "$towerrec" evaluate --model "$out" --k 10 --baselines "$baselines" \
      --output "$work/eval.json" >/dev/null
    if [ "$baselines" = popularity ]; then
      read -r ndcg recall <<<"$(popular "$work/eval.json")"
      echo "| $dataset | most-popular | - | $ndcg | $recall | - | - |"
      baselines=none
    fi
    read -r ndcg recall seconds eps <<<"$(summary "$out" "$work/eval.json")"
    echo "| $dataset | $loss | $negatives | $ndcg | $recall | $seconds | $eps |"
    rm -rf "$out"
  done
done
