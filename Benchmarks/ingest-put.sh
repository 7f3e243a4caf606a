#!/usr/bin/env bash
# Ingest benchmark: how an HTTP PUT of a large tarball compares with a plain cp, and with cp plus fsync,
# on the same disk. The PUT does more (hashing, reading the whole archive, fsync, catalogue commit,
# waiting for the publish), so the interesting number is how close it gets to cp + fsync.
#
# Environment: SIZE_MB (default 1024) size of the tarball, RUNS (default 3) rounds, PORT (default 18480)
# loopback port for the server, KEEP=1 keeps the scratch directory (.build-bench/) afterwards.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZE_MB="${SIZE_MB:-1024}"
RUNS="${RUNS:-3}"
PORT="${PORT:-18480}"
KEEP="${KEEP:-0}"
SCRATCH="$ROOT/.build-bench"
TARBALL="$SCRATCH/artifact-1.0.tar.zst"
BASE_URL="http://127.0.0.1:$PORT"
server_pid=""

case "$RUNS$SIZE_MB" in *[!0-9]*) echo "RUNS and SIZE_MB must be positive integers" >&2; exit 1 ;; esac
if [ "$RUNS" -lt 1 ] || [ "$SIZE_MB" -lt 1 ]; then echo "RUNS and SIZE_MB must be at least 1" >&2; exit 1; fi

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi

cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ "$KEEP" = "1" ]; then
        echo "kept $SCRATCH"
    else
        rm -rf "$SCRATCH"
    fi
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
mbps() { awk -v bytes="$BYTES" -v s="$1" 'BEGIN { if (s > 0) printf "%.1f", bytes / 1e6 / s; else print "inf" }'; }
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
        END { if (NR % 2) printf "%.3f", v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "== building (release)"
cd "$ROOT"
swift build -c release --product artifactfs
BIN="$ROOT/.build/release/artifactfs"

mkdir -p "$SCRATCH"
rm -rf "$SCRATCH/data" "$SCRATCH"/copy-*

# Random bytes do not compress, so the .tar.zst is about SIZE_MB; reused while SIZE_MB stays the same.
if [ ! -f "$TARBALL" ] || [ "$(cat "$SCRATCH/tarball-size-mb" 2>/dev/null)" != "$SIZE_MB" ]; then
    echo "== generating a ${SIZE_MB} MiB tarball"
    rm -rf "$SCRATCH/gen" "$TARBALL"
    mkdir -p "$SCRATCH/gen/artifact-1.0"
    head -c "${SIZE_MB}M" /dev/urandom > "$SCRATCH/gen/artifact-1.0/payload.bin"
    (cd "$SCRATCH/gen" && tar -cf - artifact-1.0 | zstd -1 -T0 -q -o "$TARBALL")
    rm -rf "$SCRATCH/gen"
    echo "$SIZE_MB" > "$SCRATCH/tarball-size-mb"
fi
BYTES="$(stat -c %s "$TARBALL")"

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    echo "port $PORT is in use; choose another with PORT=" >&2
    exit 1
fi

echo "== starting artifactfs on 127.0.0.1:$PORT"
env -u ARTIFACTFS_UPLOAD_TOKEN "$BIN" serve --data "$SCRATCH/data" --listen "127.0.0.1:$PORT" \
    > "$SCRATCH/server.log" 2>&1 &
server_pid=$!
deadline=$((SECONDS + 60))
until curl -sf "$BASE_URL/api/repos" > /dev/null; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "server exited; its log:" >&2
        cat "$SCRATCH/server.log" >&2
        exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
        echo "server did not answer within 60 s; its log:" >&2
        cat "$SCRATCH/server.log" >&2
        exit 1
    fi
    sleep 0.2
done

cp_s=(); fsync_s=(); put_s=()
for round in $(seq 1 "$RUNS"); do
    echo "== round $round of $RUNS"
    copy="$SCRATCH/copy-$round"

    # Start each measurement with no dirty pages left over from the previous one.
    sync -f "$SCRATCH"
    t0=$(now); cp "$TARBALL" "$copy"; t1=$(now)
    cp_s+=("$(elapsed "$t0" "$t1")")
    rm -f "$copy"

    sync -f "$SCRATCH"
    t0=$(now); cp "$TARBALL" "$copy" && sync "$copy"; t1=$(now)
    fsync_s+=("$(elapsed "$t0" "$t1")")
    rm -f "$copy"

    # A new name each round: the same name with the same bytes would be an instant no-op.
    name="artifact-1.0.$round.tar.zst"
    sync -f "$SCRATCH"
    t0=$(now)
    code=$(curl -sS -o "$SCRATCH/put.out" -w '%{http_code}' -H 'Expect:' -T "$TARBALL" "$BASE_URL/tar/bench/$name")
    t1=$(now)
    if [ "$code" != "201" ]; then
        echo "PUT $name answered $code: $(cat "$SCRATCH/put.out")" >&2
        exit 1
    fi
    put_s+=("$(elapsed "$t0" "$t1")")

    # Delete it again so the next round stores its blob from scratch instead of finding it present.
    curl -sf -X DELETE "$BASE_URL/tar/bench/$name" > /dev/null
    sleep 1
done

echo
echo "== machine"
echo "cpus:       $(nproc)"
echo "kernel:     $(uname -r)"
echo "filesystem: $(findmnt -n -o FSTYPE --target "$SCRATCH" 2>/dev/null || stat -f -c %T "$SCRATCH")"
df -h "$SCRATCH"
echo
echo "== results: $BYTES bytes per copy; MB = 10^6 bytes"
row() { printf '%-8s %9s %9s   %9s %9s   %9s %9s\n' "$@"; }
row "round" "cp s" "MB/s" "+fsync s" "MB/s" "PUT s" "MB/s"
for i in "${!put_s[@]}"; do
    row "$((i + 1))" "${cp_s[$i]}" "$(mbps "${cp_s[$i]}")" "${fsync_s[$i]}" "$(mbps "${fsync_s[$i]}")" \
        "${put_s[$i]}" "$(mbps "${put_s[$i]}")"
done
m_cp=$(median "${cp_s[@]}"); m_fsync=$(median "${fsync_s[@]}"); m_put=$(median "${put_s[@]}")
row "median" "$m_cp" "$(mbps "$m_cp")" "$m_fsync" "$(mbps "$m_fsync")" "$m_put" "$(mbps "$m_put")"
echo
# Same bytes each time, so a throughput ratio is the inverse ratio of the times.
awk -v cp="$m_cp" -v fs="$m_fsync" -v put="$m_put" 'BEGIN {
    printf "ratio put/cp         = %.2fx\n", cp / put
    printf "ratio put/(cp+fsync) = %.2fx\n", fs / put
}'
