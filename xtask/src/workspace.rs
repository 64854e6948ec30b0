//! Where things live in the workspace, relative to its root.

use std::path::{Path, PathBuf};

/// The checked-in OpenAPI spec, the single source of truth.
pub const SPEC: &str = "openapi/theopenmoney.yaml";
/// The progenitor client inside the sdk crate.
pub const SDK_GENERATED: &str = "sdk/src/generated.rs";
/// The typed httpmock helpers used by the contract suite.
pub const MOCKS_GENERATED: &str = "contract-tests/src/generated_mocks.rs";

/// The workspace root: the parent of this crate's manifest directory.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
