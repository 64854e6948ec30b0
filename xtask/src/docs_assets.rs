//! `cargo xtask docs-assets`: the files the sandbox's `/docs` page serves from its binary. Swagger
//! UI comes from npm at a pinned version (`npm pack`, so no install and no scripts run), only the
//! files the page loads plus their licences. Their SHA-256 sums go into a manifest that `--check`
//! (CI) verifies, offline. The spec the page renders is not among them: `cargo xtask codegen`
//! keeps the sandbox's copy (`workspace::SANDBOX_SPEC_COPY`) with the other generated files.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail, ensure};
use sha2::{Digest, Sha256};

/// The npm package and its pinned version.
pub const SWAGGER_UI_PACKAGE: &str = "swagger-ui-dist";
/// Bump it here, then run `cargo xtask docs-assets` and commit what changed.
pub const SWAGGER_UI_VERSION: &str = "5.36.0";
/// Where the sandbox keeps what it embeds.
pub const ASSETS_DIR: &str = "sandbox/assets";
/// The manifest of sums, inside [`ASSETS_DIR`].
pub const MANIFEST: &str = "MANIFEST.sha256";
/// The files taken from the npm package (its `package/` folder), into `swagger-ui/`.
pub const SWAGGER_UI_FILES: &[&str] = &[
    "swagger-ui-bundle.js",
    "swagger-ui.css",
    "LICENSE",
    "NOTICE",
    "swagger-ui-bundle.js.LICENSE.txt",
];
const SWAGGER_UI_SUBDIR: &str = "swagger-ui";

/// Options of the task.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Download nothing, write nothing: fail when a file differs from the manifest or the
    /// manifest names another version.
    #[arg(long)]
    pub check: bool,
}

/// Runs the task from the workspace `root`.
pub fn run(root: &Path, args: &Args) -> anyhow::Result<()> {
    if args.check {
        check(root)?;
        println!(
            "docs assets: {SWAGGER_UI_PACKAGE} {SWAGGER_UI_VERSION} matches {ASSETS_DIR}/{MANIFEST}"
        );
        Ok(())
    } else {
        update(root)?;
        println!(
            "docs assets: wrote {SWAGGER_UI_PACKAGE} {SWAGGER_UI_VERSION} and {ASSETS_DIR}/{MANIFEST}"
        );
        Ok(())
    }
}

/// The manifest's text for the files as they are now under `assets`.
fn manifest_text(assets: &Path) -> anyhow::Result<String> {
    let mut text = format!(
        "# {SWAGGER_UI_PACKAGE} {SWAGGER_UI_VERSION} from npm.\n\
         # Written by `cargo xtask docs-assets`; `cargo xtask docs-assets --check` verifies it.\n"
    );
    for relative in tracked_files() {
        let bytes = fs::read(assets.join(&relative))
            .with_context(|| format!("cannot read {ASSETS_DIR}/{relative}"))?;
        let _ = writeln!(text, "{}  {relative}", sha256_hex(&bytes));
    }
    Ok(text)
}

/// Every file the manifest lists, relative to [`ASSETS_DIR`].
fn tracked_files() -> Vec<String> {
    SWAGGER_UI_FILES
        .iter()
        .map(|name| format!("{SWAGGER_UI_SUBDIR}/{name}"))
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

fn check(root: &Path) -> anyhow::Result<()> {
    let assets = root.join(ASSETS_DIR);
    let recorded = fs::read_to_string(assets.join(MANIFEST))
        .with_context(|| format!("cannot read {ASSETS_DIR}/{MANIFEST}"))?;
    let actual = manifest_text(&assets)?;
    if recorded != actual {
        let diff = similar::TextDiff::from_lines(&recorded, &actual)
            .unified_diff()
            .header("recorded", "actual")
            .to_string();
        bail!(
            "the docs assets differ from {ASSETS_DIR}/{MANIFEST} \
             (run `cargo xtask docs-assets` for {SWAGGER_UI_PACKAGE} {SWAGGER_UI_VERSION}):\n{diff}"
        );
    }
    let unlisted = unlisted_files(&assets.join(SWAGGER_UI_SUBDIR))?;
    ensure!(
        unlisted.is_empty(),
        "files in {ASSETS_DIR}/{SWAGGER_UI_SUBDIR} that the manifest does not list: {unlisted:?}"
    );
    Ok(())
}

fn unlisted_files(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut unlisted = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if !SWAGGER_UI_FILES.contains(&name.as_str()) {
            unlisted.push(name);
        }
    }
    Ok(unlisted)
}

fn update(root: &Path) -> anyhow::Result<()> {
    let assets = root.join(ASSETS_DIR);
    let scratch = root.join("target/docs-assets");
    if scratch.exists() {
        fs::remove_dir_all(&scratch)
            .with_context(|| format!("cannot clear {}", scratch.display()))?;
    }
    fs::create_dir_all(&scratch)?;
    let tarball = npm_pack(&scratch)?;
    run_command(
        Command::new("tar")
            .arg("-xzf")
            .arg(&tarball)
            .arg("-C")
            .arg(&scratch),
    )?;
    let package = scratch.join("package");
    let target = assets.join(SWAGGER_UI_SUBDIR);
    if target.exists() {
        fs::remove_dir_all(&target)?;
    }
    fs::create_dir_all(&target)?;
    for name in SWAGGER_UI_FILES {
        fs::copy(package.join(name), target.join(name)).with_context(|| {
            format!("{SWAGGER_UI_PACKAGE} {SWAGGER_UI_VERSION} has no file {name}")
        })?;
    }
    fs::write(assets.join(MANIFEST), manifest_text(&assets)?)?;
    Ok(())
}

/// `npm pack name@version` into `dir`: the registry's tarball, checked by npm against the
/// registry's integrity hash. Returns the tarball's path.
fn npm_pack(dir: &Path) -> anyhow::Result<PathBuf> {
    let spec = format!("{SWAGGER_UI_PACKAGE}@{SWAGGER_UI_VERSION}");
    let output = Command::new("npm")
        .args(["pack", "--silent", &spec])
        .current_dir(dir)
        .output()
        .context("cannot run npm (needed to download the docs assets)")?;
    ensure!(
        output.status.success(),
        "npm pack {spec} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let name = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    ensure!(!name.is_empty(), "npm pack {spec} named no tarball");
    Ok(dir.join(name))
}

fn run_command(command: &mut Command) -> anyhow::Result<()> {
    let status = command
        .status()
        .with_context(|| format!("cannot run {command:?}"))?;
    ensure!(status.success(), "{command:?} failed with {status}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_catches_a_changed_byte_and_an_unlisted_file() {
        let root = std::env::temp_dir().join(format!("xtask-docs-assets-{}", std::process::id()));
        let assets = root.join(ASSETS_DIR);
        fs::create_dir_all(assets.join(SWAGGER_UI_SUBDIR)).unwrap();
        for name in SWAGGER_UI_FILES {
            fs::write(assets.join(SWAGGER_UI_SUBDIR).join(name), name.as_bytes()).unwrap();
        }
        fs::write(assets.join(MANIFEST), manifest_text(&assets).unwrap()).unwrap();
        check(&root).unwrap();

        let css = assets.join(SWAGGER_UI_SUBDIR).join("swagger-ui.css");
        fs::write(&css, "body{}").unwrap();
        let error = check(&root).unwrap_err().to_string();
        assert!(error.contains("swagger-ui/swagger-ui.css"), "{error}");
        fs::write(&css, "swagger-ui.css").unwrap();
        check(&root).unwrap();

        fs::write(assets.join(SWAGGER_UI_SUBDIR).join("extra.js"), "x").unwrap();
        assert!(check(&root).unwrap_err().to_string().contains("extra.js"));
        fs::remove_dir_all(&root).unwrap();
    }
}
