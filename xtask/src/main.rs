//! `cargo xtask <task>`: see `cargo xtask --help`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::codegen::{self, Mode};
use xtask::launch::{self, PassThrough};
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
    /// Run the sandbox server and print its base URL and partner keys (`theopenmoney-sandbox`).
    Sandbox(PassThrough),
    /// Run the contract suite's live mode against a fresh sandbox or a given URL
    /// (`contract-tests`' `contract-live`).
    Contract(PassThrough),
    /// Prove exactly-once order creation through a fault-injecting proxy (`chaos`).
    Chaos(PassThrough),
    /// Compare the spec with a base revision: every change, breaking or not, on the wire and
    /// in the sdk's Rust API; fail when something breaks without a major version bump.
    Breaking(xtask::breaking::Args),
    /// Compare the sdk's public API (rustdoc JSON, listed by the `public-api` crate) with
    /// sdk/public-api*.txt; fail with a unified diff when it changed. `--bless` rewrites them.
    PublicApi(xtask::public_api::Args),
    /// Update the sandbox's vendored `/docs` assets (Swagger UI from npm at the pinned version,
    /// the spec's copy) and their manifest; `--check` verifies them against it, offline.
    DocsAssets(xtask::docs_assets::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::Codegen { check } => {
            let mode = if check { Mode::Check } else { Mode::Write };
            let root = workspace::root();
            codegen::run(&root, mode).map(|report| {
                print!("{}", report.summary(mode));
                // What this spec change does to partners, in one line (`cargo xtask breaking`
                // prints the details).
                println!("{}", xtask::breaking::verdict_against_head(&root));
            })
        }
        Task::Sandbox(pass) => launch::sandbox(pass.args),
        Task::Contract(pass) => {
            launch::run_binary("contract-tests", "contract-live", false, &pass.args)
        }
        Task::Chaos(pass) => launch::run_binary("chaos", "chaos", false, &pass.args),
        Task::Breaking(args) => xtask::breaking::run(&workspace::root(), args).and_then(|passed| {
            passed.then_some(()).ok_or_else(|| {
                anyhow::anyhow!("breaking changes without a major version bump (see the verdict)")
            })
        }),
        Task::PublicApi(args) => {
            xtask::public_api::run(&workspace::root(), args).and_then(|same| {
                same.then_some(())
                    .ok_or_else(|| anyhow::anyhow!("the sdk's public API changed (see the diff)"))
            })
        }
        Task::DocsAssets(args) => xtask::docs_assets::run(&workspace::root(), &args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
