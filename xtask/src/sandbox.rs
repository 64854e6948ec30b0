//! `cargo xtask sandbox` (being built).

/// Options of `cargo xtask sandbox`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs the task.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`cargo xtask sandbox` is not built yet")
}
