#!/usr/bin/env bash
# MovieLens 100K quality on the Microsoft Recommenders protocol, scored outside TowerRec:
# split 75/25 by item (seed 42), train on the training part with split.method=none,
# recommend the top 10 unseen items for every user, score with bench/movielens_protocol.py.
# Usage: bench/quality_movielens.sh [extra --set overrides for train...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
data=${DATA:-$(cd .. && pwd)/shared/data/ml-100k}
export OMP_WAIT_POLICY=PASSIVE
TOWERREC_BENCH_DEPS=1 bash scripts/setup.sh
[ -x "$build/towerrec" ] || make build
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 bench/movielens_protocol.py split "$data" "$work/split"
"$build/towerrec" train --config configs/movielens-100k.yaml --set "data.dir=$work/split" \
  --set split.method=none --output "$work/model" "$@"
"$build/towerrec" recommend --model "$work/model" --all-users --k 10 --exclude-seen \
  --output "$work/recs.csv"
/usr/bin/python3 bench/movielens_protocol.py score "$work/recs.csv" "$work/split/test.tsv"
