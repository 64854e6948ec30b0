//! `cargo xtask <task>`: see `cargo xtask --help`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::codegen::{self, Mode};
use xtask::workspace;

#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    about = "Maintainer and CI tasks for the TheOpenMoney workspace"
)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Regenerate the sdk client and the typed mocks from openapi/theopenmoney.yaml.
    Codegen {
        /// Write nothing; exit non-zero with a unified diff if any generated file is stale.
        #[arg(long)]
        check: bool,
    },
    /// Run the sandbox server and print its base URL and partner keys.
    Sandbox(xtask::sandbox::Args),
    /// Run the contract suite's live mode against a fresh sandbox or a given URL.
    Contract(xtask::contract::Args),
    /// Prove exactly-once order creation through a fault-injecting proxy.
    Chaos(xtask::chaos::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::Codegen { check } => {
            let mode = if check { Mode::Check } else { Mode::Write };
            codegen::run(&workspace::root(), mode).map(|report| print!("{}", report.summary(mode)))
        }
        Task::Sandbox(args) => xtask::sandbox::run(args),
        Task::Contract(args) => xtask::contract::run(args),
        Task::Chaos(args) => xtask::chaos::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
