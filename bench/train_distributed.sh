#!/usr/bin/env bash
# Data-parallel training speed and quality on the music data (configs/music-demo.yaml):
# one process with 2 compute threads against `--nproc 2` ranks of 1 thread each, same
# global batch, seed and data, in one run (docs/distributed.md).
#
#   1. generates the data set once (DATA, kept between runs; USERS x ITEMS, default the
#      seed-004 scale of 100k listeners and 80k tracks)
#   2. trains EPOCHS epochs (early stopping off, no collaborative fit) both ways
#   3. prints both runs' examples/s (training loop, mean over epochs, global examples)
#      and validation ndcg@10 of the last epoch, and the bytes rank 0 sent per step
# The last line: distributed: ranks=2 examples_per_s_ratio=<2 ranks / 1 process>
#                ndcg_single=<x> ndcg_distributed=<y>
# Usage: bench/train_distributed.sh [EPOCHS=1] [extra --set KEY=VALUE ...]
#   USERS=20000 ITEMS=16000 DATA=build/bench-music-small bench/train_distributed.sh 1
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-1}
shift $(($# < 1 ? $# : 1))
build=${BUILD:-build}
users=${USERS:-100000}
items=${ITEMS:-80000}
data=${DATA:-$build/bench-music-${users}x${items}}
export OMP_WAIT_POLICY=PASSIVE

[ -x "$build/towerrec" ] || {
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release && cmake --build "$build" -j2 --target towerrec_cli; }

if [ ! -f "$data/events.csv" ]; then
  "$build/towerrec" generate music --output "$data" --users "$users" --items "$items" \
    --events-per-user 30 --text-dim 32 --seed 42
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sets=(--set "data.dir=$(cd "$data" && pwd)" --set "train.epochs=$epochs"
      --set train.early_stopping=false --set train.collaborative=false
      --set train.max_seconds=0 "$@")

"$build/towerrec" train --config configs/music-demo.yaml "${sets[@]}" --set train.threads=2 \
  --output "$work/single" >"$work/single.log" 2>&1 || { cat "$work/single.log"; exit 1; }
"$build/towerrec" --log-level debug train --config configs/music-demo.yaml "${sets[@]}" \
  --set train.threads=1 --nproc 2 --output "$work/distributed" >"$work/distributed.log" 2>&1 ||
  { grep -v "step" "$work/distributed.log"; exit 1; }
grep -E "training positives|bytes sent per step|replicas identical" "$work/distributed.log"

/usr/bin/python3 - "$work" <<'PY'
import json, re, sys
work = sys.argv[1]
def run(name):
    log = [json.loads(l) for l in open(f"{work}/{name}/train_log.jsonl") if l.strip()]
    eps = sum(r["examples_per_second"] for r in log) / len(log)
    return eps, log[-1]["val_metric"]
single_eps, single_ndcg = run("single")
dist_eps, dist_ndcg = run("distributed")
text = open(f"{work}/distributed.log").read()
steps = [int(b) for b in re.findall(r"\[rank 0\].*step \d+: sent (\d+) bytes", text)]
print(f"single:      examples/s {single_eps:,.0f}  ndcg@10 {single_ndcg:.4f}")
print(f"distributed: examples/s {dist_eps:,.0f}  ndcg@10 {dist_ndcg:.4f}"
      + (f"  rank 0 sent {sum(steps) / len(steps):,.0f} bytes per step" if steps else ""))
print(f"distributed: ranks=2 examples_per_s_ratio={dist_eps / single_eps:.3f} "
      f"ndcg_single={single_ndcg:.4f} ndcg_distributed={dist_ndcg:.4f}")
PY
