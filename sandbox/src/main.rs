//! `theopenmoney-sandbox`: the sandbox server as a binary (what `cargo xtask sandbox` runs
//! in-process). See `--help` and sandbox/README.md.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use theopenmoney_sandbox::cli::{ServeArgs, init_logging, serve};

/// A local, stateful stand-in for TheOpenMoney's staging API.
#[derive(Debug, Parser)]
#[command(name = "theopenmoney-sandbox", version)]
struct Cli {
    #[command(flatten)]
    serve: ServeArgs,
}

/// Used when `--db` is not given: a file in the current directory (with its `-wal` and `-shm`
/// files; the repository's .gitignore lists all three). `cargo xtask sandbox` uses
/// `target/sandbox/sandbox.sqlite3` instead.
const DEFAULT_DB: &str = "theopenmoney-sandbox.sqlite3";

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(cli.serve, PathBuf::from(DEFAULT_DB))) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
