# The two commands: `make run` (the demo) and `make test` (every suite).
# Both do their own set-up on a fresh Debian 12 machine when run as root.
.PHONY: all deps build run test check bench fuzz clean deb deb-imza

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

# The Debian packages in ./deb (dpkg-buildpackage -us -uc, then lintian).
deb:
	@bash scripts/deb.sh

# Only the holders' signing application nitelik-imza, in ./deb: the file the
# operator puts in [web] imza_package_dir for the download page
# /imza-uygulamasi (docs/esign.md, "Getting nitelik-imza").
deb-imza:
	@bash scripts/deb.sh --only nitelik-imza

bench: build
	@bash bench/run.sh

# Long libFuzzer runs of every fuzz target (FUZZ_SECONDS each, default 300);
# `make test` only replays their seed corpora. See docs/testing.md.
fuzz: deps
	@bash scripts/fuzz.sh

clean:
	rm -rf build build-asan build-clang build-tsan demo-data tests/out deb
