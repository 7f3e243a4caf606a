#!/usr/bin/env bash
# Browse-page benchmark: the repository page (sorted, filtered, paged) and a package page of a COUNT-package tar
# repository, against the plain file listing (`?view=files`) and the JSON package list of the same server, in one run;
# plus one /metrics scrape.
#   first view: the first request after a write (the rows are read from the catalogue);
#   cached views: later requests (the rows stay cached until the next write): sorted by version, filtered, page 10.
# Prints median times of RUNS requests each and ratios plain-listing time / browse time (>1: browse faster).
#
# Usage: Benchmarks/browse.sh   Environment: COUNT (10000), RUNS (11), PORT (18470), SKIP_BUILD=1, KEEP=1.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/Benchmarks/lib.sh"
COUNT="${COUNT:-10000}"; RUNS="${RUNS:-11}"; PORT="${PORT:-18470}"; KEEP="${KEEP:-0}"; SKIP_BUILD="${SKIP_BUILD:-0}"
case "$COUNT$RUNS$PORT" in *[!0-9]*) echo "COUNT, RUNS and PORT must be positive integers" >&2; exit 1 ;; esac
for tool in curl tar zstd; do command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }; done
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi

S="$(mktemp -d "${TMPDIR:-/tmp}/artifactfs-bench-browse.XXXXXX")"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; fi
    if [ "$KEEP" = 1 ]; then echo "kept $S"; else rm -rf "$S"; fi
}
trap cleanup EXIT

if [ "$SKIP_BUILD" != 1 ]; then
    swift build -c release --product artifactfs >&2 && swift build -c release --product artifactfs-bench >&2
fi
BIN="$ROOT/.build/release/artifactfs"; BENCH="$ROOT/.build/release/artifactfs-bench"

mkdir -p "$S/src" && echo "payload" > "$S/src/README"
tar --zstd -cf "$S/pkg.tar.zst" -C "$S/src" .
"$BENCH" populate --data "$S/data" --repo big --count "$COUNT" --tarball "$S/pkg.tar.zst" >&2
"$BIN" serve --data "$S/data" --listen "127.0.0.1:$PORT" --no-mount 2> "$S/server.log" &
server_pid=$!
wait_ready "$S/server.log" "$server_pid"

# median URL: the median of RUNS total times (seconds) of GET URL; checks every answer is 200
median() {
    local url="$1" i t code times=()
    for ((i = 0; i < RUNS; i++)); do
        read -r code t < <(curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$url")
        [ "$code" = 200 ] || { echo "GET $url answered $code" >&2; exit 1; }
        times+=("$t")
    done
    printf '%s\n' "${times[@]}" | sort -g | awk '{ v[NR] = $1 } END { printf "%.4f", v[int((NR + 1) / 2)] }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "inf" }'; }

R="$BASE/tar/big/"
# First view after a write: a PUT before each request empties the cache.
first=()
for ((i = 0; i < RUNS; i++)); do
    curl -sf -o /dev/null -T "$S/pkg.tar.zst" "$BASE/tar/big/extra$i-1.0.tar.zst"
    first+=("$(curl -s -o /dev/null -w '%{time_total}' "$R?sort=version&order=desc")")
done
first_median=$(printf '%s\n' "${first[@]}" | sort -g | awk '{ v[NR] = $1 } END { printf "%.4f", v[int((NR + 1) / 2)] }')
plain=$(median "$R?view=files")
api=$(median "$BASE/api/tar/big/packages")
sorted=$(median "$R?sort=version&order=desc")
filtered=$(median "$R?q=pkg99")
paged=$(median "$R?sort=name&page=10")
package=$(median "$BASE/tar/big/pkg5000-1.0.tar.zst?view=package")
metrics=$(median "$BASE/metrics")

echo "== $COUNT packages, median of $RUNS requests each (curl time_total, seconds); ratio = plain listing / this"
row() { printf '%-46s %9s %8s\n' "$@"; }
row "request" "seconds" "ratio"
row "plain listing ?view=files (all $COUNT rows)" "$plain" "1.0"
row "JSON /api/tar/big/packages" "$api" "$(ratio "$plain" "$api")"
row "browse page, first view after a write" "$first_median" "$(ratio "$plain" "$first_median")"
row "browse page, sorted by version (cached rows)" "$sorted" "$(ratio "$plain" "$sorted")"
row "browse page, filtered ?q=pkg99" "$filtered" "$(ratio "$plain" "$filtered")"
row "browse page, page 10 sorted by name" "$paged" "$(ratio "$plain" "$paged")"
row "package page" "$package" "$(ratio "$plain" "$package")"
row "/metrics scrape" "$metrics" "$(ratio "$plain" "$metrics")"
