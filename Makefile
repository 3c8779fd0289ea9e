# The two commands: `make run` (the demo) and `make test` (every suite).
# Both do their own set-up on a fresh Debian 12 machine when run as root.
.PHONY: all deps build run test check bench clean

all: build

deps:
	@bash scripts/deps.sh

build: deps
	@bash scripts/build.sh normal

# The demo: nitelikd with SQLite, a demo CA, institution, officer and simulators.
run: build
	@bash scripts/run-demo.sh

test:
	@bash scripts/test.sh

# Fast unit tests only.
check: build
	@meson test -C build --suite unit --print-errorlogs

bench: build
	@bash bench/run.sh

clean:
	rm -rf build build-asan build-clang demo-data tests/out
