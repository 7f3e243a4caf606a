#!/usr/bin/env bash
# Fuzzes one parser with libFuzzer (docs/FUZZING.md): builds the instrumented harness, then runs it.
#
#   fuzz.sh TARGET [SECONDS] [LIBFUZZER FLAG...]
#
# TARGET is deb822, debian-version, pep440, wheel-filename, http-path, archive-paths, archive-bytes or
# multipart; SECONDS defaults to 60.
# Everything goes under .build-fuzz/ (gitignored): the build, the corpus (seeded from Tests/FuzzCorpus/TARGET
# and kept between runs), findings (crash-*, timeout-*, oom-* inputs) and the log of each run.
set -euo pipefail

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then export PATH=/opt/swift/usr/bin:$PATH; fi
cd "$(dirname "$0")/.."

targets="deb822 debian-version pep440 wheel-filename http-path archive-paths archive-bytes multipart"
target=${1:-}
if [ -z "$target" ] || [[ " $targets " != *" $target "* ]]; then
    echo "usage: $0 {${targets// /|}} [SECONDS] [LIBFUZZER FLAG...]" >&2
    exit 2
fi
seconds=${2:-60}
shift $(( $# >= 2 ? 2 : 1 ))

scratch=.build-fuzz
# Coverage instrumentation and AddressSanitizer on all Swift code; -DFUZZING swaps the replay main for
# LLVMFuzzerTestOneInput, and libFuzzer's runtime brings main (hence -parse-as-library).
swift build --scratch-path "$scratch" -c release --product artifactfs-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DFUZZING
binary="$scratch/release/artifactfs-fuzz"

corpus="$scratch/corpus/$target"
findings="$scratch/findings/$target"
log="$scratch/logs/$target-$(date +%Y%m%d-%H%M%S).log"
mkdir -p "$corpus" "$findings" "$(dirname "$log")"
cp -n Tests/FuzzCorpus/"$target"/* "$corpus"/

echo "fuzzing $target for ${seconds}s: corpus $corpus, findings $findings, log $log"
status=0
# Swift's own crash backtracer would run inside AddressSanitizer's report and trip it: libFuzzer reports instead.
ARTIFACTFS_FUZZ_TARGET="$target" SWIFT_BACKTRACE=enable=no "$binary" "$corpus" \
    -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    -dict=Tests/FuzzCorpus/"$target".dict -artifact_prefix="$findings/" "$@" 2>&1 | tee "$log" || status=$?
if ls "$findings"/* >/dev/null 2>&1; then
    echo "findings in $findings: replay one with"
    echo "  swift build --product artifactfs-fuzz && .build/debug/artifactfs-fuzz $target FILE"
fi
exit "$status"
