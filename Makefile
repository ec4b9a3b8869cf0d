# The two commands of the README: `make demo` and `make test`. Both set up the machine
# first (Debian packages, idempotent), so each works on its own from a fresh clone.
BUILD ?= build
JOBS ?= 2
DEMO ?= $(BUILD)/demo
export OMP_WAIT_POLICY := PASSIVE

.PHONY: setup build demo test check-layers bench format clean

setup:
	@bash scripts/setup.sh

# Ninja compiles a layer's files while the layers below it still link (make's generator
# waits for each library in turn), which keeps both cores busy through the build.
$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release

build: setup $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

# The demo runs only the command line, so it builds only that (not the test binaries).
demo: setup $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS) --target towerrec_cli
	@bash scripts/demo.sh $(BUILD) $(DEMO)

test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 900

bench: build
	TOWERREC_BENCH_DEPS=1 bash scripts/setup.sh
	@echo "benchmarks: see docs/benchmarks.md for the commands"

check-layers:
	@bash scripts/check_layers.sh

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf $(BUILD)
