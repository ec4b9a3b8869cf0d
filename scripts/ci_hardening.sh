#!/usr/bin/env bash
# The hardening checks CI runs after `make test` (docs/security.md#fuzzing-and-sanitizers):
#   1. every libFuzzer target of fuzz/ (clang, ASan+UBSan) for FUZZ_SECONDS over its
#      committed seed corpus;
#   2. the torch-free unit tests (core_tests, label unit, not slow) under ASan+UBSan, from
#      the same build directory as the fuzzers;
#   3. the HTTP server, connection-gate and concurrency tests under TSan (a core_tests
#      narrowed to tests/unit/http_*).
# Exits non-zero on any fuzzer crash, leak, hang or sanitizer report and on any failing
# test; each step prints its wall time. The machine is set up first (clang and libFuzzer:
# TOWERREC_FUZZ_DEPS=1 scripts/setup.sh).
#
# Environment: JOBS (2), FUZZ_SECONDS (45), FUZZ_SEED (1), ASAN_BUILD (build-asan), TSAN_BUILD
# (build-tsan), HARDENING_STEPS ("fuzz asan tsan": a subset runs only those steps).
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-2}
FUZZ_SECONDS=${FUZZ_SECONDS:-45}
FUZZ_SEED=${FUZZ_SEED:-1}
ASAN_BUILD=${ASAN_BUILD:-build-asan}
TSAN_BUILD=${TSAN_BUILD:-build-tsan}
HARDENING_STEPS=${HARDENING_STEPS:-fuzz asan tsan}
export OMP_WAIT_POLICY=PASSIVE
# A report stops the process with a non-zero status; UBSan would otherwise go on.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:strict_string_checks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# Debian's cpp-httplib and spdlog are not instrumented: TSan judges TowerRec's code only,
# not the memory functions those libraries call (it cannot see their synchronisation).
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1

TOWERREC_FUZZ_DEPS=1 bash scripts/setup.sh

started=$SECONDS
step() { echo "== ci_hardening: $* ($((SECONDS - started)) s so far)"; }
wants() { [[ " $HARDENING_STEPS " == *" $1 "* ]]; }

configure() {  # <build dir> <sanitizers> [cmake options...]
  local dir=$1 sanitizers=$2
  shift 2
  # CMake drops the cache, and with it these options, when a directory configured with
  # another compiler is switched to clang: start such a directory afresh.
  if [ -f "$dir/CMakeCache.txt" ] && ! grep -q '^CMAKE_CXX_COMPILER:.*clang++-14$' "$dir/CMakeCache.txt"; then
    rm -rf "$dir"
  fi
  mkdir -p "$dir"
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DTOWERREC_BUILD_PYTHON=OFF \
    -DTOWERREC_USE_PCH=OFF -DTOWERREC_UNITY_BUILD=OFF -DCMAKE_CXX_COMPILER=clang++-14 \
    "-DTOWERREC_SANITIZE=$sanitizers" \
    "$@" >"$dir/configure.log" 2>&1 || { cat "$dir/configure.log"; return 1; }
}

run_fuzzers() {
  local failed=()
  for corpus in fuzz/corpus/*/; do
    local name
    name=$(basename "$corpus")
    # New inputs go to a scratch corpus; the committed seeds stay as they are.
    local work="$ASAN_BUILD/fuzz-work/$name"
    mkdir -p "$work" "$ASAN_BUILD/fuzz-artifacts"
    step "fuzzing $name for ${FUZZ_SECONDS} s"
    # A fixed seed (0 = random); runs still differ (scratch files, timings): see docs/security.md.
    if ! "$ASAN_BUILD/fuzz/${name}_fuzzer" -seed="$FUZZ_SEED" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
      -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 -print_funcs=0 \
      -artifact_prefix="$ASAN_BUILD/fuzz-artifacts/$name-" "$work" "$corpus" \
      >"$ASAN_BUILD/fuzz-artifacts/$name.log" 2>&1; then
      tail -n 60 "$ASAN_BUILD/fuzz-artifacts/$name.log"
      failed+=("$name")
    fi
  done
  if [ ${#failed[@]} -gt 0 ]; then
    echo "ci_hardening: fuzzers failed: ${failed[*]} (inputs in $ASAN_BUILD/fuzz-artifacts/)"
    return 1
  fi
}

if wants fuzz || wants asan; then
  step "building the fuzzers and core_tests (clang, address;undefined, $ASAN_BUILD)"
  configure "$ASAN_BUILD" "address;undefined" -DTOWERREC_FUZZ=ON
  targets=()
  wants fuzz && targets+=(fuzzers)
  wants asan && targets+=(core_tests)
  cmake --build "$ASAN_BUILD" -j"$JOBS" --target "${targets[@]}"
fi
if wants fuzz; then
  run_fuzzers
fi
if wants asan; then
  step "core_tests under ASan+UBSan"
  # hnswlib's own out-of-bounds prefetch read is on tests/sanitizers/address.ignorelist.
  (cd "$ASAN_BUILD" && ctest -L unit -LE slow -E NOT_BUILT -j"$JOBS" --timeout 600 \
    --output-on-failure)
fi
if wants tsan; then
  step "building the HTTP tests (clang, thread, $TSAN_BUILD)"
  configure "$TSAN_BUILD" thread "-DTOWERREC_CORE_TEST_SOURCES=unit/http_*.cc"
  cmake --build "$TSAN_BUILD" -j"$JOBS" --target core_tests
  step "HTTP server, connection-gate and concurrency tests under TSan"
  (cd "$TSAN_BUILD" && ctest -L unit -R '^Http' -j"$JOBS" --timeout 600 --output-on-failure)
fi
step "done"
