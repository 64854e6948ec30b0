//! `cargo xtask chaos` (being built).

/// Options of `cargo xtask chaos`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs the task.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`cargo xtask chaos` is not built yet")
}
