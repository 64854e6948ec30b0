# Sourced by the conformance and comparison scripts.
# wait_for_url PID OUT ERR SED_EXPR: the URL a server started as PID prints on OUT (picked out
# by SED_EXPR), waiting up to 10 s; fails with the server's ERR when it exits first.
wait_for_url() {
    local pid=$1 out=$2 err=$3 pick=$4 url=
    for _ in $(seq 1 100); do
        url=$(sed -n "$pick" "$out")
        [[ -n "$url" ]] && { printf '%s\n' "$url"; return 0; }
        kill -0 "$pid" 2>/dev/null || { cat "$err" >&2; return 1; }
        sleep 0.1
    done
    return 1
}
