#!/usr/bin/env bash
# What adding the sdk costs a partner's build, side by side with the floor they pay anyway
# (reqwest with the sdk's features, serde, serde_json, tokio), in one run:
#   - crates in each binary's normal dependency tree;
#   - a clean debug build of each binary, each in a fresh target directory, `--rounds` times,
#     alternating which goes first.
# Both start from the workspace's Cargo.lock, so they build the versions the workspace tests.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
rounds=1
# The budget: the sdk may add at most this many crates to what a partner builds anyway.
max_extra=15
[[ "${1:-}" == "--rounds" ]] && rounds=$2
[[ "${1:-}" == "--count-only" ]] && rounds=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

crates() {
  (cd "$here/$1" && cargo tree -e normal --prefix none 2>/dev/null | sed 's/ (\*)//' | sort -u | wc -l)
}
for crate in floor partner; do
  cp "$root/Cargo.lock" "$here/$crate/Cargo.lock"
  # Drops the workspace's other packages from the copied lock, keeping every version.
  (cd "$here/$crate" && cargo metadata --format-version 1 > /dev/null)
done
floor_crates=$(crates floor)
partner_crates=$(crates partner)
extra=$((partner_crates - floor_crates))
echo "crates in the dependency tree: floor $floor_crates, partner (with the sdk) $partner_crates, difference $extra (at most $max_extra)"
if ((extra > max_extra)); then
  echo "FAIL: the sdk adds $extra crates to a partner's build, more than $max_extra"
  exit 1
fi

build() {
  local crate=$1 target="$work/target-$1-$2"
  local started=$(date +%s.%N)
  (cd "$here/$crate" && CARGO_TARGET_DIR="$target" cargo build --locked --quiet)
  echo "$(date +%s.%N) - $started" | bc
}
floor_times=() partner_times=() ratios=()
for ((round = 1; round <= rounds; round++)); do
  if ((round % 2)); then order="floor partner"; else order="partner floor"; fi
  declare -A took=()
  for crate in $order; do took[$crate]=$(build "$crate" "$round"); done
  ratio=$(printf '%.3f' "$(echo "${took[partner]} / ${took[floor]}" | bc -l)")
  floor_times+=("${took[floor]}") partner_times+=("${took[partner]}") ratios+=("$ratio")
  printf 'round %d: clean debug build: floor %.1f s, partner %.1f s, ratio %s\n' "$round" \
    "${took[floor]}" "${took[partner]}" "$ratio"
  rm -rf "$work"/target-*
done
# The median of an even count is the mean of the two middle values.
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
if ((rounds > 0)); then
  floor_median=$(median "${floor_times[@]}") partner_median=$(median "${partner_times[@]}")
  printf 'over %d rounds: median floor %.1f s, median partner %.1f s, ratio of medians %.3f; median of the round ratios %.3f (goal: at most 1.10)\n' \
    "$rounds" "$floor_median" "$partner_median" "$(echo "$partner_median / $floor_median" | bc -l)" \
    "$(median "${ratios[@]}")"
fi
