#!/usr/bin/env bash
# MovieLens 100K quality scored outside TowerRec, on a split made outside TowerRec.
#   PROTOCOL=ms (default): the Microsoft Recommenders benchmark. 75/25 split by item
#     (seed 42), top 10 unseen items per user; NDCG, Precision, Recall and MAP at 10.
#   PROTOCOL=tfrs: the TensorFlow Recommenders retrieval tutorial. Random 80/20 of the
#     ratings (seed 42), top 100 over all movies, seen ones included; top-100 accuracy.
# The model trains on the training part as the config says (split.method=none: no test
# part taken from it; the config's validation carve, early stopping and refit apply).
# The lists scored are what `towerrec recommend` gives: the served blend, or with
# RECOMMEND_FLAGS=--towers-only the towers' own top 10.
# Usage: [PROTOCOL=tfrs] [CONFIG=file] [RECOMMEND_FLAGS=...] bench/quality_movielens.sh [extra --set overrides for train...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
data=${DATA:-$(cd .. && pwd)/shared/data/ml-100k}
protocol=${PROTOCOL:-ms}
export OMP_WAIT_POLICY=PASSIVE
TOWERREC_BENCH_DEPS=1 bash scripts/setup.sh
[ -x "$build/towerrec" ] || make build
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case "$protocol" in
  ms) split=split k=10 seen=--exclude-seen score=score ;;
  tfrs) split=tfrs-split k=100 seen=--towers-only score=top100 ;;
  *) echo "error: PROTOCOL must be ms or tfrs, not '$protocol'" >&2; exit 2 ;;
esac
/usr/bin/python3 bench/movielens_protocol.py "$split" "$data" "$work/split"
"$build/towerrec" train --config "${CONFIG:-configs/movielens-100k.yaml}" --set "data.dir=$work/split" \
  --set split.method=none --output "$work/model" "$@"
"$build/towerrec" recommend --model "$work/model" --all-users --k "$k" $seen ${RECOMMEND_FLAGS:-} \
  --output "$work/recs.csv"
/usr/bin/python3 bench/movielens_protocol.py "$score" "$work/recs.csv" "$work/split/test.tsv"
