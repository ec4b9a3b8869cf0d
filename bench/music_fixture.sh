# Sourced by the benchmarks that serve synthetic music (soak.sh, restart_items.sh): sets
# root (the checkout), bin (build/towerrec, or $TOWERREC) and work (a temporary folder
# removed at exit, after killing the server whose process id the caller puts in $pid),
# and generates 1,000 listeners and 800 tracks into $work/music.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${TOWERREC:-$root/build/towerrec}
export OMP_WAIT_POLICY=PASSIVE
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
"$bin" generate music --output "$work/music" --users 1000 --items 800 --events-per-user 20 \
  --text-dim 32 --seed 11 >/dev/null
