#!/usr/bin/env bash
# Training speed and memory of configs/music-demo.yaml at full synthetic scale (100k
# listeners, 80k tracks, ~3M events), against this machine's float32 GEMM peak measured
# in the same run.
#
#   1. generates the data set once (DATA, kept between runs)
#   2. mlp_bench --peak-only: sgemm peak with training's thread settings
#   3. trains EPOCHS epochs, early stopping off (under /usr/bin/time -v)
#   4. mlp_bench --model: peak again, the tower MLPs' GEMMs and whole MLPs at the
#      training batch size, and the memory model of the trained bundle
# and prints one summary table: examples/s, seconds per epoch, peak memory against the
# memory model, and GFLOP/s of the tower MLPs against the peak.
# Usage: bench/train_music_scale.sh [EPOCHS=1] [MAX_SECONDS=0] [extra --set KEY=VALUE ...]
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-1}
max_seconds=${2:-0}
shift $(($# < 2 ? $# : 2))
build=${BUILD:-build}
data=${DATA:-$build/bench-music}
python=/usr/bin/python3
export OMP_WAIT_POLICY=PASSIVE

[ -x "$build/towerrec" ] && [ -x "$build/bench/mlp_bench" ] || {
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DTOWERREC_BUILD_BENCH=ON &&
    cmake --build "$build" -j2 --target towerrec_cli mlp_bench; }

if [ ! -f "$data/events.csv" ]; then
  "$build/towerrec" generate music --output "$data" --users 100000 --items 80000 \
    --events-per-user 30 --text-dim 32 --seed 42
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The BPR factors `towerrec train` fits for serving after the bundle is written share
# train.max_seconds (what reading the data and the two-tower training leave, at least a
# tenth of it); their epochs are logged but not part of the table below.
sets=(--set "data.dir=$(cd "$data" && pwd)" --set "train.epochs=$epochs"
      --set train.early_stopping=false --set "train.max_seconds=$max_seconds"
      "$@")

"$build/bench/mlp_bench" --peak-only >"$work/peak.txt"
cat "$work/peak.txt"
/usr/bin/time -v "$build/towerrec" train --config configs/music-demo.yaml "${sets[@]}" \
  --output "$work/model" >"$work/train.log" 2>&1 || { cat "$work/train.log"; exit 1; }
grep -E "training positives|epoch [0-9]+/|memory:|bpr epoch|collaborative" "$work/train.log"
batch=$(sed -n 's/.*batch \([0-9]*\),.*/\1/p' "$work/train.log" | head -1)
positives=$(sed -n 's/.* \([0-9]*\) training positives.*/\1/p' "$work/train.log")
"$build/bench/mlp_bench" --model "$work/model" --batch "$batch,${BATCHES:-2048}" \
  --positives "$positives" \
  >"$work/mlp.txt"
cat "$work/mlp.txt"

"$python" - "$work" "$max_seconds" <<'EOF'
import json, re, sys
work = sys.argv[1]
def kv(path):
    return {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.e+-]+)", open(path).read())}
peak0, mlp = kv(f"{work}/peak.txt"), kv(f"{work}/mlp.txt")
first = next(l for l in open(f"{work}/mlp.txt") if l.startswith("batch="))
mlp.update({k: float(v) for k, v in re.findall(r"(\w+)=([0-9.e+-]+)", first)})  # training batch
log = [json.loads(l) for l in open(f"{work}/model/train_log.jsonl") if l.strip()]
train = open(f"{work}/train.log").read()
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", train).group(1)) / 1024
clock = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([0-9:.]+)", train).group(1)
command_seconds = sum(float(part) * 60**i for i, part in enumerate(reversed(clock.split(":"))))
before, during = map(float, re.search(r"memory: (\d+) MiB resident before training, peak (\d+)",
                                      train).groups())
eps = sum(r["examples_per_second"] for r in log) / len(log)
epoch_s = sum(r["seconds"] for r in log) / len(log)
peak = (peak0["peak_gflops"] + mlp["peak_gflops"]) / 2
step_gflops = eps * mlp["mlp_flops_per_example"] / 1e9
model = mlp["model_mib"]
print()
print("| measure | value |")
print("|---|---:|")
print(f"| examples/s (training loop, mean of {len(log)} epochs) | {eps:,.0f} |")
positives = float(re.search(r"(\d+) training positives", train).group(1))
print(f"| seconds per epoch as run (with validation) | {epoch_s:,.1f} |")
print(f"| training-loop seconds per full epoch (positives / examples/s) | {positives / eps:,.1f} |")
print(f"| sgemm peak GFLOP/s (before / after training) | {peak0['peak_gflops']:.1f} / "
      f"{mlp['peak_gflops']:.1f} |")
print(f"| tower MLP FLOPs per example (fwd + bwd) | {mlp['mlp_flops_per_example']:,.0f} |")
pc = (peak0["peak_cpu_gflops"] + mlp["peak_cpu_gflops"]) / 2
print(f"| sgemm peak GFLOP per CPU second (one core's peak) | {pc:.1f} |")
for part, key in (("GEMMs only", "gemm"), ("whole layers", "mlp")):
    wall, cpu = mlp[f"{key}_gflops"], mlp[f"{key}_cpu_gflops"]
    print(f"| tower MLPs alone, {part}: GFLOP/s, % of peak; per CPU s, % of peak per CPU s | "
          f"{wall:.1f}, {100 * wall / peak:.0f}%; {cpu:.1f}, {100 * cpu / pc:.0f}% |")
print(f"| tower MLP FLOPs per second of training: GFLOP/s, % of peak | {step_gflops:.1f}, "
      f"{100 * step_gflops / peak:.0f}% |")
print(f"| MLP share of a training step | "
      f"{100 * eps * mlp['mlp_seconds_per_example']:.0f}% |")
took = re.search(r"epochs in ([0-9.]+) s", train)
stopped = re.search(r"stopped on its time budget of ([0-9.]+) s", train)
print(f"| whole `towerrec train` wall seconds (train.max_seconds {sys.argv[2]}) | "
      f"{command_seconds:,.1f} |")
print("| collaborative (BPR) fit seconds | " + (took.group(1) if took else "off") +
      (f" (stopped on its budget of {stopped.group(1)} s)" if stopped else "") + " |")
print(f"| peak RSS, whole process (MiB) | {rss:,.0f} |")
print(f"| resident before training / peak during training (MiB) | {before:,.0f} / {during:,.0f} |")
print(f"| memory model: parameters + Adam state + index arrays (MiB) | {model:,.1f} |")
print(f"| training's own memory / memory model | {(during - before) / model:.2f}x |")
EOF
