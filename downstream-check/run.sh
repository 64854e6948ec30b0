#!/usr/bin/env bash
# Builds and tests downstream-check as a partner's crate would be: its own lock file, the sdk by
# path with default features. Fails if the sdk leaks serde_json's `arbitrary_precision`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# The workspace's target dir: the same profile and lock versions let it reuse those builds.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/../target}"
cargo fmt --check --manifest-path "$here/Cargo.toml"
cargo test --locked --manifest-path "$here/Cargo.toml"
