#!/usr/bin/env bash
# The contract suite and Schemathesis side by side, on the same servers: a clean sandbox, the
# ones that must pass (additions, reworded messages, respelled JSON, slow answers) and the broken servers of
# tests/broken_server.rs, each a fresh in-memory sandbox behind the suite's rewriting proxy
# (`cargo run -p contract-tests --example broken_server -- <server>`), which counts the requests
# it is sent. On each server, the live suite runs first, then Schemathesis (pinned, in the venv
# sandbox/conformance/run.sh installs, with its configuration, hooks and seeded memos); for
# each tool: caught or passed, what failed, requests sent, wall time.
#
#   contract-tests/compare/run.sh [--max-examples N] [--seed N] [server ...]
#
# Needs python3 (with venv) and curl. Writes $CARGO_TARGET_DIR/contract-compare (default
# target/): compare.md (the table) and each tool's reports per server.
set -euo pipefail

max_examples=100
seed=20260416
servers=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --max-examples) max_examples=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        -*) echo "unknown option: $1 (see the header of $0)" >&2; exit 2 ;;
        *) servers+=("$1"); shift ;;
    esac
done
if [[ ${#servers[@]} -eq 0 ]]; then
    servers=(clean additions reword respell slow title-case-headers drop-error-code non-null-data-on-error
        strip-retry-after not-found-becomes-400 forget-idempotency-key serve-as-beta price-as-string
        ignore-offset ignore-limit total-off-by-one ignore-filters stats-disagree omit-replayed
        replayed-on-first replayed-yes expires-before-created)
fi

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
# shellcheck source=../../sandbox/conformance/wait_for_url.sh
. sandbox/conformance/wait_for_url.sh
target=${CARGO_TARGET_DIR:-target}
mkdir -p "$target/contract-compare" "$target/conformance"
work=$(cd "$target/contract-compare" && pwd)
conformance=$(cd "$target/conformance" && pwd)

# The same Schemathesis, in the same venv, as sandbox/conformance/run.sh.
version=$(sed -n 's/^SCHEMATHESIS_VERSION=//p' sandbox/conformance/run.sh)
venv="$conformance/venv"
if [[ "$("$venv/bin/st" --version 2>/dev/null)" != *"$version"* ]]; then
    echo "installing schemathesis $version into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
fi

cargo build --locked --quiet -p contract-tests --example broken_server --bin contract-suite
bin=$(cd "$target/debug" && pwd)

now() { date +%s.%N; }
seconds() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }
count() { curl -sf "$1/_contract/requests" | python3 -c 'import json, sys; print(json.load(sys.stdin)["requests"])'; }
# The failed testcases of the suite's junit.xml, or "passed".
suite_failures() {
    python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError) as e:
    print(f"no report ({e.__class__.__name__})"); sys.exit()
names = [case.get("name") for case in root.iter("testcase") if case.find("failure") is not None]
print(", ".join(f"`{n}`" for n in names) or "passed")
PY
}
# The failures Schemathesis lists in its summary (check and count), or "passed".
st_failures() {
    python3 - "$1" <<'PY'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
found, inside = [], False
for line in lines:
    if line.strip() == "Failures:":
        inside = True
    elif inside and not line.strip():
        break
    elif inside:
        m = re.match(r"\s*\S+\s+(.*):\s*(\d+)$", line)
        found.append(f"{m.group(1)} ({m.group(2)})" if m else line.strip())
print(", ".join(found) or "passed")
PY
}

server_pid=
stop_server() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=
    fi
}
trap stop_server EXIT

table="$work/compare.md"
{
    echo "| server | contract suite | requests | wall | Schemathesis $version | requests | wall |"
    echo "|---|---|---|---|---|---|---|"
} >"$table"

for server in "${servers[@]}"; do
    out="$work/$server"
    rm -rf "$out"
    mkdir -p "$out"
    "$bin/examples/broken_server" "$server" >"$out/server.out" 2>"$out/server.err" &
    server_pid=$!
    url=$(wait_for_url "$server_pid" "$out/server.out" "$out/server.err" \
        's/^broken server `.*` listening on //p') || { echo "the server $server did not start" >&2; exit 1; }
    echo "== $server at $url"

    # The contract suite: the same harness as `cargo xtask contract`, already built.
    before=$(count "$url")
    start=$(now)
    suite_status=0
    CONTRACT_BASE_URL=$url CONTRACT_API_KEY=osk_sandbox_alpha CONTRACT_API_KEY_2=osk_sandbox_beta \
        CONTRACT_RATE_LIMIT_API_KEY=osk_sandbox_throttled CONTRACT_SEED=$seed \
        CONTRACT_REPORT_DIR="$out/suite" CARGO_TARGET_DIR="$out/suite" \
        "$bin/contract-suite" >"$out/suite.out" 2>&1 || suite_status=$?
    suite_wall=$(seconds "$start" "$(now)")
    suite_requests=$(($(count "$url") - before))
    suite_result=$(suite_failures "$out/suite/junit.xml")
    [[ $suite_status -ne 0 && "$suite_result" == passed ]] && suite_result="failed (see $out/suite.out)"

    # Schemathesis, as sandbox/conformance/run.sh runs it, with memos of two seeded orders.
    : >"$out/memos.dict"
    for body in \
        '{"recipient_username":"pandus","quantity":100,"payment_method":"ton_memo","payment_currency":"TON"}' \
        '{"recipient_username":"pandus","months":3,"payment_method":"ton_memo","payment_currency":"TON"}'; do
        kind=stars
        [[ "$body" == *months* ]] && kind=premium
        curl -sf -H 'Authorization: Bearer osk_sandbox_alpha' -H 'Content-Type: application/json' \
            -H "Idempotency-Key: compare-$kind-$RANDOM$RANDOM" -d "$body" "$url/api/v1/orders/$kind" |
            python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["data"]["payment_memo"]))' \
                >>"$out/memos.dict"
    done
    sed "s#\"sandbox/conformance/#\"$repo/sandbox/conformance/#" sandbox/conformance/schemathesis.toml \
        >"$out/schemathesis.toml"
    cat >>"$out/schemathesis.toml" <<TOML

[dictionaries.memos]
from-file = "$out/memos.dict"

[parameters]
"path.memo" = { dictionary = "memos", probability = 0.5 }
TOML
    before=$(count "$url")
    start=$(now)
    st_status=0
    (cd "$out" && "$venv/bin/st" --config-file "$out/schemathesis.toml" run \
        "$repo/openapi/theopenmoney.yaml" --url "$url" --checks all \
        --max-examples "$max_examples" --seed "$seed" --no-color \
        --report junit --report-dir "$out/schemathesis") >"$out/schemathesis.out" 2>&1 || st_status=$?
    st_wall=$(seconds "$start" "$(now)")
    st_requests=$(($(count "$url") - before))
    st_result=$(st_failures "$out/schemathesis.out")
    [[ $st_status -ne 0 && "$st_result" == passed ]] && st_result="failed (see $out/schemathesis.out)"

    stop_server
    suite_cell=passed
    [[ $suite_status -ne 0 ]] && suite_cell="**caught**: $suite_result"
    st_cell=passed
    [[ $st_status -ne 0 ]] && st_cell="**caught**: $st_result"
    echo "| \`$server\` | $suite_cell | $suite_requests | ${suite_wall} s | $st_cell | $st_requests | ${st_wall} s |" |
        tee -a "$table"
done

echo
cat "$table"
echo
echo "table written to $table"
