#!/usr/bin/env bash
# Soak: a long run of reads and ingestion at once against one release server, watching for errors and memory growth.
#   Reads: wrk on an apt Packages index, a PyPI project page and a .deb download (three wrk processes, each
#     WRK_CONNECTIONS connections, the whole DURATION, latency percentiles from wrk --latency).
#   Writes: a loop that PUTs a new tarball every INGEST_PAUSE seconds and DELETEs the one from KEEP_FILES rounds
#     earlier (so the repository, the catalogue and the indexes stop growing once warm and any growth of memory
#     is the server's own), and every 10th round PUTs one of the DEBS pre-made .debs (new the first time round,
#     then identical re-uploads, which answer 200).
#   Memory: the server's RSS sampled every SAMPLE seconds into rss.csv (seconds, KiB).
# Printed: requests, errors (non-2xx/3xx answers plus socket errors, and failed uploads), p99 per URL, uploads,
#   RSS at start/end/max and the growth over the second half of the run. Goals (the issue): 0 errors; RSS flat.
# "Flat" here: the mean RSS of the last quarter is within 10% (or 16 MiB) of the mean of the second quarter, once
#   caches have filled (SmallBlobCache holds up to 64 MiB, the S3-less server nothing else that grows by design).
#
# Usage: Benchmarks/soak.sh     (15 minutes; DURATION=60 for a short run)
# Environment: DURATION (900, seconds), WRK_CONNECTIONS (4), INGEST_PAUSE (0.2), SAMPLE (10), DEBS (50), KEEP_FILES (100),
#   BENCH_DIR (scratch, default a new one under ${TMPDIR:-/tmp}), KEEP=1, SKIP_BUILD=1, LOG_LEVEL (notice).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/Benchmarks/lib.sh"
DURATION="${DURATION:-900}"; WRK_CONNECTIONS="${WRK_CONNECTIONS:-4}"; INGEST_PAUSE="${INGEST_PAUSE:-0.2}"; SAMPLE="${SAMPLE:-10}"
DEBS="${DEBS:-50}"; KEEP_FILES="${KEEP_FILES:-100}"; KEEP="${KEEP:-0}"; SKIP_BUILD="${SKIP_BUILD:-0}"; export LOG_LEVEL="${LOG_LEVEL:-notice}"
case "$DURATION$WRK_CONNECTIONS$SAMPLE$DEBS" in *[!0-9]*) echo "DURATION, WRK_CONNECTIONS, SAMPLE and DEBS must be integers" >&2; exit 1 ;; esac
for tool in curl python3 wrk tar; do command -v "$tool" >/dev/null || { echo "needs $tool (make deps)" >&2; exit 1; }; done
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi

if [ -n "${BENCH_DIR:-}" ]; then S="$BENCH_DIR"; mkdir -p "$S"; else S="$(mktemp -d "${TMPDIR:-/tmp}/artifactfs-soak.XXXXXX")"; fi
S="$(cd "$S" && pwd)"
server_pid=""; pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    if [ "$KEEP" = 1 ]; then echo "kept $S"; else rm -rf "$S"; fi
}
trap cleanup EXIT

if [ "$SKIP_BUILD" != 1 ]; then echo "== building (release)"; (cd "$ROOT" && swift build -c release --product artifactfs 2>&1 | grep -E 'error|Build' | tail -2); fi
BIN="$ROOT/.build/release/artifactfs"

echo "== preparing: $DEBS .debs, 20 wheels"
python3 "$ROOT/Benchmarks/make-debs.py" "$S/debs" "$DEBS" > /dev/null
python3 "$ROOT/Benchmarks/make-python-dists.py" "$S/wheels" --project soak --versions 20 --quiet > /dev/null

env -u ARTIFACTFS_UPLOAD_TOKEN "$BIN" serve --data "$S/data" --listen 127.0.0.1:0 --no-mount 2> "$S/server.log" &
server_pid=$!
wait_ready "$S/server.log" "$server_pid"
put() { curl -s -o /dev/null -w '%{http_code}' -T "$1" "$2"; }
first_deb="$(ls "$S/debs" | head -1)"
[ "$(put "$S/debs/$first_deb" "$BASE/apt/soak/pool/stable/main/$first_deb")" = 201 ] || { echo "seed upload failed" >&2; exit 1; }
for wheel in "$S"/wheels/*.whl; do put "$wheel" "$BASE/pypi/soak/$(basename "$wheel")" > /dev/null; done
URLS=("$BASE/apt/soak/dists/stable/main/binary-amd64/Packages" "$BASE/pypi/soak/simple/soak/" "$BASE/apt/soak/pool/stable/main/$first_deb")
for url in "${URLS[@]}"; do curl -sf -o /dev/null "$url" || { echo "GET $url failed" >&2; exit 1; }; done

echo "== soaking for $DURATION s (server pid $server_pid)"
for index in "${!URLS[@]}"; do
    wrk -t1 -c"$WRK_CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency "${URLS[$index]}" > "$S/wrk-$index.txt" 2>&1 &
    pids+=($!)
done
ingest() {
    local round=0 failed=0 uploaded=0 deleted=0 debs=("$S"/debs/*.deb) code
    mkdir -p "$S/tar"
    while [ -e "$S/ingesting" ]; do
        round=$((round + 1))
        head -c 16384 /dev/urandom > "$S/tar/payload"
        tar -czf "$S/tar/soak-$round.0.tar.gz" -C "$S/tar" payload
        code=$(put "$S/tar/soak-$round.0.tar.gz" "$BASE/tar/soak/soak-$round.0.tar.gz"); rm -f "$S/tar/soak-$round.0.tar.gz"
        if [ "$code" = 201 ]; then uploaded=$((uploaded + 1)); else failed=$((failed + 1)); echo "tar round $round: HTTP $code" >> "$S/ingest-errors.txt"; fi
        if [ "$round" -gt "$KEEP_FILES" ]; then
            code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$BASE/tar/soak/soak-$((round - KEEP_FILES)).0.tar.gz")
            case "$code" in 200|204) deleted=$((deleted + 1)) ;; *) failed=$((failed + 1)); echo "delete round $round: HTTP $code" >> "$S/ingest-errors.txt" ;; esac
        fi
        if [ $((round % 10)) = 0 ]; then
            local deb="${debs[$(( (round / 10) % ${#debs[@]} ))]}"
            code=$(put "$deb" "$BASE/apt/soak/pool/stable/main/$(basename "$deb")")
            case "$code" in 200|201) uploaded=$((uploaded + 1)) ;; *) failed=$((failed + 1)); echo "deb round $round: HTTP $code" >> "$S/ingest-errors.txt" ;; esac
        fi
        sleep "$INGEST_PAUSE"
    done
    echo "$uploaded $deleted $failed" > "$S/ingest-result"
}
touch "$S/ingesting"; ingest & ingest_pid=$!
echo "seconds,rss_kib" > "$S/rss.csv"
start=$SECONDS
while [ $((SECONDS - start)) -lt "$DURATION" ]; do
    kill -0 "$server_pid" 2>/dev/null || { echo "the server died" >&2; cat "$S/server.log" >&2; exit 1; }
    echo "$((SECONDS - start)),$(awk '/VmRSS/ { print $2 }' "/proc/$server_pid/status")" >> "$S/rss.csv"
    sleep "$SAMPLE"
done
rm -f "$S/ingesting"; wait "$ingest_pid"
for pid in "${pids[@]}"; do wait "$pid" || true; done; pids=()
echo "$((SECONDS - start)),$(awk '/VmRSS/ { print $2 }' "/proc/$server_pid/status")" >> "$S/rss.csv"

echo
echo "== results after $DURATION s (load average $(cut -d' ' -f1-3 /proc/loadavg))"
errors=0
for index in "${!URLS[@]}"; do
    f="$S/wrk-$index.txt"
    requests=$(awk '/requests in/ { print $1 }' "$f")
    non2xx=$(awk '/Non-2xx or 3xx/ { print $NF }' "$f"); non2xx=${non2xx:-0}
    socket=$(awk -F'[ ,]+' '/Socket errors/ { print $4 + $6 + $8 + $10 }' "$f"); socket=${socket:-0}
    p99=$(awk '$1 == "99%" { print $2 }' "$f")
    errors=$((errors + non2xx + socket))
    printf '%-70s %9s requests  p99 %8s  errors %s\n' "${URLS[$index]#"$BASE"}" "$requests" "$p99" "$((non2xx + socket))"
done
read -r uploaded deleted failed < "$S/ingest-result"
errors=$((errors + failed))
echo "uploads: $uploaded answered 200/201, $deleted deletes, $failed failed$( [ "$failed" -gt 0 ] && echo " (first: $(head -1 "$S/ingest-errors.txt"))")"
awk -F, -v sample="$SAMPLE" 'NR > 1 { t[NR] = $1; r[NR] = $2; n = NR }
    END {
        max = 0; for (i = 2; i <= n; i++) if (r[i] > max) max = r[i]
        q = (n - 1) / 4; s2 = 0; c2 = 0; s4 = 0; c4 = 0
        for (i = 2; i <= n; i++) { k = i - 1; if (k > q && k <= 2 * q) { s2 += r[i]; c2++ } if (k > 3 * q) { s4 += r[i]; c4++ } }
        m2 = c2 ? s2 / c2 : r[2]; m4 = c4 ? s4 / c4 : r[n]
        growth = m4 - m2; allowed = (m2 * 0.10 > 16384) ? m2 * 0.10 : 16384
        printf "RSS: start %.0f MiB, end %.0f MiB, max %.0f MiB; second-quarter mean %.0f MiB, last-quarter mean %.0f MiB (%+.1f MiB): %s\n",
            r[2] / 1024, r[n] / 1024, max / 1024, m2 / 1024, m4 / 1024, growth / 1024, (growth <= allowed) ? "flat (goal MET)" : "GROWING (goal NOT MET)"
    }' "$S/rss.csv"
echo "errors: $errors (goal 0: $( [ "$errors" = 0 ] && echo MET || echo "NOT MET"))"
echo "RSS samples: $S/rss.csv$( [ "$KEEP" = 1 ] || echo " (KEEP=1 keeps it)")"
