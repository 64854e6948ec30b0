#!/usr/bin/env bash
# Load: requests per second and latency (p50/p99) of `GET /orders/{id}` and of a Stars create,
# for the sandbox (release build, SQLite file in WAL mode, synchronous=FULL) and, for comparison,
# for Prism's mock server on the same spec. wrk runs as a separate process over loopback; every
# run is bounded (DURATION seconds, CONNECTIONS connections, one wrk thread).
#
#   sandbox/load/run.sh            # needs wrk (apt-get install wrk) and npm (for Prism)
#
# Environment: DURATION (default 15), CONNECTIONS (default 16), PRISM_VERSION (default 5.16.0).
set -euo pipefail

DURATION=${DURATION:-15}
CONNECTIONS=${CONNECTIONS:-16}
PRISM_VERSION=${PRISM_VERSION:-5.16.0}
KEY=osk_sandbox_alpha
export KEY

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
target=${CARGO_TARGET_DIR:-target}
work="$target/load"
mkdir -p "$work"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done' EXIT

wait_for() { # URL
    for _ in $(seq 1 300); do
        curl -s -o /dev/null "$1" && return 0
        sleep 0.1
    done
    echo "nothing answers at $1" >&2
    return 1
}

bench() { # LABEL URL [wrk options...]
    local label=$1 url=$2
    shift 2
    echo "== $label"
    wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$url" | tee "$work/$label.txt"
}

# --- the sandbox ---
cargo build --locked --release --quiet -p theopenmoney-sandbox --bin theopenmoney-sandbox
rm -f "$work/load.sqlite3"*
RUST_LOG=warn "$target/release/theopenmoney-sandbox" --addr 127.0.0.1:18090 \
    --db "$work/load.sqlite3" >"$work/sandbox.out" 2>&1 &
pids+=($!)
wait_for http://127.0.0.1:18090/api/v1/health
id=$(curl -sf -X POST http://127.0.0.1:18090/api/v1/orders/stars \
    -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
    -d '{"recipient_username":"pandus","quantity":100,"payment_method":"ton_memo","payment_currency":"TON"}' |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["id"])')
bench sandbox-get "http://127.0.0.1:18090/api/v1/orders/$id" -H "Authorization: Bearer $KEY"
bench sandbox-create http://127.0.0.1:18090 -s sandbox/load/create.lua
orders=$(sqlite3 "$work/load.sqlite3" 'SELECT COUNT(*) FROM orders' 2>/dev/null || echo "?")
echo "orders in the database after the create run: $orders"

# --- Prism (static mock of the same spec) ---
prism="$work/prism/node_modules/.bin/prism"
if [[ ! -x "$prism" ]]; then
    npm install --prefix "$work/prism" --no-audit --no-fund --silent "@stoplight/prism-cli@$PRISM_VERSION"
fi
"$prism" mock -h 127.0.0.1 -p 18091 openapi/theopenmoney.yaml >"$work/prism.out" 2>&1 &
pids+=($!)
wait_for http://127.0.0.1:18091/api/v1/health
bench prism-get http://127.0.0.1:18091/api/v1/orders/10421 -H "Authorization: Bearer $KEY"
bench prism-create http://127.0.0.1:18091 -s sandbox/load/create.lua

echo
printf '%-16s %12s %10s %10s\n' run requests/s p50 p99
for label in sandbox-get sandbox-create prism-get prism-create; do
    file="$work/$label.txt"
    printf '%-16s %12s %10s %10s\n' "$label" \
        "$(awk '/^Requests\/sec/ {print $2}' "$file")" \
        "$(awk '$1 == "50%" {print $2}' "$file")" \
        "$(awk '$1 == "99%" {print $2}' "$file")"
done
