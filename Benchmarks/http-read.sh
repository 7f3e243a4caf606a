#!/usr/bin/env bash
# HTTP read benchmark: wrk against artifactfs builds and against nginx serving the same bytes, in one run.
#   pages: /tar/bench/SHA256SUMS (~300 KB, COUNT tarballs), /tar/bench/small-1.0.tar.gz (~4 KB) and
#   /apt/bench/dists/stable/Release (5 path components, generated and signed).
# The goal (the issue): the 300 KB page at no less than half of nginx's requests/s.
#
# Usage: Benchmarks/http-read.sh [BIN...]   (default: .build/release/artifactfs, built first)
#   Several binaries are measured one after the other on the same data directory (e.g. before and after).
# Environment: COUNT (3000) tarballs, DURATION (10s), CONNECTIONS (16), THREADS (2) for wrk, PORT (18490),
#   KEEP=1 keeps the scratch directory.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COUNT="${COUNT:-3000}"; DURATION="${DURATION:-10s}"; CONNECTIONS="${CONNECTIONS:-16}"; THREADS="${THREADS:-2}"
PORT="${PORT:-18490}"; KEEP="${KEEP:-0}"
for tool in wrk curl tar /usr/sbin/nginx gpgconf; do command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }; done
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi

S="$(mktemp -d "${TMPDIR:-/tmp}/artifactfs-bench-http.XXXXXX")"
BASE="http://127.0.0.1:$PORT"
PAGES=(tar/bench/SHA256SUMS tar/bench/small-1.0.tar.gz apt/bench/dists/stable/Release)
server_pid=""; nginx_pid=""

stop() {   # stop the server or nginx this script started, by pid
    local pid="$1"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
}
cleanup() {
    stop "$server_pid"; stop "$nginx_pid"
    find "$S" -type d -name private-keys-v1.d -printf '%h\n' 2>/dev/null | while IFS= read -r home; do
        gpgconf --homedir "$home" --kill gpg-agent 2>/dev/null || true
    done
    if [ "$KEEP" = "1" ]; then echo "kept $S"; else rm -rf "$S"; fi
}
trap cleanup EXIT

start_server() {   # start_server BIN: serve $S/data and wait until it answers
    "$1" serve --data "$S/data" --listen "127.0.0.1:$PORT" --no-mount > "$S/server.log" 2>&1 &
    server_pid=$!
    local deadline=$((SECONDS + 60))
    until curl -sf "$BASE/api/repos" > /dev/null; do
        kill -0 "$server_pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ] || { cat "$S/server.log" >&2; exit 1; }
        sleep 0.2
    done
}

# CPU ticks (user + system) the processes PIDS have used so far: with other work on the machine, the
# server's CPU per request is steadier than requests/s.
ticks() { local pid total=0; for pid in "$@"; do total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat"))); done; echo "$total"; }

# One wrk run against URL: prints req/s, p99 (wrk's --latency table) and the CPU per request of PIDS.
measure() {
    local url="$1" before after; shift
    before=$(ticks "$@")
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url" > "$S/wrk.out"
    after=$(ticks "$@")
    if grep -q "Non-2xx" "$S/wrk.out"; then echo "non-2xx answers from $url" >&2; cat "$S/wrk.out" >&2; exit 1; fi
    awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '/requests in/ { n = $1 } /Requests\/sec/ { rps = $2 } $1 == "99%" { p99 = $2 }
        END { printf "%8.0f req/s  p99 %-8s %6.1f us server CPU/req\n", rps, p99, ticks / hz * 1e6 / n }' "$S/wrk.out"
}

report() {   # report LABEL PID...: every page against $BASE
    local label="$1" page; shift
    for page in "${PAGES[@]}"; do printf '%-30s %-32s %s\n' "$label" "$page" "$(measure "$BASE/$page" "$@")"; done
}

if [ "$#" -eq 0 ]; then (cd "$ROOT" && swift build -c release --product artifactfs); set -- "$ROOT/.build/release/artifactfs"; fi

echo "== $COUNT tarballs, names long enough for a ~300 KB SHA256SUMS"
mkdir -p "$S/in" "$S/gen"
for n in $(seq 1 "$COUNT"); do
    echo "$n" > "$S/gen/VERSION"
    tar czf "$S/in/benchmark-package-name-1.$n.tar.gz" -C "$S/gen" VERSION
done
head -c 3800 /dev/urandom > "$S/gen/payload"
tar cf - -C "$S/gen" payload | gzip -1 > "$S/in/small-1.0.tar.gz"
"$1" import --data "$S/data" --provider tar --repo bench "$S/in" > "$S/import.log" 2>&1

echo "== an apt repository with one package (for a generated file five components deep)"
python3 "$ROOT/Benchmarks/make-debs.py" "$S/debs" 1 > /dev/null
start_server "$1"
curl -sf -X PUT -H 'Expect:' -T "$(ls "$S"/debs/*.deb)" "$BASE/apt/bench/pool/stable/main/$(basename "$S"/debs/*.deb)" > /dev/null
for page in "${PAGES[@]}"; do
    mkdir -p "$S/static/$(dirname "$page")"
    curl -sf -o "$S/static/$page" "$BASE/$page"
    printf '%-34s %8d bytes\n' "$page" "$(stat -c %s "$S/static/$page")"
done
stop "$server_pid"; server_pid=""

echo "== load: $(cut -d' ' -f1-3 /proc/loadavg); wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency"
for bin in "$@"; do
    start_server "$bin"
    curl -sf "$BASE/${PAGES[0]}" > /dev/null
    report "$bin" "$server_pid"
    stop "$server_pid"; server_pid=""
done

mkdir -p "$S/nginx"
cat > "$S/nginx/nginx.conf" <<EOF
user root;
worker_processes $(nproc);
pid $S/nginx/nginx.pid;
error_log $S/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    default_type application/octet-stream;
    client_body_temp_path $S/nginx/body; proxy_temp_path $S/nginx/proxy; fastcgi_temp_path $S/nginx/fastcgi;
    uwsgi_temp_path $S/nginx/uwsgi; scgi_temp_path $S/nginx/scgi;
    server { listen 127.0.0.1:$PORT; root $S/static; }
}
EOF
/usr/sbin/nginx -c "$S/nginx/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
until curl -sf -o /dev/null "$BASE/${PAGES[0]}"; do kill -0 "$nginx_pid" || exit 1; sleep 0.1; done
report "nginx (sendfile, $(nproc) workers)" "$nginx_pid" $(pgrep -P "$nginx_pid")
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
