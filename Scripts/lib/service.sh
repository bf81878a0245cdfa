# service.sh — what the scripts that run a local server share (sourced, not run). Each script sets:
#   service   a name for messages, e.g. "Phoenix"
#   pidfile   where the process id is kept
#   log       the server's log
# and defines `healthy` (returns 0 once the server answers).

# Prints the pid in $pidfile when that process is alive; returns 1 otherwise.
running_pid() {
    [[ -f "$pidfile" ]] || return 1
    local pid
    pid="$(cat "$pidfile")"
    kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid"
}

# Stops the server this script started. With `group`, the whole process group (servers that fork workers and
# were started with setsid).
stop_service() {
    local pid
    if pid="$(running_pid)"; then
        if [[ "${1:-}" == "group" ]]; then kill -- "-$pid" 2>/dev/null || kill "$pid"; else kill "$pid"; fi
        # Wait (up to 10 s) for it to exit, so that a start right after a stop does not find the old server healthy.
        for _ in $(seq 1 40); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.25
        done
        rm -f "$pidfile"
        echo "stopped $service (pid $pid)"
    else
        echo "$service is not running (no live pid in $pidfile)"
    fi
}

# Waits up to 120 s for `healthy`, printing $1 (the URL) once it is; fails early, with the log's tail, when the
# process exits.
await_healthy() {
    local url="$1"
    for _ in $(seq 1 240); do
        if healthy; then
            echo "$url"
            return 0
        fi
        if ! running_pid >/dev/null; then
            echo "$service exited during start-up; last lines of $log:" >&2
            tail -n 30 "$log" >&2
            return 1
        fi
        sleep 0.5
    done
    echo "$service did not answer $url within 120 s; see $log" >&2
    return 1
}
