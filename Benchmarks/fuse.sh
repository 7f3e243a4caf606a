#!/usr/bin/env bash
# FUSE benchmarks (issue 3), each printed as a ratio measured in this run on this disk:
#   1. ingest: cp of a SIZE_MB tarball into the mount vs cp to the same disk vs cp through libfuse's C
#      passthrough_ll example (built here from libfuse3-dev's examples);
#   2. ls -f of a COUNT-entry repository vs ls -f of COUNT files on the same ext4 disk;
#   3. sequential read of the stored tarball through the mount vs from the disk (page cache dropped when allowed).
# Environment: SIZE_MB (1024), COUNT (100000), RUNS (3), KEEP=1 keeps .build-bench-fuse/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZE_MB="${SIZE_MB:-1024}"; COUNT="${COUNT:-100000}"; RUNS="${RUNS:-3}"; KEEP="${KEEP:-0}"
S="$ROOT/.build-bench-fuse"
server_pid=""; pt_pid=""
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi
[ -e /dev/fuse ] || { echo "needs /dev/fuse" >&2; exit 1; }

cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    [ -n "$pt_pid" ] && fusermount3 -u -z "$S/pt-mnt" 2>/dev/null || true
    fusermount3 -u -z "$S/mnt" 2>/dev/null || true
    if [ "$KEEP" = 1 ]; then echo "kept $S"; else rm -rf "$S"; fi
}
trap cleanup EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mbps() { awk -v b="$BYTES" -v s="$1" 'BEGIN { printf "%.1f", b / 1e6 / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }   # speed ratio from two times: t_ref / t
drop_caches() { sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null && echo cold || echo warm; }
time_cmd() { local t0; t0=$(now); "$@"; secs "$t0" "$(now)"; }

echo "== building (release)"
cd "$ROOT"
swift build -c release --product artifactfs >/dev/null
swift build -c release --product artifactfs-bench >/dev/null
BIN="$ROOT/.build/release"
fusermount3 -u -z "$S/mnt" 2>/dev/null || true; fusermount3 -u -z "$S/pt-mnt" 2>/dev/null || true   # left by an interrupted run
rm -rf "$S"; mkdir -p "$S/disk" "$S/pt-src" "$S/pt-mnt" "$S/mnt"
gcc -O2 -o "$S/passthrough_ll" /usr/share/doc/libfuse3-dev/examples/passthrough_ll.c $(pkg-config --cflags --libs fuse3)

echo "== generating a ${SIZE_MB} MiB tarball"
mkdir -p "$S/gen"; head -c "$((SIZE_MB * 1048576))" /dev/urandom > "$S/gen/payload"
tar -cf - -C "$S/gen" payload | zstd -1 -T0 -q -o "$S/artifact-1.0.tar.zst"; rm -rf "$S/gen"
FILE="$S/artifact-1.0.tar.zst"; BYTES=$(stat -c %s "$FILE")

echo "== populating a ${COUNT}-entry repository and an ext4 directory of ${COUNT} files"
"$BIN/artifactfs-bench" populate --data "$S/data" --repo big --count "$COUNT" --tarball "$FILE"
mkdir -p "$S/disk/many"; (cd "$S/disk/many" && seq 1 "$COUNT" | sed 's/^/pkg/; s/$/-1.0.tar.zst/' | xargs touch)

"$BIN/artifactfs" mount --data "$S/data" "$S/mnt" 2>"$S/server.log" & server_pid=$!
"$S/passthrough_ll" -o source="$S/pt-src" "$S/pt-mnt"; pt_pid=1
for _ in $(seq 100); do grep -q " $S/mnt " /proc/mounts && break; sleep 0.1; done
mkdir -p "$S/mnt/tar/bench"

echo "== 1. ingest by cp (${RUNS} rounds)"
cp_t=(); pt_t=(); fs_t=()
for r in $(seq "$RUNS"); do
    sync
    cp_t+=("$(time_cmd cp "$FILE" "$S/disk/copy-$r")")
    pt_t+=("$(time_cmd cp "$FILE" "$S/pt-mnt/copy-$r")")
    fs_t+=("$(time_cmd cp "$FILE" "$S/mnt/tar/bench/artifact-1.0.$r.tar.zst")")
    rm -f "$S/disk/copy-$r" "$S/pt-mnt/copy-$r"
    [ "$r" -lt "$RUNS" ] && rm -f "$S/mnt/tar/bench/artifact-1.0.$r.tar.zst"
    printf 'round %d: disk %ss  passthrough_ll %ss  artifactfs %ss\n' "$r" "${cp_t[-1]}" "${pt_t[-1]}" "${fs_t[-1]}"
done
mc=$(median "${cp_t[@]}"); mp=$(median "${pt_t[@]}"); mf=$(median "${fs_t[@]}")
echo "median: disk $(mbps "$mc") MB/s, passthrough_ll $(mbps "$mp") MB/s, artifactfs $(mbps "$mf") MB/s"
echo "ratio ingest artifactfs/passthrough_ll = $(ratio "$mp" "$mf")x   (goal >= 0.8)"
echo "ratio ingest artifactfs/disk cp        = $(ratio "$mc" "$mf")x"

echo "== 2. ls -f of ${COUNT} entries"
ls_fs=(); ls_disk=()
for r in $(seq "$RUNS"); do
    ls_fs+=("$(time_cmd sh -c "ls -f '$S/mnt/tar/big' | wc -l > '$S/ls-fs.count'")")
    ls_disk+=("$(time_cmd sh -c "ls -f '$S/disk/many' | wc -l > '$S/ls-disk.count'")")
done
echo "entries listed: artifactfs $(cat "$S/ls-fs.count"), ext4 $(cat "$S/ls-disk.count")"
lf=$(median "${ls_fs[@]}"); ld=$(median "${ls_disk[@]}")
echo "median: artifactfs ${lf}s, ext4 ${ld}s   (goal: artifactfs under 1 s)"
echo "ratio ls -f artifactfs/ext4 speed = $(ratio "$ld" "$lf")x"

echo "== 3. sequential read of the stored ${SIZE_MB} MiB file"
rd_fs=(); rd_disk=(); cp "$FILE" "$S/disk/read-copy"
STORED="$S/mnt/tar/bench/artifact-1.0.$RUNS.tar.zst"
for r in $(seq "$RUNS"); do
    cache=$(drop_caches); rd_fs+=("$(time_cmd sh -c "cat '$STORED' > /dev/null")")
    drop_caches >/dev/null; rd_disk+=("$(time_cmd sh -c "cat '$S/disk/read-copy' > /dev/null")")
done
cmp -s "$STORED" "$FILE" && echo "bytes identical" || echo "BYTES DIFFER"
rf=$(median "${rd_fs[@]}"); rdk=$(median "${rd_disk[@]}")
echo "median ($cache page cache): artifactfs $(mbps "$rf") MB/s, disk $(mbps "$rdk") MB/s"
echo "ratio read artifactfs/disk = $(ratio "$rdk" "$rf")x"

echo "== machine: $(nproc) cpus, $(stat -f -c %T "$S") filesystem, kernel $(uname -r)"
