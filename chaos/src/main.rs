//! `chaos`: the chaos proof as a binary (`cargo xtask chaos` runs it). See `--help`.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    match chaos::run(chaos::Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
