# Guardpost. `make run` sets up and serves the app; `make test` sets up and runs every test.
# Both install what is missing (see .ci/tools.sh) and skip what is there.

SHELL := /bin/bash
# First visit, brotli. 405 since the offline contract, part 1 (#14: clocks, limits, recovery
# on the phone, about 5 KB); 420 since part 2 (#15: signing every record, the wrapped author
# secret, held records, the guardian of a minor, about 13 KB); 440 since the phone's store
# in IndexedDB (#17: the store, reads by index, the move from local storage, storage
# warnings, about 15 KB); 320 (304 + 5%) since every page but home and sign-in is a lazy route
# and the record views are apart from their names (#19); 315 (300 + 5%) since the lazy pages
# are split by group, not one by one (the split loader 12.6 -> 6.0 KB).
SIZE_BUDGET_KB ?= 315
export GUARDPOST_DATA_DIR ?= data
export GUARDPOST_ADDR ?= 127.0.0.1:3000
export LEPTOS_SITE_ROOT ?= target/site
# wasm-opt from .ci/tools.sh comes before any other on PATH.
export PATH := $(CURDIR)/target/tools/node_modules/.bin:$(PATH)

.PHONY: run build tools test-tools test unit lint e2e size bench soak clean-data

tools:
	@.ci/tools.sh

test-tools:
	@.ci/tools.sh --test

# The release build, redone only when something it is built from changed: `make run` with
# nothing changed starts serving at once (cargo-leptos would run wasm-bindgen and wasm-opt
# again, about 2 minutes).
BUILD_INPUTS := $(shell find Cargo.toml Cargo.lock app server style public -type f 2>/dev/null)
BUILT := target/site/.built
# A build half removed (the binary or the site gone) is built again.
ifeq ($(wildcard target/release/guardpost),)
$(shell rm -f $(BUILT))
endif

build: tools $(BUILT)

# The stamp takes the time the build started: a source saved during a build is built next time.
$(BUILT): $(BUILD_INPUTS)
	@mkdir -p target && touch target/.build-started
	cargo leptos build --release --split
	@.ci/precompress.sh target/site
	@touch -r target/.build-started $@

run: build
	@echo "Starting Guardpost; the data lives in $(GUARDPOST_DATA_DIR)/"
	./target/release/guardpost

# The layout's rules (.ci/layout.py): no mutation or entity name written as a string outside
# its declaration, no import cycle, no source file over 500 lines.
lint:
	python3 .ci/layout.py
	cargo fmt --all -- --check
	cargo clippy -p server --features ssr --all-targets -- -D warnings
	cargo clippy -p app --features ssr --all-targets -- -D warnings
	cargo clippy -p app --features hydrate --target wasm32-unknown-unknown -- -D warnings

# The sync schedule model runs 10,000 random schedules here (GUARDPOST_SCHEDULES).
unit:
	cargo test -p app -p server

# 100,000 schedules of the sync model (about 15 minutes on 2 cores).
soak:
	GUARDPOST_SCHEDULES=100000 cargo test -p app --test sync_schedules -- --nocapture

size:
	@.ci/size-report.sh --budget $(SIZE_BUDGET_KB)

e2e:
	cd end2end && npx playwright test

test: test-tools lint unit build size e2e
	@echo "all tests passed"

bench: build
	@echo "== What a phone downloads on first visit"
	@.ci/size-report.sh
	@echo "== Sync: push and pull through the server"
	cargo run --release -p server --example sync_bench
	@echo "== A cheap phone (CPU 4x): offline sign-in, registration with 200 watchlist entries;"
	@echo "== a month of the main court's traffic on the phone: saves, screens, the first pull"
	cargo build --release -p server --example traffic
	cd end2end && npx playwright test -c bench.config.ts
	@if [ -n "$(BENCH_BEFORE)" ]; then echo "== The same, on $(BENCH_BEFORE)"; .ci/bench-before.sh $(BENCH_BEFORE); fi

clean-data:
	rm -rf $(GUARDPOST_DATA_DIR)
