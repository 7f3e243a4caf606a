#!/usr/bin/env bash
# S3 benchmark: ingest of one large file into a Ceph RADOS Gateway, measured in this run on the same file and
# the same gateway:
#   artifactfs: `cp FILE MNT/tar/bench/` into the mount of `artifactfs serve --s3 URL` (cp returns after the
#     archive is validated, the object is stored in the bucket and the catalogue row is committed);
#   aws s3 cp: `aws --endpoint-url EP s3 cp FILE s3://bench-aws/FILE` (awscli's own multipart upload);
#   s3fs: `cp FILE S3FS_MNT/` into an s3fs mount of a bucket of the same gateway (path-style requests).
# The file is a zip of one stored (uncompressed) member of random bytes, so artifactfs's validation reads it
# without decompression cost and every tool moves the same incompressible bytes.
# Goals (the issue): artifactfs >= 0.9x `aws s3 cp` and >= 1.5x s3fs (ratios of times, reference / artifactfs).
#
# Usage: Benchmarks/s3.sh            (or: make bench-s3)
# Environment: SIZE_MB (1024), RUNS (3; each tool's median is reported), BENCH_DIR (scratch directory, default
#   a new one under ${TMPDIR:-/tmp}), KEEP=1 keeps it, SKIP_BUILD=1 uses the existing .build/release/artifactfs,
#   LOG_LEVEL for the server (default notice).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/Benchmarks/lib.sh"
SIZE_MB="${SIZE_MB:-1024}"; RUNS="${RUNS:-3}"; KEEP="${KEEP:-0}"; SKIP_BUILD="${SKIP_BUILD:-0}"
export LOG_LEVEL="${LOG_LEVEL:-notice}"
case "$SIZE_MB$RUNS" in *[!0-9]*) echo "SIZE_MB and RUNS must be positive integers" >&2; exit 1 ;; esac
[ -e /dev/fuse ] || { echo "needs /dev/fuse (the artifactfs side copies into the mount)" >&2; exit 1; }
for tool in aws s3fs zip python3 fusermount3; do command -v "$tool" >/dev/null || { echo "needs $tool (make deps)" >&2; exit 1; }; done
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi

if [ -n "${BENCH_DIR:-}" ]; then S="$BENCH_DIR"; mkdir -p "$S"; else S="$(mktemp -d "${TMPDIR:-/tmp}/artifactfs-bench-s3.XXXXXX")"; fi
S="$(cd "$S" && pwd)"
server_pid=""; MNT="$S/mnt"; S3FS_MNT="$S/s3fs"

stop_all() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; fi
    server_pid=""
    for m in "$MNT" "$S3FS_MNT"; do grep -q " $m " /proc/mounts && { fusermount3 -u -z "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; }; done
    [ -f "$S/rgw/env" ] && "$ROOT/scripts/radosgw.sh" stop "$S/rgw" >/dev/null 2>&1 || true
}
cleanup() { stop_all; if [ "$KEEP" = 1 ]; then echo "kept $S"; else rm -rf "$S"; fi; }
trap cleanup EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }
goal() { awk -v v="$1" -v t="$2" 'BEGIN { print (v >= t) ? "MET" : "NOT MET" }'; }
mbps() { awk -v s="$1" -v m="$SIZE_MB" 'BEGIN { printf "%.0f", m / s }'; }

if [ "$SKIP_BUILD" != 1 ]; then echo "== building (release)"; (cd "$ROOT" && swift build -c release --product artifactfs 2>&1 | grep -E 'error|Compiling|Build' | tail -3); fi
BIN="$ROOT/.build/release/artifactfs"

echo "== radosgw (one-node Ceph, memstore OSD, loopback)"
# The memstore OSD holds objects in RAM, and RGW frees deleted objects' space only after its garbage
# collection delay (hours by default): room for every upload of the run.
export RADOSGW_MEMSTORE_BYTES="${RADOSGW_MEMSTORE_BYTES:-$(( ((3 * RUNS + 1) * SIZE_MB + 1024) << 20 ))}"
t0=$(now); "$ROOT/scripts/radosgw.sh" start "$S/rgw" --owner $$ > /dev/null; echo "   ready in $(secs "$t0" "$(now)") s"
# shellcheck disable=SC1091
. "$S/rgw/env"
export AWS_ACCESS_KEY_ID="$S3_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$S3_SECRET_KEY" AWS_DEFAULT_REGION="$S3_REGION"

echo "== making a ${SIZE_MB} MiB zip of random bytes"
mkdir -p "$S/src"; head -c "$((SIZE_MB << 20))" /dev/urandom > "$S/src/payload.bin"
(cd "$S/src" && zip -0 -q "$S/big-1.0.zip" payload.bin); rm -f "$S/src/payload.bin"
FILE="$S/big-1.0.zip"; ls -l "$FILE" | awk '{ print "   " $5 " bytes" }'

echo "== artifactfs serve --s3 (mount at $MNT)"
mkdir -p "$MNT"
env -u ARTIFACTFS_UPLOAD_TOKEN "$BIN" serve --data "$S/data" --listen 127.0.0.1:0 --mount "$MNT" \
    --s3 "${S3_URL%/}/bench-artifactfs" --s3-region "$S3_REGION" 2> "$S/server.log" &
server_pid=$!
wait_ready "$S/server.log" "$server_pid"
mkdir -p "$MNT/tar/bench"

echo "== aws: $(aws --version 2>&1 | cut -d' ' -f1); s3fs: $(s3fs --version 2>&1 | head -1 | grep -o 'V[0-9.]*')"
aws --endpoint-url "$S3_ENDPOINT" s3 mb s3://bench-aws > /dev/null
aws --endpoint-url "$S3_ENDPOINT" s3 mb s3://bench-s3fs > /dev/null
printf '%s:%s\n' "$S3_ACCESS_KEY" "$S3_SECRET_KEY" > "$S/s3fs.passwd"; chmod 600 "$S/s3fs.passwd"
mkdir -p "$S3FS_MNT"
s3fs bench-s3fs "$S3FS_MNT" -o url="$S3_ENDPOINT" -o use_path_request_style -o passwd_file="$S/s3fs.passwd" \
    -o endpoint="$S3_REGION" -o sigv4 -o use_cache="" -o dbglevel=warn

# timed NAME CMD...: runs CMD after a sync and prints and records (in TIMES) its wall time.
timed() {
    local name="$1"; shift
    sync; local t0; t0=$(now); "$@"; TIMES+=("$(secs "$t0" "$(now)")")
    printf '   %-11s %6s s (%s MiB/s)\n' "$name" "${TIMES[-1]}" "$(mbps "${TIMES[-1]}")"
}
# Rounds interleave the tools, so a gateway slowing down as its memory fills weighs on all of them alike.
AF=(); AWS=(); S3FS=()
for run in $(seq 1 "$RUNS"); do
    echo "-- round $run"
    TIMES=(); timed artifactfs cp "$FILE" "$MNT/tar/bench/big-1.$run.zip"; AF+=("${TIMES[0]}")
    sleep 1; curl -sf "$BASE/tar/bench/SHA256SUMS" | grep -q "big-1.$run.zip" || { echo "the file is not listed after cp" >&2; exit 1; }
    rm "$MNT/tar/bench/big-1.$run.zip"
    TIMES=(); timed "aws s3 cp" aws --endpoint-url "$S3_ENDPOINT" --only-show-errors s3 cp "$FILE" "s3://bench-aws/big-1.$run.zip"
    AWS+=("${TIMES[0]}")
    aws --endpoint-url "$S3_ENDPOINT" --only-show-errors s3 rm "s3://bench-aws/big-1.$run.zip"
    TIMES=(); timed s3fs cp "$FILE" "$S3FS_MNT/big-1.$run.zip"; S3FS+=("${TIMES[0]}")
    rm "$S3FS_MNT/big-1.$run.zip"
done

peak_rss=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status")
af=$(median "${AF[@]}"); aw=$(median "${AWS[@]}"); fs=$(median "${S3FS[@]}")
echo
echo "== results: ${SIZE_MB} MiB into radosgw on loopback, median of $RUNS runs (load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-44s %8s s %6s MiB/s\n' "artifactfs (cp into the mount, --s3)" "$af" "$(mbps "$af")" "aws s3 cp" "$aw" "$(mbps "$aw")" \
    "s3fs (cp into its mount)" "$fs" "$(mbps "$fs")"
echo "artifactfs peak RSS: $peak_rss MiB"
r=$(ratio "$aw" "$af"); echo "ratio aws/artifactfs (time) = $r   goal >= 0.9: $(goal "$r" 0.9)"
r=$(ratio "$fs" "$af"); echo "ratio s3fs/artifactfs (time) = $r   goal >= 1.5: $(goal "$r" 1.5)"
