#!/usr/bin/env bash
# A throwaway one-node Ceph cluster (mon, memstore osd, RADOS Gateway) on loopback, all of it under one directory.
#
#   radosgw.sh start DIR [--owner PID]   build and start it, create an S3 user, wait until S3 answers, write DIR/env
#   radosgw.sh stop DIR                  stop rgw, osd, mon (TERM, then KILL after a timeout); removes nothing
#   radosgw.sh stop-rgw DIR              stop only radosgw
#   radosgw.sh start-rgw DIR             start radosgw again on the same port and wait until S3 answers
#   radosgw.sh status DIR                the daemons' pids and RSS, and DIR/env
#
# DIR/env (also printed by start and start-rgw):
#   S3_URL=http://ACCESS:SECRET@127.0.0.1:PORT/   S3_ENDPOINT=http://127.0.0.1:PORT
#   S3_ACCESS_KEY=…   S3_SECRET_KEY=…   S3_REGION=us-east-1
# With --owner PID a detached watchdog stops the cluster and deletes DIR once PID has exited.
# Environment: RADOSGW_MEMSTORE_BYTES (the OSD's capacity, default 4 GiB, held in RAM only as far as used),
# RADOSGW_TIMEOUT (seconds to wait for each step, default 90).
set -euo pipefail

# A caller's blocked or ignored signals are inherited across exec: a Swift test process, for one, blocks SIGTERM,
# and daemons started with it blocked never stop on TERM. Run again with a clean signal mask and default handlers.
if [ -z "${RADOSGW_SH_CLEAN_SIGNALS:-}" ]; then
    export RADOSGW_SH_CLEAN_SIGNALS=1
    exec python3 -c '
import os, signal, sys
signal.pthread_sigmask(signal.SIG_SETMASK, [])
for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGPIPE, signal.SIGCHLD, signal.SIGALRM):
    signal.signal(s, signal.SIG_DFL)
os.execv("/bin/bash", ["bash"] + sys.argv[1:])
' "${BASH_SOURCE[0]}" "$@"
fi

# Inherited descriptors other than stdio must not reach the daemons: a caller waiting for EOF on one (Foundation's
# Process watches a socket its child inherits) would otherwise wait for the whole cluster to exit.
for fd in $(ls /proc/$$/fd); do
    if [ "$fd" -gt 2 ] && [ "$fd" -ne 255 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
done
unset fd

SELF=$(readlink -f "${BASH_SOURCE[0]}")
TIMEOUT=${RADOSGW_TIMEOUT:-90}
DAEMONS=(rgw osd mon)   # stop order

die() { echo "radosgw.sh: $*" >&2; exit 1; }
log() { echo "radosgw.sh: $*" >&2; }
now() { date +%s.%N; }

usage() {
    sed -n '2,16p' "$SELF" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# Paths of one cluster directory.
setup_paths() {
    DIR=$1
    CONF=$DIR/ceph.conf
    RUN=$DIR/run
    LOGS=$DIR/log
    KEYS=$DIR/keyring
}

alive() {   # pid: running and not a zombie (a reparented daemon's zombie can linger until init reaps it)
    local state
    state=$( { awk '{print $3}' "/proc/$1/stat"; } 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

pid_of() {   # the live pid of a daemon (rgw|osd|mon), or nothing
    local file=$RUN/$1.pid pid
    [ -s "$file" ] || return 0
    pid=$(tr -dc 0-9 < "$file")
    [ -n "$pid" ] && alive "$pid" && echo "$pid"
    return 0
}

# Processes still running with this cluster's config file on their command line (forks whose pid files were not
# written yet, or a daemon started by a `start` that was killed midway). $1: the program name (argv[0]'s basename).
stragglers() {
    local want=${1:-} proc cmdline
    for proc in /proc/[0-9]*; do
        cmdline=$( { tr '\0' ' ' < "$proc/cmdline"; } 2>/dev/null) || continue
        case " $cmdline " in *" $CONF "*) ;; *) continue ;; esac
        if [ -n "$want" ]; then local first=${cmdline%% *}; [ "${first##*/}" = "$want" ] || continue; fi
        alive "${proc#/proc/}" && echo "${proc#/proc/}"
    done
}

stop_pids() {   # seconds, pids: TERM the pids, wait that long, then KILL
    local grace=$1; shift
    local pids=("$@") pid deadline alive
    [ "${#pids[@]}" -gt 0 ] || return 0
    kill -TERM "${pids[@]}" 2>/dev/null || true
    deadline=$((SECONDS + grace))
    while :; do
        alive=()
        for pid in "${pids[@]}"; do alive "$pid" && alive+=("$pid"); done
        [ "${#alive[@]}" -eq 0 ] && return 0
        if [ "$SECONDS" -ge "$deadline" ]; then
            for pid in "${alive[@]}"; do
                log "killing $pid ($( { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null)), no exit ${grace} s after TERM"
            done
            kill -KILL "${alive[@]}" 2>/dev/null || true
            sleep 0.2
            return 0
        fi
        sleep 0.1
    done
}

daemon_pids() {   # rgw|osd|mon: the pid from its pid file and any straggler of the same program
    local which=$1 pid binary pids=()
    case $which in rgw) binary=radosgw ;; osd) binary=ceph-osd ;; mon) binary=ceph-mon ;; esac
    pid=$(pid_of "$which")
    [ -n "$pid" ] && pids+=("$pid")
    for pid in $(stragglers "$binary"); do
        [[ " ${pids[*]} " == *" $pid "* ]] || pids+=("$pid")
    done
    echo "${pids[*]}"
}

stop_daemon() {   # rgw|osd|mon
    # shellcheck disable=SC2046
    stop_pids 3 $(daemon_pids "$1")
    rm -f "$RUN/$1.pid"
}

# rgw and osd at once, then mon (an OSD tells the mon it is going and waits for the answer).
stop_cluster() {
    local which pids=()
    for which in rgw osd; do
        # shellcheck disable=SC2207
        pids+=($(daemon_pids "$which"))
    done
    stop_pids 3 "${pids[@]}"
    stop_daemon mon
    rm -f "$RUN/rgw.pid" "$RUN/osd.pid"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

ceph_cli() { timeout "$TIMEOUT" ceph -c "$CONF" --connect-timeout 30 "$@"; }

log_tail() {
    local file
    for file in "$LOGS"/*.log "$LOGS"/*.out; do
        [ -s "$file" ] || continue
        echo "--- last lines of $file" >&2
        tail -n 15 "$file" >&2
    done
}

env_lines() { cat "$DIR/env"; }

# Waits until rgw answers an unsigned request with an S3 XML document, then until a signed ListBuckets works.
wait_for_s3() {
    local port=$1 deadline=$((SECONDS + TIMEOUT)) body
    while :; do
        body=$(curl -s --max-time 2 "http://127.0.0.1:$port/" 2>/dev/null || true)
        [[ $body == *"<?xml"* ]] && break
        [ -n "$(pid_of rgw)" ] || { sleep 0.5; [ -n "$(pid_of rgw)" ] || die "radosgw exited before answering"; }
        [ "$SECONDS" -lt "$deadline" ] || die "radosgw did not answer on port $port within ${TIMEOUT}s"
        sleep 0.2
    done
    if [ -s "$DIR/env" ]; then
        # shellcheck disable=SC1091
        . "$DIR/env"
        while ! curl -sf --max-time 5 --aws-sigv4 "aws:amz:$S3_REGION:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" \
                -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$S3_ENDPOINT/" -o /dev/null; do
            [ "$SECONDS" -lt "$deadline" ] || die "signed ListBuckets did not succeed within ${TIMEOUT}s"
            sleep 0.2
        done
    fi
}

launch() {   # name, then the daemon's command line; the daemon forks and writes RUN/name.pid itself
    local name=$1; shift
    setsid "$@" </dev/null >>"$LOGS/$name.out" 2>&1
}

start_rgw_daemon() {
    launch rgw radosgw -c "$CONF" -n client.rgw.gw
    local deadline=$((SECONDS + 30))
    until [ -n "$(pid_of rgw)" ]; do
        [ "$SECONDS" -lt "$deadline" ] || die "radosgw wrote no pid file"
        sleep 0.1
    done
}

proc_start() {   # pid: its start time (to tell a reused pid apart), or nothing once it has exited or is a zombie
    local stat rest
    stat=$( { cat "/proc/$1/stat"; } 2>/dev/null) || return 0
    rest=${stat##*) }   # the fields after "(comm)", which may itself hold spaces or parentheses
    set -- $rest
    [ "$1" != Z ] && [ "$1" != X ] && echo "${20}"
    return 0
}

# The watchdog: a detached loop that stops the cluster and deletes DIR once the owner has exited.
start_watchdog() {
    local owner=$1 started
    started=$(proc_start "$owner")
    [ -n "$started" ] || die "--owner $owner: no such process"
    setsid bash -c '
        self=$1 dir=$2 owner=$3 started=$4
        . <(sed -n "/^proc_start()/,/^}/p" "$self")
        trap "" HUP INT
        while [ -d "$dir" ] && [ "$(proc_start "$owner")" = "$started" ]; do sleep 0.5; done
        [ -d "$dir" ] || exit 0
        if [ -s "$dir/run/start.pid" ]; then kill -TERM "$(cat "$dir/run/start.pid")" 2>/dev/null; sleep 0.3; fi
        "$self" stop "$dir"
        sleep 1
        "$self" stop "$dir"   # anything a killed `start` launched after the first pass
        rm -rf "$dir"
    ' radosgw-watchdog "$SELF" "$DIR" "$owner" "$started" </dev/null >/dev/null 2>&1 &
    echo $! > "$RUN/watchdog.pid"
}

write_config() {
    local fsid=$1 mon_port=$2 rgw_port=$3 bytes=${RADOSGW_MEMSTORE_BYTES:-4294967296}
    cat > "$CONF" <<EOF
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$mon_port]
public network = 127.0.0.0/8
ms bind ipv6 = false
ms bind msgr1 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
auth allow insecure global id reclaim = false
run dir = $RUN
admin socket = $RUN/\$name.asok
log file = $LOGS/\$name.log
log to stderr = false
err to stderr = true
mon cluster log file = $LOGS/cluster.log
crash dir = $DIR/crash
keyring = $KEYS/\$name.keyring
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
osd pool default pg num = ${RADOSGW_PG_NUM:-8}
osd pool default pgp num = ${RADOSGW_PG_NUM:-8}
osd pool default pg autoscale mode = off
mon max pg per osd = 1000
osd crush chooseleaf type = 0
mon warn on pool no redundancy = false

[client]
admin socket =
log file =

[mon]
mon data = $DIR/mon
pid file = $RUN/mon.pid
keyring = $DIR/mon/keyring

[osd]
osd data = $DIR/osd
osd objectstore = memstore
memstore device bytes = $bytes
pid file = $RUN/osd.pid
osd crush update on start = true

[client.rgw.gw]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
rgw data = $DIR/rgw
rgw enable lc threads = false
# Deleted objects' data is freed by RGW's garbage collection, by default two hours later; the memstore OSD
# holds it in RAM until then. Collect at once, so tests and benchmarks that delete do not fill the OSD.
rgw gc obj min wait = 0
rgw gc processor period = 2
pid file = $RUN/rgw.pid
admin socket = $RUN/rgw.asok
log file = $LOGS/rgw.log
EOF
}

cmd_start() {
    local owner=
    [ $# -ge 1 ] || usage
    local dir=$1; shift
    while [ $# -gt 0 ]; do
        case $1 in
            --owner) [ $# -ge 2 ] || usage; owner=$2; shift 2 ;;
            *) usage ;;
        esac
    done
    command -v radosgw >/dev/null && command -v ceph-mon >/dev/null && command -v ceph-osd >/dev/null \
        || die "radosgw is not installed: run scripts/install-deps.sh (make test does)"
    mkdir -p "$dir"
    setup_paths "$(readlink -f "$dir")"
    local which
    for which in "${DAEMONS[@]}"; do
        [ -z "$(pid_of "$which")" ] || die "$DIR already holds a running cluster ($which is pid $(pid_of "$which")): stop it first"
    done
    [ ! -e "$CONF" ] || die "$DIR already holds a cluster (stopped): use an empty or new directory"
    local t0; t0=$(now)
    mkdir -p "$RUN" "$LOGS" "$KEYS" "$DIR/mon" "$DIR/osd" "$DIR/rgw" "$DIR/crash"
    echo $$ > "$RUN/start.pid"
    [ -z "$owner" ] || start_watchdog "$owner"
    trap 'status=$?; if [ $status -ne 0 ]; then log "start failed"; log_tail; stop_cluster; fi; rm -f "$RUN/start.pid"' EXIT

    local fsid mon_port rgw_port osd_uuid
    fsid=$(cat /proc/sys/kernel/random/uuid)
    osd_uuid=$(cat /proc/sys/kernel/random/uuid)
    mon_port=$(free_port)
    rgw_port=$(free_port)
    while [ "$rgw_port" = "$mon_port" ]; do rgw_port=$(free_port); done
    write_config "$fsid" "$mon_port" "$rgw_port"

    # Keys: mon. and every client go into the mon's initial keyring, which `ceph-mon --mkfs` imports with their caps.
    local monkeys=$KEYS/mon-initial.keyring
    ceph-authtool --create-keyring --gen-key -n mon. --cap mon 'allow *' "$monkeys" >/dev/null
    ceph-authtool --create-keyring --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' \
        --cap mds 'allow *' --cap mgr 'allow *' "$KEYS/client.admin.keyring" >/dev/null
    ceph-authtool --create-keyring --gen-key -n osd.0 --cap mon 'allow profile osd' --cap osd 'allow *' \
        --cap mgr 'allow profile osd' "$KEYS/osd.0.keyring" >/dev/null
    ceph-authtool --create-keyring --gen-key -n client.rgw.gw --cap mon 'allow rw' --cap osd 'allow rwx' \
        --cap mgr 'allow rw' "$KEYS/client.rgw.gw.keyring" >/dev/null
    for which in client.admin osd.0 client.rgw.gw; do
        ceph-authtool "$monkeys" --import-keyring "$KEYS/$which.keyring" >/dev/null
    done

    monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$DIR/monmap" >/dev/null
    ceph-mon -c "$CONF" -i a --mkfs --monmap "$DIR/monmap" --keyring "$monkeys" >>"$LOGS/mon.out" 2>&1
    launch mon ceph-mon -c "$CONF" -i a

    ceph_cli osd new "$osd_uuid" 0 >/dev/null
    ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$osd_uuid" >>"$LOGS/osd.out" 2>&1
    launch osd ceph-osd -c "$CONF" -i 0
    # No wait for the OSD to be up: radosgw's first start waits for it while creating its pools.

    start_rgw_daemon
    wait_for_s3 "$rgw_port"
    local t_rgw; t_rgw=$(now)

    local access secret
    access=$(python3 -c 'import secrets,string; print("".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(20)))')
    secret=$(python3 -c 'import secrets,string; print("".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(40)))')
    timeout "$TIMEOUT" radosgw-admin -c "$CONF" -n client.admin user create --uid=artifactfs-test \
        --display-name="artifactfs tests" --access-key="$access" --secret-key="$secret" >/dev/null 2>>"$LOGS/radosgw-admin.out"
    cat > "$DIR/env.tmp" <<EOF
S3_URL=http://$access:$secret@127.0.0.1:$rgw_port/
S3_ENDPOINT=http://127.0.0.1:$rgw_port
S3_ACCESS_KEY=$access
S3_SECRET_KEY=$secret
S3_REGION=us-east-1
EOF
    mv "$DIR/env.tmp" "$DIR/env"
    wait_for_s3 "$rgw_port"
    local t_end; t_end=$(now)
    log "$(python3 -c "import sys; a,c,d=map(float,sys.argv[1:]); print(f'ready in {d-a:.1f}s (rgw answering after {c-a:.1f}s)')" "$t0" "$t_rgw" "$t_end")"
    env_lines
}

cmd_stop() {
    [ $# -eq 1 ] || usage
    [ -d "$1" ] || die "$1: no such directory"
    setup_paths "$(readlink -f "$1")"
    stop_cluster
}

cmd_stop_rgw() {
    [ $# -eq 1 ] || usage
    [ -d "$1" ] || die "$1: no such directory"
    setup_paths "$(readlink -f "$1")"
    stop_daemon rgw
}

cmd_start_rgw() {
    [ $# -eq 1 ] || usage
    [ -s "$1/env" ] || die "$1 holds no started cluster (no env file)"
    setup_paths "$(readlink -f "$1")"
    [ -n "$(pid_of mon)" ] && [ -n "$(pid_of osd)" ] || die "$DIR: mon or osd is not running"
    [ -z "$(pid_of rgw)" ] || die "radosgw is already running (pid $(pid_of rgw))"
    trap 'status=$?; if [ $status -ne 0 ]; then log "start-rgw failed"; log_tail; fi' EXIT
    start_rgw_daemon
    # shellcheck disable=SC1091
    . "$DIR/env"
    wait_for_s3 "${S3_ENDPOINT##*:}"
    env_lines
}

cmd_status() {
    [ $# -eq 1 ] || usage
    setup_paths "$(readlink -f "$1")"
    local which pid rss total=0
    for which in mon osd rgw; do
        pid=$(pid_of "$which")
        if [ -n "$pid" ]; then
            rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
            total=$((total + rss))
            echo "$which pid $pid rss $((rss / 1024)) MB"
        else
            echo "$which not running"
        fi
    done
    echo "total rss $((total / 1024)) MB"
    [ ! -s "$DIR/env" ] || env_lines
}

[ $# -ge 1 ] || usage
command=$1; shift
case $command in
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    stop-rgw) cmd_stop_rgw "$@" ;;
    start-rgw) cmd_start_rgw "$@" ;;
    status) cmd_status "$@" ;;
    *) usage ;;
esac
