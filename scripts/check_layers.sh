#!/usr/bin/env bash
# Checks the layer rules of src/layers.txt (docs/architecture.md) over the includes:
#   - a file of src/<layer>/ includes "<other>/..." or "towerrec/<header>" only when that
#     layer is its own or one it uses (directly or through the layers it uses);
#   - a public header in include/towerrec/ includes only headers its layer may use, so no
#     public header mixes the torch-free core and the LibTorch layers;
#   - <torch/...> appears only in the torch layers;
#   - tools/*.cc include only public headers ("towerrec/...") and their own files.
# Prints one "file:line: ..." line per violation and exits 1 when there is any.
# Usage: scripts/check_layers.sh [repository root, default: the script's parent]
set -euo pipefail

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"
table=src/layers.txt

declare -A kind uses owner allowed
layers=()
while read -r tag name rest; do
  case $tag in
    layer)
      read -r k deps <<<"$rest"
      layers+=("$name")
      kind[$name]=$k
      uses[$name]=$deps
      ;;
    header) owner[$name]=$rest ;;
  esac
done < <(grep -E '^(layer|header) ' "$table" | tr -s ' ')

# allowed[L] = L and every layer L reaches through `uses`.
reach() {
  local layer=$1 dep
  for dep in ${uses[$layer]}; do
    [[ -v kind[$dep] ]] || { echo "$table: layer $layer uses unknown layer $dep"; exit 1; }
    if [[ " ${allowed[$2]} " != *" $dep "* ]]; then
      allowed[$2]+=" $dep"
      reach "$dep" "$2"
    fi
  done
}
for layer in "${layers[@]}"; do
  allowed[$layer]=" $layer"
  reach "$layer" "$layer"
done

errors=0
fail() {
  echo "$1"
  errors=$((errors + 1))
}

# target_layer <include path>: sets `target` to the layer an include belongs to, "" for
# files outside the layers (a layer-local header, a third-party one).
target_layer() {
  local inc=$1
  target=""
  if [[ $inc == towerrec/* ]]; then
    target=${owner[${inc#towerrec/}]:-?}
  elif [[ $inc == */* ]]; then
    target=${inc%%/*}
  fi
}

# check_file <file> <layer>: every quoted include of file must be allowed for layer.
check_file() {
  local file=$1 layer=$2 line inc
  while IFS=: read -r line inc; do
    inc=${inc#*\"}
    inc=${inc%%\"*}
    target_layer "$inc"
    [[ -z $target || $target == "$layer" ]] && continue
    if [[ $target == "?" ]]; then
      fail "$file:$line: $inc has no owning layer in $table"
    elif [[ -z ${kind[$target]:-} ]]; then
      fail "$file:$line: $layer -> $target: $inc names no layer of $table"
    elif [[ " ${allowed[$layer]} " != *" $target "* ]]; then
      fail "$file:$line: $layer -> $target: $inc goes up or sideways"
    fi
  done < <(grep -n '^#include "' "$file" || true)
  if [[ ${kind[$layer]} == core ]]; then
    while IFS=: read -r line _; do
      fail "$file:$line: $layer -> LibTorch: a torch-free layer includes <torch/...>"
    done < <(grep -n '^#include <torch/' "$file" || true)
  fi
}

for dir in src/*/; do
  layer=$(basename "$dir")
  if [[ -z ${kind[$layer]:-} ]]; then
    fail "$dir: directory is not a layer of $table"
    continue
  fi
  while IFS= read -r file; do
    check_file "$file" "$layer"
  done < <(find "$dir" -name '*.h' -o -name '*.cc' | sort)
done

for file in include/towerrec/*.h; do
  header=$(basename "$file")
  if [[ -z ${owner[$header]:-} ]]; then
    fail "$file:1: public header has no owning layer in $table"
    continue
  fi
  check_file "$file" "${owner[$header]}"
done

for file in tools/*.cc tools/*.h; do
  while IFS=: read -r line inc; do
    inc=${inc#*\"}
    inc=${inc%%\"*}
    if [[ $inc == */* && $inc != towerrec/* ]]; then
      fail "$file:$line: tools -> src: $inc is not a public header (towerrec/...)"
    fi
  done < <(grep -n '^#include "' "$file" || true)
done

if ((errors > 0)); then
  echo "check_layers: $errors violation(s) of $table"
  exit 1
fi
echo "check_layers: ${#layers[@]} layers, ${#owner[@]} public headers, no violations"
