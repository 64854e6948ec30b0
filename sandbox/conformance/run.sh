#!/usr/bin/env bash
# Conformance: Schemathesis (pinned, from PyPI, in a virtualenv) against a fresh in-memory
# sandbox, with our spec, every check and every phase (examples, coverage, fuzzing, stateful).
# Exits non-zero on any failure.
#
#   sandbox/conformance/run.sh [--max-examples N] [--seed N] [-- extra `st run` options]
#
# Needs python3 (with venv) and curl. The venv, the sandbox's output and the reports go to
# $CARGO_TARGET_DIR/conformance (default target/conformance).
set -euo pipefail

SCHEMATHESIS_VERSION=4.32.5
max_examples=100
seed=20260416
extra=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --max-examples) max_examples=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --) shift; extra=("$@"); break ;;
        *) echo "unknown option: $1 (see the header of $0)" >&2; exit 2 ;;
    esac
done

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
# shellcheck source=wait_for_url.sh
. sandbox/conformance/wait_for_url.sh
target=${CARGO_TARGET_DIR:-target}
mkdir -p "$target/conformance"
# Absolute, because Schemathesis runs inside it (its caches land there, not in the repo).
work=$(cd "$target/conformance" && pwd)
venv="$work/venv"

if [[ "$("$venv/bin/st" --version 2>/dev/null)" != *"$SCHEMATHESIS_VERSION"* ]]; then
    echo "installing schemathesis $SCHEMATHESIS_VERSION into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

cargo build --locked --quiet -p theopenmoney-sandbox --bin theopenmoney-sandbox
"$target/debug/theopenmoney-sandbox" --addr 127.0.0.1:0 --db :memory: \
    >"$work/sandbox.out" 2>"$work/sandbox.err" &
sandbox_pid=$!
trap 'kill "$sandbox_pid" 2>/dev/null || true' EXIT

base_url=$(wait_for_url "$sandbox_pid" "$work/sandbox.out" "$work/sandbox.err" \
    's/^TheOpenMoney sandbox listening on //p') || { echo "the sandbox did not start" >&2; exit 1; }
echo "sandbox at $base_url"

# Seed a few orders whose payment memos Schemathesis may use for /orders/by-memo/{memo}:
# nothing in a response links to that parameter, so random memos would only ever be 404.
memos="$work/memos.dict"
: >"$memos"
for body in \
    '{"recipient_username":"pandus","quantity":100,"payment_method":"ton_memo","payment_currency":"TON"}' \
    '{"recipient_username":"pandus","months":3,"payment_method":"ton_memo","payment_currency":"TON"}'; do
    kind=stars
    [[ "$body" == *months* ]] && kind=premium
    memo=$(curl -sf -H 'Authorization: Bearer osk_sandbox_alpha' -H 'Content-Type: application/json' \
        -d "$body" "$base_url/api/v1/orders/$kind" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["payment_memo"])')
    echo "\"$memo\"" >>"$memos"
done

# The checked-in configuration names its files relative to the repository; make them absolute.
config="$work/schemathesis.toml"
sed "s#\"sandbox/conformance/#\"$repo/sandbox/conformance/#" sandbox/conformance/schemathesis.toml >"$config"
cat >>"$config" <<TOML

# Added by run.sh: the memos of the seeded orders.
[dictionaries.memos]
from-file = "$work/memos.dict"

[parameters]
"path.memo" = { dictionary = "memos", probability = 0.5 }
TOML

cd "$work"
"$venv/bin/st" --config-file "$config" run "$repo/openapi/theopenmoney.yaml" \
    --url "$base_url" \
    --checks all \
    --max-examples "$max_examples" \
    --seed "$seed" \
    --no-color \
    --report junit --report-dir "$work/report" \
    "${extra[@]}"
