# Build, serve and test artifactfs. Swift comes from PATH, or from /opt/swift when PATH has none.
ifeq ($(shell command -v swift 2>/dev/null),)
  ifneq ($(wildcard /opt/swift/usr/bin/swift),)
    export PATH := /opt/swift/usr/bin:$(PATH)
  endif
endif

ARGS ?=
SWIFT_TEST_ARGS ?=

.PHONY: deps python-clients build run test test-long bench-ingest bench-fuse bench-apt bench-pypi bench-s3 bench-browse soak clean

deps:
	./scripts/install-deps.sh

# pip, uv, twine and pypiserver at pinned versions in .build/python-clients (PYTHON_CLIENTS= to move it).
python-clients: deps
	./scripts/python-clients.sh

build: deps
	swift build -c release --product artifactfs

# Serves http://127.0.0.1:8080 with data in ./data (the binary's defaults); extra flags via ARGS=.
run: build
	.build/release/artifactfs serve $(ARGS)

test: deps python-clients
	swift test $(SWIFT_TEST_ARGS)

# The long modes of the robustness tests: 50 crash-and-recovery trials at random steps and a 2,000-step
# mount model run (about 10 minutes on 2 cores).
test-long: deps python-clients
	ARTIFACTFS_CRASH_RUNS=50 ARTIFACTFS_MODEL_STEPS=2000 swift test --filter 'CrashRecoveryTests|MountModelTests' $(SWIFT_TEST_ARGS)

bench-ingest: deps
	./Benchmarks/ingest-put.sh

bench-fuse: deps
	./Benchmarks/fuse.sh

# artifactfs against reprepro on generated .debs; COUNT= (10000) and UPDATES= (20) pass through the environment.
bench-apt: deps
	./Benchmarks/apt.sh

# artifactfs against pypiserver and nginx on a 1,000-file project page, and pip download times; knobs in the script.
bench-pypi: deps python-clients
	./Benchmarks/pypi.sh

# 1 GiB into a local radosgw: cp into the mount of `serve --s3` vs aws s3 cp vs s3fs; SIZE_MB= and RUNS= pass through.
bench-s3: deps
	./Benchmarks/s3.sh

# Browse pages of a 10,000-package repository against the plain listing and the JSON API; COUNT= and RUNS= pass through.
bench-browse: deps
	./Benchmarks/browse.sh

# 15 minutes of wrk on indexes and downloads plus continuous ingestion: errors, p99, RSS over time; DURATION= (s).
soak: deps
	./Benchmarks/soak.sh

clean:
	rm -rf .build .build-bench .build-bench-fuse
