//! Tasks that run another workspace binary (`cargo run -p …`), so xtask itself never depends on
//! the sdk, the sandbox or the contract suite: `cargo xtask codegen` must build even when the
//! generated code it is about to repair does not compile.

use std::ffi::OsString;
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

use crate::workspace;

/// Arguments passed through untouched to the launched binary.
#[derive(Debug, clap::Args)]
pub struct PassThrough {
    /// Arguments for the binary (see its `--help`).
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "ARGS"
    )]
    pub args: Vec<OsString>,
}

/// `cargo run --locked --quiet [--release] -p <package> --bin <bin> -- <args>` from the
/// workspace root; fails when the binary fails.
pub fn run_binary(
    package: &str,
    bin: &str,
    release: bool,
    args: &[OsString],
) -> anyhow::Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace::root())
        .args(["run", "--locked", "--quiet"])
        .args(release.then_some("--release"))
        .args(["--package", package, "--bin", bin, "--"])
        .args(args)
        .stdin(Stdio::inherit());
    let status = command
        .status()
        .with_context(|| format!("running `cargo run -p {package} --bin {bin}`"))?;
    if !status.success() {
        bail!("`{bin}` failed ({status})");
    }
    Ok(())
}

/// Where `cargo xtask sandbox` keeps its database without `--db`: inside `target/`, so a clean
/// clone stays clean.
pub const SANDBOX_DB: &str = "target/sandbox/sandbox.sqlite3";

/// `cargo xtask sandbox`: the sandbox binary, with its database under `target/` unless `--db`
/// is given.
pub fn sandbox(mut args: Vec<OsString>) -> anyhow::Result<()> {
    let has_db = args
        .iter()
        .any(|a| a == "--db" || a.to_string_lossy().starts_with("--db="));
    if !has_db {
        let db = workspace::root().join(SANDBOX_DB);
        if let Some(dir) = db.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        args.extend(["--db".into(), db.into_os_string()]);
    }
    run_binary("theopenmoney-sandbox", "theopenmoney-sandbox", false, &args)
}
