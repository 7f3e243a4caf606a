#!/usr/bin/env bash
# apt benchmark: artifactfs against reprepro, measured in this run on the same generated .debs.
#   1. bulk ingest of COUNT small .debs into one dist (stable/main, amd64); the goal is judged on
#      `artifactfs import` (one command with every file, like `reprepro includedeb`), also through a running
#      server (`import --server`):
#        reprepro: `reprepro -b R includedeb stable *.deb` (xargs batches; includedeb exports and signs at the end);
#        artifactfs: `cp -t MNT/apt/bench/pool/stable/main` of all files, one stream and 4 parallel streams,
#        timed until the last cp returns and until the served Packages lists all COUNT packages;
#        plus (HTTP_BULK=1) PUTs from THREADS keep-alive connections.
#   2. adding one .deb to that COUNT-package dist, UPDATES times, from upload to a new signed InRelease:
#        reprepro: one `includedeb` call (it writes and signs the indexes before it returns);
#        artifactfs: cp into the mount, then InRelease polled every 5 ms (If-None-Match) until it names a
#        Packages file that lists the new package; and an HTTP PUT (answered after the publish).
# Goals (the issue): bulk no slower than reprepro; one-package update p50 under 300 ms and >= 5x faster.
#
# Usage: Benchmarks/apt.sh            (or: make bench-apt COUNT=... UPDATES=...)
# Environment: COUNT (10000), UPDATES (20), HTTP_BULK (1) run the HTTP PUT bulk variant, THREADS (32) for it,
#   BENCH_DIR scratch directory (default: a new one under ${TMPDIR:-/tmp}), KEEP=1 keeps it,
#   LOG_LEVEL for the server (default info; debug logs each publish with its file count),
#   SKIP_BUILD=1 uses the existing .build/release/artifactfs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/Benchmarks/lib.sh"
COUNT="${COUNT:-10000}"; UPDATES="${UPDATES:-20}"; HTTP_BULK="${HTTP_BULK:-1}"; THREADS="${THREADS:-32}"
KEEP="${KEEP:-0}"; SKIP_BUILD="${SKIP_BUILD:-0}"; export LOG_LEVEL="${LOG_LEVEL:-info}"
case "$COUNT$UPDATES$THREADS" in *[!0-9]*) echo "COUNT, UPDATES and THREADS must be positive integers" >&2; exit 1 ;; esac
if [ "$COUNT" -lt 1 ] || [ "$UPDATES" -lt 1 ] || [ "$THREADS" -lt 1 ]; then echo "COUNT, UPDATES and THREADS must be at least 1" >&2; exit 1; fi
if [ $((COUNT + 2 * UPDATES)) -gt 99999 ]; then echo "COUNT + 2*UPDATES must stay under 100000" >&2; exit 1; fi
for tool in reprepro gpg gpgv gpgconf curl python3; do
    command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }
done
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi

if [ -n "${BENCH_DIR:-}" ]; then S="$BENCH_DIR"; mkdir -p "$S"; else S="$(mktemp -d "${TMPDIR:-/tmp}/artifactfs-bench-apt.XXXXXX")"; fi
S="$(cd "$S" && pwd)"
server_pid=""; MNT=""; FUSE=0; [ -e /dev/fuse ] && FUSE=1

stop_server() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    server_pid=""
    if [ -n "$MNT" ] && grep -q " $MNT " /proc/mounts; then fusermount3 -u -z "$MNT" 2>/dev/null || true; fi
}
kill_agents() {   # the gpg-agents of this run: the reprepro key's home and each key home in the data dirs
    local home
    while IFS= read -r home; do gpgconf --homedir "$home" --kill gpg-agent 2>/dev/null || true
    done < <(find "$S" -type d -name private-keys-v1.d -printf '%h\n' 2>/dev/null)
}
cleanup() {
    stop_server
    kill_agents
    if [ "$KEEP" = 1 ]; then echo "kept $S"; else rm -rf "$S"; fi
}
trap cleanup EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }   # t_reference / t
per_pkg_ms() { awk -v s="$1" -v n="$COUNT" 'BEGIN { printf "%.2f", s * 1000 / n }'; }
pct() { # pct P values… (nearest rank)
    local p=$1; shift
    printf '%s\n' "$@" | sort -g | awk -v p="$p" '{ v[NR] = $1 } END { i = int(p * NR / 100); if (i < p * NR / 100) i++; if (i < 1) i = 1; printf "%.1f", v[i] }'
}
goal() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == ">=") ? (v >= t) : (v < t); print ok ? "MET" : "NOT MET" }'; }

# ---------------------------------------------------------------------------------------------------------
# Helper (python3, standard library): timed single updates, bulk PUTs, waiting for the published count.
cat > "$S/apt_bench.py" <<'PY'
import hashlib, http.client, os, re, subprocess, sys, threading, time
from urllib.parse import urlsplit

class Client:
    def __init__(self, base):
        u = urlsplit(base); self.host, self.port = u.hostname, u.port; self.prefix = u.path.rstrip("/"); self.c = None
    def req(self, method, path, body=None, headers=None):
        for attempt in (0, 1):
            if self.c is None: self.c = http.client.HTTPConnection(self.host, self.port, timeout=120)
            try:
                self.c.request(method, self.prefix + "/" + path, body=body, headers=headers or {})
                r = self.c.getresponse(); data = r.read()
                return r.status, r.headers, data
            except (http.client.HTTPException, ConnectionError):
                self.c.close(); self.c = None
                if attempt: raise

def packages_entry(inrelease: bytes):
    m = re.search(rb"^SHA256:\n((?: .*\n)+)", inrelease, re.M)
    for line in (m.group(1).splitlines() if m else []):
        parts = line.split()
        if len(parts) == 3 and parts[2] == b"main/binary-amd64/Packages": return parts[0].decode()
    return None

def lists(cl, dist, inrelease, package):
    """Whether the Packages file that this InRelease names (fetched by hash) lists the package."""
    digest = packages_entry(inrelease)
    if digest is None: return False
    st, _, body = cl.req("GET", f"{dist}/main/binary-amd64/by-hash/SHA256/{digest}")
    if st != 200: st, _, body = cl.req("GET", f"{dist}/main/binary-amd64/Packages")
    if hashlib.sha256(body).hexdigest() != digest: return False
    return re.search(rb"^Package: " + re.escape(package.encode()) + rb"$", body, re.M) is not None

def update(args):
    # update BASE REPO DIST MODE TARGET FILES…: MODE cp (TARGET = directory in the mount) or put (TARGET = URL path)
    base, repo, dist_name, mode, target, files = args[0], args[1], args[2], args[3], args[4], args[5:]
    cl = Client(base); dist = f"apt/{repo}/dists/{dist_name}"
    for f in files:
        package = os.path.basename(f).split("_")[0]
        st, h, before = cl.req("GET", f"{dist}/InRelease"); etag = h.get("ETag")
        t0 = time.monotonic()
        if mode == "cp":
            subprocess.run(["cp", f, target], check=True)
        else:
            with open(f, "rb") as fh: body = fh.read()
            st, _, out = cl.req("PUT", f"{target}/{os.path.basename(f)}", body=body, headers={"Content-Type": "application/vnd.debian.binary-package"})
            if st != 201: sys.exit(f"PUT {f} answered {st}: {out[:300]!r}")
        t_up = time.monotonic(); polls = 0
        while True:
            st, h, text = cl.req("GET", f"{dist}/InRelease", headers={"If-None-Match": etag} if etag else {})
            t1 = time.monotonic(); polls += 1
            if st == 200 and h.get("ETag") != etag:
                if lists(cl, dist, text, package): break
                etag = h.get("ETag")
            if t1 - t0 > 60: sys.exit(f"{package}: not in a signed index after 60 s")
            time.sleep(0.005)
        print(f"{(t1 - t0) * 1000:.1f} {(t_up - t0) * 1000:.1f} {polls}", flush=True)

def bulk_put(args):
    # bulk-put BASE URLPATH THREADS DIR: PUTs DIR/*.deb; prints the seconds until the last PUT was answered, and failures
    base, path, threads = args[0], args[1], int(args[2])
    files = sorted(os.path.join(args[3], n) for n in os.listdir(args[3]) if n.endswith(".deb"))
    lock = threading.Lock(); queue = list(reversed(files)); failures = []
    def worker():
        cl = Client(base)
        while True:
            with lock:
                if not queue: return
                f = queue.pop()
            with open(f, "rb") as fh: body = fh.read()
            st, _, out = cl.req("PUT", f"{path}/{os.path.basename(f)}", body=body, headers={"Content-Type": "application/vnd.debian.binary-package"})
            if st != 201:
                with lock: failures.append(f"{os.path.basename(f)}: {st} {out[:200]!r}")
    t0 = time.monotonic()
    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts: t.start()
    for t in ts: t.join()
    print(f"{time.monotonic() - t0:.3f} {len(failures)}")
    for line in failures[:20]: print(line, file=sys.stderr)

def wait_count(args):
    # wait-count BASE REPO DIST COUNT: blocks until the signed indexes list COUNT packages (InRelease names a Packages with COUNT entries)
    base, repo, dist_name, count = args[0], args[1], args[2], int(args[3])
    cl = Client(base); dist = f"apt/{repo}/dists/{dist_name}"; etag = None; t0 = time.monotonic(); last = -1
    while True:
        st, h, text = cl.req("GET", f"{dist}/InRelease", headers={"If-None-Match": etag} if etag else {})
        if st == 200:
            etag = h.get("ETag"); digest = packages_entry(text)
            if digest:
                st2, _, body = cl.req("GET", f"{dist}/main/binary-amd64/by-hash/SHA256/{digest}")
                if st2 == 200:
                    last = len(re.findall(rb"^Package: ", body, re.M))
                    if last >= count: return
        if time.monotonic() - t0 > 1800: sys.exit(f"only {last} of {count} packages listed after 30 min")
        time.sleep(0.05)

{"update": update, "bulk-put": bulk_put, "wait-count": wait_count}[sys.argv[1]](sys.argv[2:])
PY
HELPER=(python3 "$S/apt_bench.py")

# ---------------------------------------------------------------------------------------------------------
cd "$ROOT"
if [ "$SKIP_BUILD" != 1 ]; then
    echo "== building (release)"
    swift build -c release --product artifactfs >/dev/null
fi
BIN="$ROOT/.build/release/artifactfs"
[ -x "$BIN" ] || { echo "no $BIN (build it, or unset SKIP_BUILD)" >&2; exit 1; }

echo "== generating $COUNT + 2x$UPDATES .debs in $S"
t0=$(now)
rm -rf "$S/debs" "$S/extra-cp" "$S/extra-put"
python3 "$ROOT/Benchmarks/make-debs.py" "$S/debs" "$COUNT"
python3 "$ROOT/Benchmarks/make-debs.py" "$S/extra-cp" "$UPDATES" --start $((COUNT + 1))
python3 "$ROOT/Benchmarks/make-debs.py" "$S/extra-put" "$UPDATES" --start $((COUNT + UPDATES + 1))
echo "   $(secs "$t0" "$(now)") s, $(du -sh "$S/debs" | cut -f1) for the bulk set"
EXTRA_CP=("$S"/extra-cp/*.deb); EXTRA_PUT=("$S"/extra-put/*.deb)

# ---------------------------------------------------------------------------------------------------------
echo "== reprepro ($(reprepro --version 2>&1 | grep -o 'version [0-9.]*'))"
export GNUPGHOME="$S/gnupg"; rm -rf "$GNUPGHOME" "$S/reprepro"; mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key 'bench <b@e>' ed25519 sign never 2>/dev/null
FPR=$(gpg --batch --with-colons --list-secret-keys 2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }')
gpg --batch --export "$FPR" > "$S/reprepro-key.gpg"
R="$S/reprepro"; mkdir -p "$R/conf"
cat > "$R/conf/distributions" <<EOF
Codename: stable
Suite: stable
Components: main
Architectures: amd64
SignWith: $FPR
DebIndices: Packages Release . .gz .xz
EOF
# One reprepro call per xargs batch (each call exports and signs once at its end); names are relative and
# the batch limit is raised to 1.5 MB, so 10,000 files normally go in one call. The call count is printed.
rm -f "$S/reprepro-calls"
cd "$S/debs"
t0=$(now)
printf '%s\0' *.deb | xargs -0 -s 1500000 sh -c 'echo >> "$0/reprepro-calls"; exec reprepro -b "$0/reprepro" includedeb stable "$@"' "$S" \
    > "$S/reprepro-bulk.log" 2>&1
rp_bulk=$(secs "$t0" "$(now)")
cd "$ROOT"
rp_calls=$(wc -l < "$S/reprepro-calls")
rp_listed=$(reprepro -b "$R" list stable | wc -l)
echo "   bulk: ${rp_bulk} s in ${rp_calls} includedeb call(s), ${rp_listed} packages listed"
[ "$rp_listed" -eq "$COUNT" ] || { echo "reprepro lists $rp_listed of $COUNT packages; its log:" >&2; tail -20 "$S/reprepro-bulk.log" >&2; exit 1; }
rp_upd=()
for f in "${EXTRA_CP[@]}"; do
    t0=$(now); reprepro -b "$R" includedeb stable "$f" >> "$S/reprepro-update.log" 2>&1; t1=$(now)
    rp_upd+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')")
done
echo "   single updates (ms): ${rp_upd[*]}"
gpgv --keyring "$S/reprepro-key.gpg" "$R/dists/stable/InRelease" 2>/dev/null && echo "   InRelease signature verified (gpgv)" \
    || echo "   WARNING: reprepro InRelease did not verify"
unset GNUPGHOME

# ---------------------------------------------------------------------------------------------------------
BASE=""
start_server() {   # start_server NAME: a fresh data dir (and mount point) under $S/NAME
    local dir="$S/$1" args
    rm -rf "$dir"; mkdir -p "$dir"
    if [ "$FUSE" = 1 ]; then MNT="$dir/mnt"; mkdir -p "$MNT"; args=(--mount "$MNT"); else MNT=""; args=(--no-mount); fi
    env -u ARTIFACTFS_UPLOAD_TOKEN "$BIN" serve --data "$dir/data" --listen 127.0.0.1:0 "${args[@]}" 2> "$dir/server.log" &
    server_pid=$!
    wait_ready "$dir/server.log" "$server_pid"
    if [ "$FUSE" = 1 ]; then mkdir -p "$MNT/apt/bench/pool/stable/main"; else
        # Without a mount the first PUT creates the repository; make that happen before the clock starts.
        python3 "$ROOT/Benchmarks/make-debs.py" "$dir/warm" 1 --start 99999
        curl -sf -o /dev/null -H 'Expect:' -T "$dir"/warm/*.deb "$BASE/apt/bench/pool/stable/main/" || { echo "warm-up PUT failed" >&2; exit 1; }
    fi
}
server_notes() {   # errors and rejections in the log of the server that just ran
    local log="$S/$1/server.log" n
    n=$(grep -cE ' (error|critical|warning) ' "$log" || true)
    [ "$n" -gt 0 ] && { echo "   server log: $n warning/error lines, first ones:"; grep -E ' (error|critical|warning) ' "$log" | head -5 | sed 's/^/     /'; }
    if [ "$LOG_LEVEL" = debug ] || [ "$LOG_LEVEL" = trace ]; then
        echo "   publishes: $(grep -c '\] published' "$log" || true) (last: $(grep '\] published' "$log" | tail -1 | grep -o 'files=[0-9]* generation=[0-9]* packages=[0-9]*'))"
    fi
    return 0
}
bulk_mount() {   # bulk_mount PARALLEL: sets BULK_CP (until the last cp returned) and BULK_PUB (until indexed), seconds
    local dest="$MNT/apt/bench/pool/stable/main" t0 t1 t2
    cd "$S/debs"; sync
    t0=$(now)
    if [ "$1" = 1 ]; then printf '%s\0' *.deb | xargs -0 cp -t "$dest"
    else printf '%s\0' *.deb | xargs -0 -P "$1" -n 50 cp -t "$dest"; fi
    t1=$(now)
    "${HELPER[@]}" wait-count "$BASE" bench stable "$COUNT"
    t2=$(now)
    cd "$ROOT"
    BULK_CP=$(secs "$t0" "$t1"); BULK_PUB=$(secs "$t0" "$t2")
}
updates() {   # updates MODE TARGET FILES…: sets UPD to the milliseconds of each update, UPL to those of the upload alone
    "${HELPER[@]}" update "$BASE" bench stable "$@" > "$S/updates-$1.out"
    UPD=(); UPL=(); local ms up rest
    while read -r ms up rest; do UPD+=("$ms"); UPL+=("$up"); done < "$S/updates-$1.out"
}

echo "== artifactfs ($( [ "$FUSE" = 1 ] && echo "FUSE mount + HTTP" || echo "no /dev/fuse: HTTP only"))"
af_cp1=""; af_pub1=""; af_cp4=""; af_pub4=""; af_http=""; af_http_pub=""; af_upd_cp=(); af_upd_put=()
# The like-for-like bulk run: one command with every file, as reprepro includedeb (server stopped; it ends
# with the signed publish, so "indexed" is when it returns).
rm -rf "$S/af-import"; mkdir -p "$S/af-import"
t0=$(now)
"$BIN" import --data "$S/af-import/data" --provider apt --repo bench --dist stable "$S/debs" > "$S/import.out" 2> "$S/import.log"
af_import=$(secs "$t0" "$(now)")
echo "   bulk, artifactfs import (one command, ends with the signed publish): ${af_import} s ($(tail -1 "$S/import.out"))"
grep -q "${COUNT} stored, 0 unchanged, 0 rejected" "$S/import.out" || echo "   WARNING: import did not store every file: $(cat "$S/import.out")"
kill_agents
# The same import against a running server (uploads with ?publish=later, then one publish; signed when it returns).
start_server af-import-server
t0=$(now)
"$BIN" import --server "$BASE" --provider apt --repo imported --dist stable "$S/debs" > "$S/import-server.out" 2> "$S/import-server.log"
af_import_server=$(secs "$t0" "$(now)")
echo "   bulk, artifactfs import --server (running server, 4 uploads in flight, one publish): ${af_import_server} s ($(tail -1 "$S/import-server.out"))"
grep -q "${COUNT} stored, 0 unchanged, 0 rejected" "$S/import-server.out" || echo "   WARNING: import --server did not store every file: $(cat "$S/import-server.out")"
stop_server; server_notes af-import-server; kill_agents
if [ "$FUSE" = 1 ]; then
    start_server af-par4
    bulk_mount 4; af_cp4=$BULK_CP; af_pub4=$BULK_PUB
    echo "   bulk, cp -t in 4 parallel streams: cp returned ${af_cp4} s, indexes list all ${COUNT}: ${af_pub4} s"
    stop_server; server_notes af-par4; kill_agents

    start_server af-seq
    bulk_mount 1; af_cp1=$BULK_CP; af_pub1=$BULK_PUB
    echo "   bulk, cp -t in one stream:         cp returned ${af_cp1} s, indexes list all ${COUNT}: ${af_pub1} s"
    sleep 2   # let the tail of the bulk settle before single updates
    updates cp "$MNT/apt/bench/pool/stable/main" "${EXTRA_CP[@]}"; af_upd_cp=("${UPD[@]}")
    echo "   single updates by cp, to new InRelease (ms): ${af_upd_cp[*]}"
    echo "     of which cp itself (ms):                  ${UPL[*]}"
    updates put apt/bench/pool/stable/main "${EXTRA_PUT[@]}"; af_upd_put=("${UPD[@]}")
    echo "   single updates by HTTP PUT (ms):              ${af_upd_put[*]}"
    mkdir -p "$S/verify"; curl -sf "$BASE/apt/bench/keyring.gpg" > "$S/verify/keyring.gpg"
    curl -sf "$BASE/apt/bench/dists/stable/InRelease" > "$S/verify/InRelease"
    gpgv --keyring "$S/verify/keyring.gpg" "$S/verify/InRelease" 2>/dev/null && echo "   InRelease signature verified (gpgv)" \
        || echo "   WARNING: artifactfs InRelease did not verify"
    stop_server; server_notes af-seq; kill_agents
fi
if [ "$HTTP_BULK" = 1 ] || [ "$FUSE" = 0 ]; then
    start_server af-http
    t0=$(now)
    "${HELPER[@]}" bulk-put "$BASE" apt/bench/pool/stable/main "$THREADS" "$S/debs" > "$S/bulk-put.out"
    read -r af_http fails < "$S/bulk-put.out"
    [ "$fails" = 0 ] || echo "   WARNING: $fails PUTs failed (first ones on stderr above)"
    # Without a mount the warm-up package is one more in the dist.
    "${HELPER[@]}" wait-count "$BASE" bench stable "$((COUNT + 1 - FUSE))"
    af_http_pub=$(secs "$t0" "$(now)")
    echo "   bulk, HTTP PUT from ${THREADS} keep-alive connections: last answer ${af_http} s, indexes list all: ${af_http_pub} s, ${fails} failed"
    if [ "$FUSE" = 0 ]; then
        sleep 2
        updates put apt/bench/pool/stable/main "${EXTRA_PUT[@]}"; af_upd_put=("${UPD[@]}")
        echo "   single updates by HTTP PUT (ms): ${af_upd_put[*]}"
    fi
    stop_server; server_notes af-http; kill_agents
fi

# ---------------------------------------------------------------------------------------------------------
echo
echo "== machine: $(nproc) cpus, $(findmnt -n -o FSTYPE --target "$S" 2>/dev/null || stat -f -c %T "$S") filesystem under $S, kernel $(uname -r)"
echo "== results: $COUNT .debs of ~$(( $(du -sb "$S/debs" | cut -f1) / COUNT )) bytes, $UPDATES single updates; ratio = reprepro time / artifactfs time (>1: artifactfs faster)"
row() { printf '%-44s %10s %12s\n' "$@"; }
row "bulk" "seconds" "ms/package"
row "reprepro includedeb (${rp_calls} call(s), incl. export)" "$rp_bulk" "$(per_pkg_ms "$rp_bulk")"
row "artifactfs import (incl. publish)" "$af_import" "$(per_pkg_ms "$af_import")"
row "artifactfs import --server (incl. publish)" "$af_import_server" "$(per_pkg_ms "$af_import_server")"
if [ "$FUSE" = 1 ]; then
    row "artifactfs cp, 1 stream: cp returned" "$af_cp1" "$(per_pkg_ms "$af_cp1")"
    row "artifactfs cp, 1 stream: indexes list all" "$af_pub1" "$(per_pkg_ms "$af_pub1")"
    row "artifactfs cp, 4 streams: cp returned" "$af_cp4" "$(per_pkg_ms "$af_cp4")"
    row "artifactfs cp, 4 streams: indexes list all" "$af_pub4" "$(per_pkg_ms "$af_pub4")"
fi
if [ -n "$af_http" ]; then
    row "artifactfs PUT x${THREADS}: last answer" "$af_http" "$(per_pkg_ms "$af_http")"
    row "artifactfs PUT x${THREADS}: indexes list all" "$af_http_pub" "$(per_pkg_ms "$af_http_pub")"
fi
echo
row "single update, upload to new InRelease" "p50 ms" "p90 ms"
row "reprepro includedeb" "$(pct 50 "${rp_upd[@]}")" "$(pct 90 "${rp_upd[@]}")"
[ "$FUSE" = 1 ] && row "artifactfs cp into the mount" "$(pct 50 "${af_upd_cp[@]}")" "$(pct 90 "${af_upd_cp[@]}")"
row "artifactfs HTTP PUT" "$(pct 50 "${af_upd_put[@]}")" "$(pct 90 "${af_upd_put[@]}")"
echo
if [ "$FUSE" = 1 ]; then bulk_ref="$af_pub1"; bulk_what="cp 1 stream, until indexed"; upd=("${af_upd_cp[@]}"); upd_what="cp"
else bulk_ref="$af_http_pub"; bulk_what="HTTP PUT, until indexed"; upd=("${af_upd_put[@]}"); upd_what="PUT"; fi
r_bulk=$(ratio "$rp_bulk" "$bulk_ref")
[ "$FUSE" = 1 ] && echo "ratio bulk reprepro/artifactfs (cp 4 streams, until indexed) = $(ratio "$rp_bulk" "$af_pub4")x"
[ -n "$af_http_pub" ] && echo "ratio bulk reprepro/artifactfs (HTTP PUT, until indexed)     = $(ratio "$rp_bulk" "$af_http_pub")x"
echo "ratio bulk reprepro/artifactfs ($bulk_what)  = ${r_bulk}x"
r_import=$(ratio "$rp_bulk" "$af_import")
echo "ratio bulk reprepro includedeb / artifactfs import          = ${r_import}x   goal >= 1: $(goal "$r_import" ">=" 1)"
echo "ratio bulk reprepro includedeb / artifactfs import --server = $(ratio "$rp_bulk" "$af_import_server")x"
p50_rp=$(pct 50 "${rp_upd[@]}"); p50_af=$(pct 50 "${upd[@]}"); p90_af=$(pct 90 "${upd[@]}")
r_upd=$(ratio "$p50_rp" "$p50_af")
[ "$FUSE" = 1 ] && echo "ratio single update p50 reprepro/artifactfs (HTTP PUT)       = $(ratio "$p50_rp" "$(pct 50 "${af_upd_put[@]}")")x"
echo "ratio single update p50 reprepro/artifactfs ($upd_what)             = ${r_upd}x   goal >= 5: $(goal "$r_upd" ">=" 5)"
echo "single update p50 artifactfs ($upd_what) = ${p50_af} ms (p90 ${p90_af} ms)   goal < 300 ms: $(goal "$p50_af" "<" 300)"
