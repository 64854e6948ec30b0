//! `cargo xtask sandbox`: runs the sandbox server in this process, prints its base URL and
//! partner keys, and serves until Ctrl-C. The options are the sandbox binary's own
//! (`theopenmoney_sandbox::cli::ServeArgs`), so both stay in step.

use crate::workspace;

/// Options of `cargo xtask sandbox`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    serve: theopenmoney_sandbox::cli::ServeArgs,
}

/// Where the database goes without `--db`: inside `target/`, so a clean clone stays clean.
pub const DEFAULT_DB: &str = "target/sandbox/sandbox.sqlite3";

/// Runs the task.
pub fn run(args: Args) -> anyhow::Result<()> {
    theopenmoney_sandbox::cli::init_logging();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(theopenmoney_sandbox::cli::serve(
        args.serve,
        workspace::root().join(DEFAULT_DB),
    ))
}
