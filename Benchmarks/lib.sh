# Shell functions the benchmark scripts share; sourced, not run.

# wait_ready LOG PID: waits (at most 60 s) for the `ready` line artifactfs logs once it serves; sets BASE
# to the URL it listens on (no trailing slash). Exits with the log when the server dies or never gets ready.
wait_ready() {
    local log="$1" pid="$2" deadline=$((SECONDS + 60))
    until grep -q ' ready' "$log" 2>/dev/null; do
        if ! kill -0 "$pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
            echo "artifactfs did not become ready; its log:" >&2; cat "$log" >&2; exit 1
        fi
        sleep 0.1
    done
    BASE=$(grep -o 'http\.url=[^ ]*' "$log" | head -1 | cut -d= -f2); BASE="${BASE%/}"
}
