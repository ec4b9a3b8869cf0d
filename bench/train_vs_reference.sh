#!/usr/bin/env bash
# Training speed against the Python/PyTorch reference on the same model and data.
#
# Runs TowerRec (configs/reference-peer.yaml) and ../shared/peers/seed_twotower.py
# --loss bce back to back, alternating A B A B for PAIRS pairs, each for EPOCHS epochs
# with early stopping off, on MovieLens 100K. Prints each run's examples/s over the
# training loop, whole-process wall seconds and test NDCG@10, and as its last line
#   speedup_examples_per_s=<median ratio> speedup_wall=<median ratio>
# Usage: bench/train_vs_reference.sh [EPOCHS=5] [PAIRS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-5}
pairs=${2:-3}
build=${BUILD:-build}
data=${DATA:-$(cd .. && pwd)/shared/data/ml-100k}
peer=${PEER:-$(cd .. && pwd)/shared/peers/seed_twotower.py}
python=/usr/bin/python3
export OMP_WAIT_POLICY=PASSIVE  # both sides: LibTorch's OpenMP pool must not spin

TOWERREC_BENCH_DEPS=1 bash scripts/setup.sh
[ -x "$build/towerrec" ] || { cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release &&
  cmake --build "$build" -j2; }
[ -f "$data/u.data" ] || { echo "error: MovieLens 100K not found in $data" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }

run_towerrec() {  # prints: examples_per_s wall_s ndcg
  local out="$work/model-$1" t0 t1
  t0=$(now)
  "$build/towerrec" train --config configs/reference-peer.yaml --set "data.dir=$data" \
    --set "train.epochs=$epochs" --set train.early_stopping=false --output "$out" \
    >"$work/towerrec-$1.log" 2>&1
  t1=$(now)
  "$build/towerrec" evaluate --model "$out" --k 10 --baselines "" --output "$work/eval-$1.json" \
    >>"$work/towerrec-$1.log" 2>&1
  "$python" - "$out/train_log.jsonl" "$work/eval-$1.json" "$t0" "$t1" <<'EOF'
import json, sys
log = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
eps = sum(r["examples_per_second"] for r in log) / len(log)
ndcg = json.load(open(sys.argv[2]))["rows"]["two_tower"]["ndcg@10"]
print(f"{eps:.1f} {float(sys.argv[4]) - float(sys.argv[3]):.3f} {ndcg:.4f}")
EOF
}

run_peer() {  # prints: examples_per_s wall_s ndcg
  local t0 t1
  t0=$(now)
  "$python" "$peer" --data "$data" --loss bce --epochs "$epochs" --patience 1000000 \
    --max-train-seconds 100000 --latency-users 10 >"$work/peer-$1.json" 2>"$work/peer-$1.log"
  t1=$(now)
  "$python" - "$work/peer-$1.json" "$t0" "$t1" <<'EOF'
import json, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
print(f"{r['train_examples_per_sec']:.1f} {float(sys.argv[3]) - float(sys.argv[2]):.3f} "
      f"{r['ndcg@10']:.4f}")
EOF
}

echo "pair side examples_per_s wall_s ndcg@10"
ratios_eps=()
ratios_wall=()
for ((p = 1; p <= pairs; p++)); do
  read -r a_eps a_wall a_ndcg <<<"$(run_towerrec "$p")"
  echo "$p towerrec $a_eps $a_wall $a_ndcg"
  read -r b_eps b_wall b_ndcg <<<"$(run_peer "$p")"
  echo "$p reference $b_eps $b_wall $b_ndcg"
  ratios_eps+=("$("$python" -c "print($a_eps / $b_eps)")")
  ratios_wall+=("$("$python" -c "print($b_wall / $a_wall)")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
printf 'speedup_examples_per_s=%.2f speedup_wall=%.2f\n' \
  "$(median "${ratios_eps[@]}")" "$(median "${ratios_wall[@]}")"
