#!/usr/bin/env bash
# Instructions per call of the sdk and of a hand-written reqwest client, for a GET and a create,
# counted by callgrind over the whole process (client, loopback server, runtime). Each client is
# counted at two call counts and the difference taken, so start-up cancels out.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo bench --locked -p theopenmoney --bench instructions --no-run 2>/dev/null
binary=$(cargo bench --locked -p theopenmoney --bench instructions --no-run --message-format json 2>/dev/null \
  | python3 -c 'import json,sys; print([m["executable"] for m in map(json.loads, sys.stdin) if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == "instructions"][0])')
small=${SMALL:-200} large=${LARGE:-1200}
count() {
  local out
  out=$(mktemp)
  valgrind --tool=callgrind --callgrind-out-file="$out" "$binary" "$1" "$2" >/dev/null 2>&1
  callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'
  rm -f "$out"
}
per_call() {
  local a b
  a=$(count "$1" "$small")
  b=$(count "$1" "$large")
  echo $(((b - a) / (large - small)))
}
printf '%-8s %14s %14s %8s\n' call sdk hand-written "sdk/hand"
for call in get create; do
  sdk=$(per_call "sdk-$call")
  raw=$(per_call "raw-$call")
  printf '%-8s %14d %14d %8.3f\n' "$call" "$sdk" "$raw" "$(echo "$sdk / $raw" | bc -l)"
done
