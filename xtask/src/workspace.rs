//! Where things live in the workspace, relative to its root.

use std::path::{Path, PathBuf};

/// The checked-in OpenAPI spec, the single source of truth.
pub const SPEC: &str = "openapi/theopenmoney.yaml";
/// The progenitor client inside the sdk crate.
pub const SDK_GENERATED: &str = "sdk/src/generated.rs";
/// The sdk's partner-facing methods, inputs, streams and waiters.
pub const SDK_API_GENERATED: &str = "sdk/src/generated_api.rs";
/// The typed httpmock helpers of `theopenmoney-mock`, which partners and the contract suite use.
pub const MOCKS_GENERATED: &str = "mock/src/generated.rs";
/// The spec as the sandbox embeds and serves it at `/openapi.yaml`: a published crate cannot
/// include a file outside its own directory, so codegen keeps a headed copy there.
pub const SANDBOX_SPEC_COPY: &str = "sandbox/assets/openapi.yaml";
/// The `theopenmoney` command line's commands and their dispatch.
pub const CLI_GENERATED: &str = "cli/src/generated.rs";

/// The workspace root: the parent of this crate's manifest directory. `cargo run` and
/// `cargo test` set `CARGO_MANIFEST_DIR` at run time too; that value wins, so a binary built
/// from one checkout and run in a copy of it (sharing a target directory) works on the copy.
pub fn root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
