//! The suite's harness (`tests/contract.rs`): picks the mode from the environment, runs that
//! mode's clauses as named tests (libtest-compatible output and flags), then cancels what a
//! live run created and prints and writes the coverage report, failing the run when a
//! documented triple went unexercised without a reason.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use libtest_mimic::{Arguments, Failed, Trial};

use crate::budget::Budget;
use crate::clauses::{MockCtx, Runner, live_tests, mock_tests};
use crate::config::Mode;
use crate::intercept::Passthrough;
use crate::live::Live;
use crate::run::RunState;
use crate::runtime::block_on;
use crate::skips;
use crate::spec::spec;

/// Where reports go: `$CARGO_TARGET_DIR`, or the workspace's `target/`.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target")))
}

/// Runs the suite; returns the process's exit code.
pub fn main() -> ExitCode {
    let args = Arguments::from_args();
    let mode = match Mode::from_env() {
        Ok(mode) => mode,
        Err(e) => {
            eprintln!("contract suite: {e}");
            return ExitCode::FAILURE;
        }
    };
    let budget = match &mode {
        Mode::Mock { .. } => Budget::unlimited(),
        Mode::Live(live) => Budget::limited(live.request_budget),
    };
    let run = Arc::new(RunState::new(mode.name(), budget));
    let live = match &mode {
        Mode::Mock { .. } => None,
        Mode::Live(config) => {
            match block_on(Live::start(
                config.clone(),
                run.clone(),
                Arc::new(Passthrough),
            )) {
                Ok(live) => Some(Arc::new(live)),
                Err(e) => {
                    eprintln!("contract suite: cannot start the recording proxy: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
    };
    let tests = match &live {
        None => mock_tests(),
        Some(_) => live_tests(),
    };
    let ctx = MockCtx {
        run: run.clone(),
        cases: mode.proptest_cases(),
    };
    let trials = tests
        .into_iter()
        .map(|test| {
            let (ctx, live) = (ctx.clone(), live.clone());
            let missing = match &mode {
                Mode::Live(config) => test.needs.missing(config),
                Mode::Mock { .. } => None,
            };
            if let Some(reason) = missing {
                println!("{}: ignored, {reason}", test.name);
            }
            Trial::test(test.name, move || {
                let result = match (test.runner, &live) {
                    (Runner::Mock(run), _) => run(&ctx),
                    (Runner::Live(run), Some(live)) => run(live),
                    (Runner::Live(_), None) => unreachable!("live tests run in live mode only"),
                };
                result.map_err(|failure| Failed::from(failure.to_string()))
            })
            .with_kind(mode.name())
            .with_ignored_flag(missing.is_some())
        })
        .collect();
    let whole_suite = args.filter.is_none() && args.skip.is_empty() && !args.ignored && !args.list;
    let conclusion = libtest_mimic::run(&args, trials);
    if args.list {
        return conclusion.exit_code();
    }
    let mut ok = !conclusion.has_failed();
    if let Some(live) = &live {
        let (cancelled, already_final, failed) = block_on(live.cleanup());
        println!(
            "live mode: {} requests sent (budget {}), wall {:.1} s; cleanup cancelled {cancelled} orders, {already_final} already final, {failed} failed",
            run.budget.sent(),
            run.budget.limit().unwrap_or(0),
            run.started.elapsed().as_secs_f64(),
        );
        if run.budget.refused() > 0 {
            eprintln!(
                "live mode: the request budget was spent; {} requests were refused (raise CONTRACT_REQUEST_BUDGET)",
                run.budget.refused()
            );
            ok = false;
        }
        if failed > 0 {
            eprintln!("live mode: {failed} orders created by this run could not be cancelled");
            ok = false;
        }
    } else {
        println!(
            "mock mode: {} requests through the recording proxy, wall {:.1} s",
            run.budget.sent(),
            run.started.elapsed().as_secs_f64()
        );
    }
    if whole_suite {
        let report = run
            .coverage
            .report(mode.name(), spec(), &skips::for_mode(&mode));
        let table = report.markdown();
        println!("\n{table}");
        let path = target_dir().join(format!("contract-coverage-{}.md", mode.name()));
        match std::fs::create_dir_all(target_dir()).and_then(|()| std::fs::write(&path, &table)) {
            Ok(()) => println!("coverage report written to {}", path.display()),
            Err(e) => eprintln!("cannot write {}: {e}", path.display()),
        }
        let missing = report.missing();
        if !missing.is_empty() {
            for row in missing {
                let (op, status, code) = &row.triple;
                eprintln!("coverage: {op} {status} {code} is documented but was not exercised");
            }
            ok = false;
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
