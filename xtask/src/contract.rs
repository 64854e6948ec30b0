//! `cargo xtask contract` (being built).

/// Options of `cargo xtask contract`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs the task.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`cargo xtask contract` is not built yet")
}
