//! `cargo xtask chaos`: exactly-once order creation, proven through a fault-injecting proxy.

pub mod fault;
pub mod proxy;

/// Options of `cargo xtask chaos`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs the task.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`cargo xtask chaos` is not built yet")
}
