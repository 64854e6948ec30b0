//! The sdk's rustdoc JSON, from the stable toolchain.
//!
//! `--output-format json` is still unstable in rustdoc, so the build runs with
//! `RUSTC_BOOTSTRAP=1`. It gets its own target directory: that variable changes the fingerprints
//! of crates whose build scripts watch it (proc-macro2, thiserror, …), and sharing `target/`
//! would rebuild them, and everything above them, for every other build.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};
use public_api::rustdoc_types::FORMAT_VERSION;

/// Runs `cargo rustdoc` on `package`'s library with `features` on top of its defaults and
/// returns the JSON file it wrote.
pub fn build(root: &Path, package: &str, features: &[&str]) -> Result<PathBuf> {
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("public-api");
    let json = target_dir
        .join("doc")
        .join(format!("{}.json", package.replace('-', "_")));
    // A file left by an earlier run must never pass for this one's.
    match std::fs::remove_file(&json) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(e).with_context(|| format!("cannot remove {}", json.display()));
        }
        _ => {}
    }

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .env("RUSTC_BOOTSTRAP", "1")
        .args([
            "rustdoc",
            "--locked",
            "--quiet",
            "--lib",
            "--package",
            package,
        ])
        .arg("--target-dir")
        .arg(&target_dir);
    if !features.is_empty() {
        command.args(["--features", &features.join(",")]);
    }
    command.args(["--", "-Z", "unstable-options", "--output-format", "json"]);
    let status = command
        .status()
        .with_context(|| format!("running `cargo rustdoc -p {package}`"))?;
    if !status.success() {
        bail!("`cargo rustdoc -p {package}` (JSON output) failed ({status})");
    }
    let text = std::fs::read_to_string(&json)
        .with_context(|| format!("rustdoc wrote no {}", json.display()))?;
    check_format_version(&text)?;
    Ok(json)
}

/// Fails unless the rustdoc JSON is in the format the pinned `public-api` crate reads: each
/// of its releases reads exactly one, and reading another one fails or, worse, misreads.
pub fn check_format_version(rustdoc_json: &str) -> Result<()> {
    #[derive(serde::Deserialize)]
    struct Header {
        format_version: u32,
    }
    let found = serde_json::from_str::<Header>(rustdoc_json)
        .context("rustdoc JSON without a `format_version`")?
        .format_version;
    if found != FORMAT_VERSION {
        bail!(
            "this toolchain's rustdoc writes JSON format {found}, but the pinned `public-api` \
             crate reads format {FORMAT_VERSION}. Pin (root Cargo.toml) the `public-api` \
             release whose `rustdoc-types` dependency has `FORMAT_VERSION = {found}`, then run \
             `cargo xtask public-api` and bless the listings if only their rendering changed."
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_supported_format_passes() {
        let json = format!(r#"{{"root": 0, "format_version": {FORMAT_VERSION}, "index": {{}}}}"#);
        check_format_version(&json).unwrap();
    }

    #[test]
    fn another_format_fails_naming_both_versions() {
        let newer = FORMAT_VERSION + 1;
        let json = format!(r#"{{"format_version": {newer}}}"#);
        let message = check_format_version(&json).unwrap_err().to_string();
        assert!(
            message.contains(&format!("JSON format {newer}"))
                && message.contains(&format!("reads format {FORMAT_VERSION}")),
            "{message}"
        );
    }

    #[test]
    fn json_without_a_format_version_fails() {
        assert!(check_format_version(r#"{"root": 0}"#).is_err());
    }
}
