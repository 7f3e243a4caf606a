# Build, serve and test artifactfs. Swift comes from PATH, or from /opt/swift when PATH has none.
ifeq ($(shell command -v swift 2>/dev/null),)
  ifneq ($(wildcard /opt/swift/usr/bin/swift),)
    export PATH := /opt/swift/usr/bin:$(PATH)
  endif
endif

ARGS ?=
SWIFT_TEST_ARGS ?=

.PHONY: deps build run test bench-ingest bench-fuse bench-apt clean

deps:
	./scripts/install-deps.sh

build: deps
	swift build -c release --product artifactfs

# Serves http://127.0.0.1:8080 with data in ./data (the binary's defaults); extra flags via ARGS=.
run: build
	.build/release/artifactfs serve $(ARGS)

test: deps
	swift test $(SWIFT_TEST_ARGS)

bench-ingest: deps
	./Benchmarks/ingest-put.sh

bench-fuse: deps
	./Benchmarks/fuse.sh

# artifactfs against reprepro on generated .debs; COUNT= (10000) and UPDATES= (20) pass through the environment.
bench-apt: deps
	./Benchmarks/apt.sh

clean:
	rm -rf .build .build-bench .build-bench-fuse
