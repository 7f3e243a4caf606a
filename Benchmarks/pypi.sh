#!/usr/bin/env bash
# PyPI benchmark: artifactfs against pypiserver and nginx, measured in this run on the same generated wheels.
#   1. requests/s with wrk on the project page /simple/<project>/ of one project with FILES = VERSIONS x tags
#      wheels (default 1,000), one server at a time, loopback:
#        artifactfs: .build/release/artifactfs serve --no-mount, files brought in by `artifactfs import
#          --provider pypi` (server stopped) or, if import does not take pypi, by HTTP PUT /pypi/bench/<file>;
#          URL /pypi/bench/simple/<project>/;
#        pypiserver: `pypi-server run --server gunicorn` on the directory of the same files, with the watchdog
#          cache (its README's advice for thousands of packages) and gunicorn (its official Docker image's server);
#          workers: 2 processes (one per core) x 4 threads. The image itself runs 1 gevent worker; on this page,
#          whose rendering is CPU-bound Python, that gave about half the req/s and p99 in seconds (one greenlet
#          renders while the others wait), so the threaded workers are the fairer, faster baseline.
#          PYPISERVER_GUNICORN_ARGS="--workers 1 --worker-class gevent" reproduces the image's setup;
#        nginx: the exact bytes artifactfs answered for that page (fetched without an Accept header, as wrk
#          sends none, so the PEP 503 HTML page) saved as a static file, and the wheels (with their METADATA as
#          <file>.metadata, which the page announces) beside it at the path the page links to.
#      Printed: req/s, p50/p99 latency, response size; ratios artifactfs/nginx (goal >= 0.5) and artifactfs/pypiserver.
#   2. `pip download --no-deps --index-url URL/simple/ --dest D <project>==PIN` of one pinned wheel from each
#      server (pip from scripts/python-clients.sh, --isolated --no-cache-dir): median of PIP_RUNS runs; the
#      nginx column is the floor (pip's own start-up and resolution on a static server).
# Before each measurement the load average is printed: other work on the machine skews the figures.
#
# Usage: Benchmarks/pypi.sh            (or: make bench-pypi)
# Environment: VERSIONS (1000) and TAGS (py3-none-any; comma-separated, one wheel per version per tag) make
#   the project PROJECT (bench-pkg); PIN (the middle version) is the version pip downloads; PIP_RUNS (5);
#   WRK_THREADS (2), WRK_CONNECTIONS (16), WRK_DURATION (10s), WRK_WARMUP (2s, not counted), WRK_TIMEOUT (10s);
#   PYPISERVER_WORKERS (2), PYPISERVER_THREADS (4),
#   PYPISERVER_GUNICORN_ARGS (default "--workers $PYPISERVER_WORKERS --threads $PYPISERVER_THREADS"),
#   PYPISERVER_HASH (sha256, so its links carry the same digest as artifactfs's; pypiserver's own default is md5);
#   NGINX_WORKERS (2); ONLY (all; or a comma list of artifactfs,pypiserver,nginx — nginx needs artifactfs's page);
#   BENCH_DIR scratch directory (default: a new one under ${TMPDIR:-/tmp}), KEEP=1 keeps it,
#   LOG_LEVEL for the server (default info; notice or lower: readiness is read from its "ready" line),
#   SKIP_BUILD=1 uses the existing .build/release/artifactfs instead of building it; ARTIFACTFS_BIN=PATH runs
#   another binary (not built); PYTHON_CLIENTS (the venv of scripts/python-clients.sh, which this runs first).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/Benchmarks/lib.sh"
VERSIONS="${VERSIONS:-1000}"; TAGS="${TAGS:-py3-none-any}"; PROJECT="${PROJECT:-bench-pkg}"; PIP_RUNS="${PIP_RUNS:-5}"
WRK_THREADS="${WRK_THREADS:-2}"; WRK_CONNECTIONS="${WRK_CONNECTIONS:-16}"; WRK_DURATION="${WRK_DURATION:-10s}"
WRK_WARMUP="${WRK_WARMUP:-2s}"; WRK_TIMEOUT="${WRK_TIMEOUT:-10s}"
PYPISERVER_WORKERS="${PYPISERVER_WORKERS:-2}"; PYPISERVER_THREADS="${PYPISERVER_THREADS:-4}"; PYPISERVER_HASH="${PYPISERVER_HASH:-sha256}"
PYPISERVER_GUNICORN_ARGS="${PYPISERVER_GUNICORN_ARGS:---workers $PYPISERVER_WORKERS --threads $PYPISERVER_THREADS}"
NGINX_WORKERS="${NGINX_WORKERS:-2}"; ONLY="${ONLY:-artifactfs,pypiserver,nginx}"
KEEP="${KEEP:-0}"; SKIP_BUILD="${SKIP_BUILD:-0}"; export LOG_LEVEL="${LOG_LEVEL:-info}"
BIN="${ARTIFACTFS_BIN:-$ROOT/.build/release/artifactfs}"
VENV="${PYTHON_CLIENTS:-$ROOT/.build/python-clients}"
case "$VERSIONS$PIP_RUNS$WRK_THREADS$WRK_CONNECTIONS$PYPISERVER_WORKERS$PYPISERVER_THREADS$NGINX_WORKERS" in
    *[!0-9]*) echo "VERSIONS, PIP_RUNS, WRK_THREADS, WRK_CONNECTIONS, PYPISERVER_WORKERS/THREADS and NGINX_WORKERS must be positive integers" >&2; exit 1 ;;
esac
if [ "$VERSIONS" -lt 1 ] || [ "$PIP_RUNS" -lt 1 ]; then echo "VERSIONS and PIP_RUNS must be at least 1" >&2; exit 1; fi
PIN="${PIN:-1.0.$((VERSIONS / 2))}"
want() { case ",$ONLY," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
if want nginx && ! want artifactfs; then echo "ONLY: nginx serves artifactfs's page, so it needs artifactfs too" >&2; exit 1; fi
for tool in curl python3 wrk; do command -v "$tool" >/dev/null || { echo "needs $tool (make deps)" >&2; exit 1; }; done
if want nginx; then
    NGINX="$(command -v nginx || echo /usr/sbin/nginx)"; [ -x "$NGINX" ] || { echo "needs nginx (make deps)" >&2; exit 1; }
fi
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi

if [ -n "${BENCH_DIR:-}" ]; then S="$BENCH_DIR"; mkdir -p "$S"; else S="$(mktemp -d "${TMPDIR:-/tmp}/artifactfs-bench-pypi.XXXXXX")"; fi
S="$(cd "$S" && pwd)"
PIDS=()   # servers of this run (artifactfs, pypi-server/gunicorn master, nginx master)

stop_pid() {   # stop_pid PID SIGNAL: signal, wait up to 10 s, then SIGKILL
    local pid=$1 sig=$2 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill "-$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
}
stop_all() {
    local pid
    for pid in "${PIDS[@]}"; do stop_pid "$pid" INT; done   # INT: quick shutdown for gunicorn, artifactfs and nginx alike
    PIDS=()
}
cleanup() {
    stop_all
    if [ "$KEEP" = 1 ]; then echo "kept $S"; else rm -rf "$S"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.3f", v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
goal() { awk -v v="$1" -v t="$2" 'BEGIN { if (v == "n/a") print "n/a"; else print (v >= t) ? "MET" : "NOT MET" }'; }
load() { echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"; }

# ---------------------------------------------------------------------------------------------------------
# Helper (python3, standard library): free ports, PUT uploads, checking a page and placing files where it links.
cat > "$S/pypi_bench.py" <<'PY'
import html.parser, http.client, os, re, socket, sys, zipfile
from urllib.parse import urljoin, urlsplit, unquote

def free_port(args):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()

def put(args):
    # put BASE URLPATH FILES...: PUT each file to BASE/URLPATH/<name> on one keep-alive connection; any status
    # other than 200/201/204 stops with the status and the start of the body.
    u = urlsplit(args[0]); prefix = u.path.rstrip("/") + "/" + args[1].strip("/") + "/"
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    for f in args[2:]:
        with open(f, "rb") as fh: body = fh.read()
        c.request("PUT", prefix + os.path.basename(f), body=body, headers={"Content-Type": "application/octet-stream"})
        r = c.getresponse(); text = r.read()
        if r.status not in (200, 201, 204):
            sys.exit(f"PUT {prefix}{os.path.basename(f)} answered {r.status} {r.reason}: {text[:300]!r}")

class Links(html.parser.HTMLParser):
    def __init__(self): super().__init__(); self.hrefs = []
    def handle_starttag(self, tag, attrs):
        if tag == "a": self.hrefs += [v for k, v in attrs if k == "href" and v]

def hrefs(page):
    p = Links(); p.feed(open(page, encoding="utf-8").read()); return p.hrefs

def check_page(args):
    # check-page PAGE DISTDIR: every file of DISTDIR is linked (by its last path segment); prints the link count
    page, dist = args
    names = {unquote(urlsplit(h).path.rsplit("/", 1)[-1]) for h in hrefs(page)}
    missing = sorted(set(os.listdir(dist)) - names)
    if missing: sys.exit(f"{page}: {len(missing)} of {len(os.listdir(dist))} files not linked, e.g. {missing[:3]}")
    print(len(names))

def place(args):
    # place PAGE PAGE_URLPATH DOCROOT DISTDIR: hard-links each linked file of DISTDIR to DOCROOT at the path its
    # href resolves to from PAGE_URLPATH, so a static server answers the page's links too
    page, url, root, dist = args
    for h in hrefs(page):
        path = unquote(urlsplit(urljoin(url, h)).path)
        name = path.rsplit("/", 1)[-1]; src = os.path.join(dist, name)
        if not os.path.isfile(src): continue
        dest = os.path.join(root, path.lstrip("/"))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if not os.path.exists(dest): os.link(src, dest)
        # The page announces PEP 658 metadata, so pip asks for <file>.metadata: the wheel's own METADATA bytes.
        if name.endswith(".whl") and not os.path.exists(dest + ".metadata"):
            with zipfile.ZipFile(src) as wheel:
                member = next(n for n in wheel.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
                with open(dest + ".metadata", "wb") as out: out.write(wheel.read(member))

{"free-port": free_port, "put": put, "check-page": check_page, "place": place}[sys.argv[1]](sys.argv[2:])
PY
HELPER=(python3 "$S/pypi_bench.py")

# wrk_run NAME URL: warm-up, then the measured run; sets RPS P50 P99 (ms) and prints a summary line
wrk_run() {
    local name=$1 url=$2 out="$S/wrk-$1.txt"
    wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WRK_WARMUP" --timeout "$WRK_TIMEOUT" "$url" > /dev/null
    echo "   wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION ($(load))"
    wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WRK_DURATION" --timeout "$WRK_TIMEOUT" --latency "$url" > "$out"
    RPS=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
    read -r P50 P99 < <(awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /m$/) return v * 60000; if (v ~ /s$/) return v * 1000; return v }
        $1 == "50%" { a = ms($2) } $1 == "99%" { b = ms($2) } END { printf "%.2f %.2f\n", a, b }' "$out")
    local bad; bad=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
    local errs; errs=$(grep 'Socket errors' "$out" || true)
    echo "   ${RPS} req/s, p50 ${P50} ms, p99 ${P99} ms$( [ -n "$bad" ] && echo ", WARNING: $bad non-2xx/3xx answers")$( [ -n "$errs" ] && echo ", WARNING:${errs#*:}")"
}

# pip_runs NAME INDEX_URL: PIP_RUNS timed downloads of PROJECT==PIN, each into a new directory; sets PIP_MEDIAN (s)
pip_runs() {
    local name=$1 index=$2 i t0 t1 times=() got
    echo "   pip download ${PROJECT}==${PIN}, ${PIP_RUNS} runs ($(load))"
    for ((i = 1; i <= PIP_RUNS; i++)); do
        rm -rf "$S/pip-$name"; mkdir -p "$S/pip-$name"
        t0=$(now)
        if ! "$VENV/bin/pip" download --isolated --no-cache-dir --disable-pip-version-check -q --no-deps \
                --index-url "$index" --dest "$S/pip-$name" "${PROJECT}==${PIN}" > "$S/pip-$name.log" 2>&1; then
            echo "pip download from $name failed:" >&2; cat "$S/pip-$name.log" >&2; exit 1
        fi
        t1=$(now)
        got=$(cd "$S/pip-$name" && ls)
        cmp -s "$S/pip-$name/$got" "$S/dists/$got" || { echo "pip download from $name: $got differs from the generated file" >&2; exit 1; }
        times+=("$(secs "$t0" "$t1")")
    done
    PIP_MEDIAN=$(median "${times[@]}")
    echo "   ${times[*]} s; median ${PIP_MEDIAN} s ($got)"
}

# fetch_page NAME URL: GET without an Accept header (as wrk), saved to $S/page-NAME.html; sets PAGE_BYTES PAGE_TYPE
fetch_page() {
    local code
    code=$(curl -s -H 'Accept:' -D "$S/page-$1.headers" -o "$S/page-$1.html" -w '%{http_code}' "$2") || code=000
    [ "$code" = 200 ] || { echo "GET $2 answered $code (expected 200 with the project page)" >&2; head -c 600 "$S/page-$1.html" >&2 2>/dev/null; exit 1; }
    PAGE_BYTES=$(stat -c %s "$S/page-$1.html")
    PAGE_TYPE=$(tr -d '\r' < "$S/page-$1.headers" | awk -F': ' 'tolower($1) == "content-type" { print $2 }' | tail -1)
    local links; links=$("${HELPER[@]}" check-page "$S/page-$1.html" "$S/dists")
    echo "   page: ${PAGE_BYTES} bytes, ${PAGE_TYPE:-no Content-Type}, ${links} links (all ${FILES} files)"
}

wait_http() {   # wait_http PID URL LOG: until URL answers 200, or fail with the log
    local deadline=$((SECONDS + 60))
    until curl -sf -o /dev/null "$2"; do
        if ! kill -0 "$1" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
            echo "server did not answer $2; its log:" >&2; tail -5 "$3" >&2; exit 1
        fi
        sleep 0.1
    done
}

# ---------------------------------------------------------------------------------------------------------
cd "$ROOT"
"$ROOT/scripts/python-clients.sh"
echo "== clients: $("$VENV/bin/pip" --version | cut -d' ' -f1-2), pypiserver $("$VENV/bin/pypi-server" --version 2>&1 | tail -1), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)$(want nginx && echo ", $("$NGINX" -v 2>&1 | cut -d' ' -f3)")"
if want artifactfs; then
    if [ "$SKIP_BUILD" != 1 ] && [ -z "${ARTIFACTFS_BIN:-}" ]; then
        echo "== building (release)"
        swift build -c release --product artifactfs >/dev/null
    fi
    [ -x "$BIN" ] || { echo "no $BIN (build it, or unset SKIP_BUILD)" >&2; exit 1; }
fi

IFS=, read -r -a TAG_LIST <<< "$TAGS"
FILES=$((VERSIONS * ${#TAG_LIST[@]}))
echo "== generating ${FILES} wheels of ${PROJECT} (${VERSIONS} versions x ${#TAG_LIST[@]} tags) in $S/dists"
rm -rf "$S/dists"
t0=$(now)
python3 "$ROOT/Benchmarks/make-python-dists.py" "$S/dists" --project "$PROJECT" --versions "$VERSIONS" --tags "$TAGS" --quiet
NORM=$(python3 -c 'import re, sys; print(re.sub(r"[-_.]+", "-", sys.argv[1]).lower())' "$PROJECT")
echo "   $(secs "$t0" "$(now)") s, $(du -sh "$S/dists" | cut -f1)"
[ "$(ls "$S/dists" | wc -l)" -eq "$FILES" ] || { echo "expected $FILES files in $S/dists" >&2; exit 1; }
compgen -G "$S/dists/*-${PIN}-*.whl" > /dev/null || { echo "PIN=$PIN is not one of the generated versions (1.0.0 .. 1.0.$((VERSIONS - 1)))" >&2; exit 1; }

AF_RPS=""; PS_RPS=""; NG_RPS=""; AF_PIP=""; PS_PIP=""; NG_PIP=""; AF_BYTES=""; PS_BYTES=""

# ---------------------------------------------------------------------------------------------------------
if want artifactfs; then
    echo "== artifactfs ($BIN)"
    DATA="$S/artifactfs/data"; rm -rf "$S/artifactfs"; mkdir -p "$S/artifactfs"
    t0=$(now)
    IMPORTED=0
    if env -u ARTIFACTFS_UPLOAD_TOKEN "$BIN" import --data "$DATA" --provider pypi --repo bench "$S/dists" > "$S/import.out" 2> "$S/import.log"; then
        if grep -q "${FILES} stored, 0 unchanged, 0 rejected" "$S/import.out"; then IMPORTED=1
        else echo "artifactfs import did not store all ${FILES} files:" >&2; cat "$S/import.out" >&2; exit 1; fi
        echo "   import: $(secs "$t0" "$(now)") s ($(tail -1 "$S/import.out"))"
    elif grep -q 'rejected' "$S/import.out"; then
        echo "artifactfs import rejected files:" >&2; head -20 "$S/import.out" >&2; tail -5 "$S/import.log" >&2; exit 1
    else
        echo "   import --provider pypi failed ($(head -c 300 "$S/import.log" | tr '\n' ' ')); falling back to HTTP PUT"
        rm -rf "$DATA"
    fi
    env -u ARTIFACTFS_UPLOAD_TOKEN "$BIN" serve --data "$DATA" --listen 127.0.0.1:0 --no-mount 2> "$S/artifactfs/server.log" &
    PIDS+=($!); AF_PID=$!
    wait_ready "$S/artifactfs/server.log" "$AF_PID"
    if [ "$IMPORTED" = 0 ]; then
        t0=$(now)
        "${HELPER[@]}" put "$BASE" /pypi/bench "$S"/dists/* || { echo "artifactfs: HTTP PUT of the wheels failed (see above)" >&2; exit 1; }
        echo "   PUT of ${FILES} files: $(secs "$t0" "$(now)") s"
    fi
    AF_PAGE_PATH="/pypi/bench/simple/${NORM}/"
    # The page may be published shortly after the last upload: wait up to 30 s for it to list every file.
    deadline=$((SECONDS + 30))
    until curl -sf -H 'Accept:' -o "$S/page-wait.html" "$BASE$AF_PAGE_PATH" && "${HELPER[@]}" check-page "$S/page-wait.html" "$S/dists" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || break
        sleep 0.2
    done
    fetch_page artifactfs "$BASE$AF_PAGE_PATH"; AF_BYTES=$PAGE_BYTES; AF_TYPE=$PAGE_TYPE
    wrk_run artifactfs "$BASE$AF_PAGE_PATH"; AF_RPS=$RPS; AF_P50=$P50; AF_P99=$P99
    pip_runs artifactfs "$BASE/pypi/bench/simple/"; AF_PIP=$PIP_MEDIAN
    n=$(grep -cE ' (error|critical|warning) ' "$S/artifactfs/server.log" || true)
    [ "$n" -gt 0 ] && { echo "   server log: $n warning/error lines, first ones:"; grep -E ' (error|critical|warning) ' "$S/artifactfs/server.log" | head -5 | sed 's/^/     /'; }
    stop_all
fi

# ---------------------------------------------------------------------------------------------------------
if want pypiserver; then
    echo "== pypiserver (gunicorn ${PYPISERVER_GUNICORN_ARGS}, --hash-algo ${PYPISERVER_HASH}, backend auto: cached-dir with watchdog)"
    PORT=$("${HELPER[@]}" free-port)
    mkdir -p "$S/pypiserver"
    # Its own directory as cwd, so gunicorn reads no stray gunicorn.conf.py; GUNICORN_CMD_ARGS configures it.
    (cd "$S/pypiserver" && exec env GUNICORN_CMD_ARGS="$PYPISERVER_GUNICORN_ARGS" "$VENV/bin/pypi-server" run \
        --server gunicorn -i 127.0.0.1 -p "$PORT" --hash-algo "$PYPISERVER_HASH" "$S/dists") > "$S/pypiserver/server.log" 2>&1 &
    PIDS+=($!); PS_PID=$!
    PS_URL="http://127.0.0.1:$PORT/simple/${NORM}/"
    wait_http "$PS_PID" "$PS_URL" "$S/pypiserver/server.log"
    fetch_page pypiserver "$PS_URL"; PS_BYTES=$PAGE_BYTES
    wrk_run pypiserver "$PS_URL"; PS_RPS=$RPS; PS_P50=$P50; PS_P99=$P99
    pip_runs pypiserver "http://127.0.0.1:$PORT/simple/"; PS_PIP=$PIP_MEDIAN
    stop_all
fi

# ---------------------------------------------------------------------------------------------------------
if want nginx; then
    echo "== nginx (static copy of artifactfs's page, ${NGINX_WORKERS} workers, sendfile)"
    NG="$S/nginx"; rm -rf "$NG"; mkdir -p "$NG/root" "$NG/tmp"
    PORT=$("${HELPER[@]}" free-port)
    page_file="$NG/root${AF_PAGE_PATH}index.html"
    mkdir -p "$(dirname "$page_file")"; cp "$S/page-artifactfs.html" "$page_file"
    "${HELPER[@]}" place "$S/page-artifactfs.html" "$AF_PAGE_PATH" "$NG/root" "$S/dists"
    # worker_processes: one per core of this 2-core machine (what "auto" gives here); artifactfs's event loops
    # also use every core, and wrk shares the same cores with whichever server runs. access_log off and a
    # keepalive_requests cap high enough that wrk's connections stay open, as they do with the other servers.
    # As root, workers would run as nobody and could not read the 0700 scratch directory: keep them root.
    NG_USER=""; [ "$(id -u)" = 0 ] && NG_USER="user root;"
    cat > "$NG/nginx.conf" <<EOF
${NG_USER}
worker_processes ${NGINX_WORKERS};
daemon off;
pid ${NG}/nginx.pid;
error_log ${NG}/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_requests 1000000;
    open_file_cache max=1000 inactive=60s;
    client_body_temp_path ${NG}/tmp/body;
    proxy_temp_path ${NG}/tmp/proxy;
    fastcgi_temp_path ${NG}/tmp/fastcgi;
    uwsgi_temp_path ${NG}/tmp/uwsgi;
    scgi_temp_path ${NG}/tmp/scgi;
    types { }
    default_type "${AF_TYPE:-text/html}";
    server {
        listen 127.0.0.1:${PORT};
        root ${NG}/root;
        index index.html;
    }
}
EOF
    "$NGINX" -e "$NG/error.log" -p "$NG/" -c "$NG/nginx.conf" > "$NG/stdout.log" 2>&1 &
    PIDS+=($!); NG_PID=$!
    NG_URL="http://127.0.0.1:${PORT}${AF_PAGE_PATH}"
    wait_http "$NG_PID" "$NG_URL" "$NG/error.log"
    fetch_page nginx "$NG_URL"
    cmp -s "$S/page-nginx.html" "$S/page-artifactfs.html" || { echo "nginx does not serve artifactfs's bytes" >&2; exit 1; }
    wrk_run nginx "$NG_URL"; NG_RPS=$RPS; NG_P50=$P50; NG_P99=$P99
    pip_runs nginx "http://127.0.0.1:${PORT}${AF_PAGE_PATH%"${NORM}/"}"; NG_PIP=$PIP_MEDIAN
    stop_all
fi

# ---------------------------------------------------------------------------------------------------------
echo
echo "== machine: $(nproc) cpus, kernel $(uname -r), $(load) at the end"
echo "== results: /simple/${NORM}/ with ${FILES} files (${VERSIONS} versions x ${#TAG_LIST[@]} tags), wrk -t${WRK_THREADS} -c${WRK_CONNECTIONS} -d${WRK_DURATION}, loopback"
row() { printf '%-50s %10s %10s %10s %10s %14s\n' "$@"; }
row "server" "req/s" "p50 ms" "p99 ms" "bytes" "pip download s"
want artifactfs && row "artifactfs" "$AF_RPS" "$AF_P50" "$AF_P99" "$AF_BYTES" "$AF_PIP"
want pypiserver && row "pypiserver (gunicorn ${PYPISERVER_GUNICORN_ARGS})" "$PS_RPS" "$PS_P50" "$PS_P99" "$PS_BYTES" "$PS_PIP"
want nginx && row "nginx (static page, ${NGINX_WORKERS} workers)" "$NG_RPS" "$NG_P50" "$NG_P99" "$AF_BYTES" "$NG_PIP"
echo "(pip download: median of ${PIP_RUNS} runs of ${PROJECT}==${PIN}, wall clock including pip's start-up)"
echo
if want artifactfs && want nginx; then
    r=$(ratio "$AF_RPS" "$NG_RPS"); echo "ratio req/s artifactfs/nginx      = ${r}   goal >= 0.5: $(goal "$r" 0.5)"
fi
if want artifactfs && want pypiserver; then
    echo "ratio req/s artifactfs/pypiserver = $(ratio "$AF_RPS" "$PS_RPS")"
    echo "ratio pip download pypiserver/artifactfs (time) = $(ratio "$PS_PIP" "$AF_PIP")   (>1: artifactfs faster)"
fi
