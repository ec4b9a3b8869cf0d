#!/usr/bin/env bash
# CiteULike-a quality scored outside TowerRec, on splits made outside TowerRec (seed 42,
# bench/citeulike_protocol.py; every save is relevant):
#   warm: 80/20 of each user's saves; top 10 (and 50) unseen articles per user from
#     `towerrec recommend`; NDCG, Precision, Recall and MAP at 10, Recall@50; most popular
#     and item-kNN fitted on the same 80% as reference rows.
#   cold: 20% of the articles held out entirely (all their saves are test, none train;
#     the articles stay in items.tsv with their tags, so the item tower embeds them from
#     their tags); each user's held-out saves are ranked among the held-out articles only,
#     by the dot product of the embeddings `towerrec embed` writes; Recall@50, NDCG@10,
#     against a random ranking, tag popularity and the user's tag profile.
# The model trains on each training part (split.method=none) with the config's own
# validation carve inside it for early stopping, as bench/quality_movielens.sh does.
# Usage: [TOWERREC=path | BUILD=dir] [CONFIG=file] [DATA=dir] bench/quality_citeulike.sh
#        [extra --set overrides for both trainings...]
# Ends with one line: citeulike: warm_ndcg10=... cold_recall50=...
set -euo pipefail
cd "$(dirname "$0")/.."
towerrec=${TOWERREC:-${BUILD:-build}/towerrec}
data=${DATA:-$(cd .. && pwd)/shared/data/citeulike-a}
config=${CONFIG:-configs/citeulike-a.yaml}
python=/usr/bin/python3
export OMP_WAIT_POLICY=PASSIVE
[ -x "$towerrec" ] || make build
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
protocol() { "$python" bench/citeulike_protocol.py "$@"; }
field() { sed -n "s/^$1 .*$2=\([0-9.]*\).*/\1/p" "$3"; }
seconds() { echo $(( $(date +%s) - $1 )); }

# train <split>: trains the config on $work/<split> into $work/<split>-model; sets took.
train() {
  local start
  start=$(date +%s)
  "$towerrec" train --config "$config" --set "data.dir=$work/$1" --set split.method=none \
    --output "$work/$1-model" "${extra[@]}"
  took=$(seconds "$start")
}
extra=("$@")

echo "== warm: 80/20 of each user's saves"
protocol warm-split "$data" "$work/warm"
train warm
warm_train=$took
"$towerrec" recommend --model "$work/warm-model" --all-users --k 50 --exclude-seen \
  --output "$work/warm-recs.csv"
protocol warm-score "$work/warm-recs.csv" "$work/warm" | tee "$work/warm.txt"

echo "== cold: 20% of the articles held out entirely"
protocol cold-split "$data" "$work/cold"
train cold
cold_train=$took
mkdir "$work/emb"
"$towerrec" embed --model "$work/cold-model" --what users --output "$work/emb/users.csv"
"$towerrec" embed --model "$work/cold-model" --what items --output "$work/emb/items.csv"
protocol cold-score "$work/emb" "$work/cold" | tee "$work/cold.txt"

echo "citeulike: warm_ndcg10=$(field two_tower 'ndcg@10' "$work/warm.txt")" \
  "warm_recall10=$(field two_tower 'recall@10' "$work/warm.txt")" \
  "warm_recall50=$(field two_tower 'recall@50' "$work/warm.txt")" \
  "cold_recall50=$(field two_tower 'recall@50' "$work/cold.txt")" \
  "cold_ndcg10=$(field two_tower 'ndcg@10' "$work/cold.txt")" \
  "warm_train_s=$warm_train cold_train_s=$cold_train"
