//! The suite's harness (`tests/contract.rs`): picks the mode from the environment, runs that
//! mode's clauses as named tests (libtest-compatible output and flags) with cases generated
//! from one seed, then cancels what a live run created, checks the coverage, and writes the
//! reports (`junit.xml`, `summary.md`, `exchanges.jsonl`; see `report/`).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use libtest_mimic::{Arguments, Failed, Trial};

use crate::budget::Budget;
use crate::clauses::{ClauseTest, MockCtx, Runner, live_tests, mock_tests};
use crate::config::{LiveConfig, Mode, REPORT_DIR_ENV, SEED_ENV, fresh_seed, seed_from_vars};
use crate::intercept::Passthrough;
use crate::live::{Live, cancel_created};
use crate::report::{
    Cleanup, FailureRecord, Outcome, RunReport, Secrets, TestRecord, write as write_reports,
};
use crate::run::RunState;
use crate::runtime::block_on;
use crate::skips;
use crate::spec::spec;

/// Where reports go: `$CARGO_TARGET_DIR`, or the workspace's `target/`.
pub(crate) fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target")))
}

/// Where a run writes `junit.xml`, `summary.md` and `exchanges.jsonl`, if anywhere: always in
/// live mode (`$CONTRACT_REPORT_DIR`, default `<target dir>/contract`), in mock mode only when
/// `CONTRACT_REPORT_DIR` asks for it.
pub(crate) fn report_dir(mode: &Mode) -> Option<PathBuf> {
    let asked = std::env::var_os(REPORT_DIR_ENV)
        .filter(|d| !d.is_empty())
        .map(PathBuf::from);
    match mode {
        Mode::Live(_) => Some(asked.unwrap_or_else(|| target_dir().join("contract"))),
        Mode::Mock { .. } => asked,
    }
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// Runs one clause test; a live one through a proxy of its own, so the exchange that broke
/// it can be found among its own exchanges.
fn run_clause(
    test: &ClauseTest,
    ctx: &MockCtx,
    live_config: Option<&LiveConfig>,
) -> Result<(), FailureRecord> {
    match (test.runner, live_config) {
        (Runner::Mock(run), _) => match catch_unwind(AssertUnwindSafe(|| run(ctx))) {
            Ok(result) => result.map_err(|failure| FailureRecord::clause(&failure, &[])),
            Err(payload) => Err(FailureRecord::other(format!(
                "panicked: {}",
                panic_text(&*payload)
            ))),
        },
        (Runner::Live(run), Some(config)) => {
            let live = block_on(Live::start(
                config.clone(),
                ctx.run.clone(),
                Arc::new(Passthrough),
            ))
            .map_err(|e| FailureRecord::other(format!("cannot start the recording proxy: {e}")))?;
            match catch_unwind(AssertUnwindSafe(|| run(&live))) {
                Ok(result) => {
                    result.map_err(|failure| FailureRecord::clause(&failure, &live.exchanges()))
                }
                Err(payload) => Err(FailureRecord::other(format!(
                    "panicked: {}",
                    panic_text(&*payload)
                ))),
            }
        }
        (Runner::Live(_), None) => unreachable!("live tests run in live mode only"),
    }
}

/// Runs the suite; returns the process's exit code.
pub fn main() -> ExitCode {
    let args = Arguments::from_args();
    let (mode, seed) = match Mode::from_env().and_then(|mode| {
        let seed = seed_from_vars(env_var)?.unwrap_or_else(fresh_seed);
        Ok((mode, seed))
    }) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("contract suite: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (budget, live_config, secrets) = match &mode {
        Mode::Mock { .. } => (Budget::unlimited(), None, Secrets::default()),
        Mode::Live(live) => (
            Budget::limited(live.request_budget),
            Some(live.clone()),
            Secrets::of(live),
        ),
    };
    let run = Arc::new(RunState::new(budget).with_seed(seed));
    if !args.list {
        println!(
            "contract suite, {} mode: seed {seed} (replay the generated cases with {SEED_ENV}={seed})",
            mode.name()
        );
    }
    let tests = match &mode {
        Mode::Mock { .. } => mock_tests(),
        Mode::Live(_) => live_tests(),
    };
    let ctx = MockCtx {
        run: run.clone(),
        cases: mode.proptest_cases(),
    };
    let records: Arc<Mutex<Vec<TestRecord>>> = Arc::default();
    let mut selected = Vec::new();
    let trials: Vec<Trial> = tests
        .into_iter()
        .map(|test| {
            let missing = match &mode {
                Mode::Live(config) => test.needs.missing(config),
                Mode::Mock { .. } => None,
            };
            let (ctx, live_config, records, secrets) = (
                ctx.clone(),
                live_config.clone(),
                records.clone(),
                secrets.clone(),
            );
            let trial = Trial::test(test.name, move || {
                let started = Instant::now();
                let result = run_clause(&test, &ctx, live_config.as_ref());
                let outcome = match &result {
                    Ok(()) => Outcome::Passed,
                    Err(failure) => Outcome::Failed(failure.clone()),
                };
                records
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(TestRecord {
                        name: test.name.to_owned(),
                        outcome,
                        seconds: started.elapsed().as_secs_f64(),
                    });
                result.map_err(|failure| Failed::from(failure.text(ctx.run.seed, &secrets)))
            })
            .with_kind(mode.name())
            .with_ignored_flag(missing.is_some());
            if !args.is_filtered_out(&trial) {
                let ignored = missing.filter(|_| args.is_ignored(&trial));
                if let Some(reason) = ignored {
                    println!("{}: ignored, {reason}", test.name);
                }
                selected.push((test.name, ignored));
            }
            trial
        })
        .collect();
    let whole_suite = args.filter.is_none() && args.skip.is_empty() && !args.ignored && !args.list;
    let conclusion = libtest_mimic::run(&args, trials);
    if args.list {
        return conclusion.exit_code();
    }
    let mut ran = std::mem::take(&mut *records.lock().unwrap_or_else(|e| e.into_inner()));
    let clauses: Vec<TestRecord> = selected
        .into_iter()
        .filter_map(|(name, ignored)| match ignored {
            Some(reason) => Some(TestRecord {
                name: name.to_owned(),
                outcome: Outcome::Ignored(reason.to_owned()),
                seconds: 0.0,
            }),
            None => ran
                .iter()
                .position(|r| r.name == name)
                .map(|i| ran.swap_remove(i)),
        })
        .collect();
    let mut checks = Vec::new();
    let check = |name: &str, failure: Option<String>| TestRecord {
        name: name.to_owned(),
        outcome: failure.map_or(Outcome::Passed, |f| {
            Outcome::Failed(FailureRecord::other(f))
        }),
        seconds: 0.0,
    };
    let mut cleanup = None;
    if let Some(config) = &live_config {
        let (cancelled, already_final, failed) = block_on(cancel_created(config, &run));
        cleanup = Some(Cleanup {
            cancelled,
            already_final,
            failed,
        });
        println!(
            "live mode: {} requests sent (budget {}), wall {:.1} s; cleanup cancelled {cancelled} orders, {already_final} already final, {failed} failed",
            run.budget.sent(),
            run.budget.limit().unwrap_or(0),
            run.started.elapsed().as_secs_f64(),
        );
        let refused = run.budget.refused();
        let over_budget = (refused > 0).then(|| {
            format!("the request budget was spent; {refused} requests were refused (raise CONTRACT_REQUEST_BUDGET)")
        });
        let not_cancelled = (failed > 0)
            .then(|| format!("{failed} orders created by this run could not be cancelled"));
        for message in over_budget.iter().chain(&not_cancelled) {
            eprintln!("live mode: {message}");
        }
        checks.push(check("run::request_budget", over_budget));
        checks.push(check("run::cleanup", not_cancelled));
    } else {
        println!(
            "mock mode: {} requests through the recording proxy, wall {:.1} s",
            run.budget.sent(),
            run.started.elapsed().as_secs_f64()
        );
    }
    let mut coverage = None;
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
        let missing: Vec<String> = report
            .missing()
            .into_iter()
            .map(|row| {
                let (op, status, code) = &row.triple;
                format!("{op} {status} {code} is documented but was not exercised")
            })
            .collect();
        for line in &missing {
            eprintln!("coverage: {line}");
        }
        checks.push(check(
            "run::coverage",
            (!missing.is_empty()).then(|| missing.join("\n")),
        ));
        coverage = Some(report);
    }
    let notes = run.notes.all();
    if !notes.is_empty() {
        println!(
            "notes: {} kinds of free text that is not contract (listed in summary.md)",
            notes.len()
        );
    }
    let report = RunReport {
        mode: mode.name(),
        seed,
        clauses,
        checks,
        requests_sent: run.budget.sent(),
        budget: run.budget.limit(),
        refused: run.budget.refused(),
        wall_seconds: run.started.elapsed().as_secs_f64(),
        cleanup,
        coverage,
        notes,
        cases: run.cases(),
    };
    let mut ok = !conclusion.has_failed() && report.passed();
    if let Some(dir) = report_dir(&mode) {
        match write_reports(&report, &dir, &secrets) {
            Ok(paths) => {
                let names: Vec<String> = paths
                    .into_iter()
                    .map(|p| std::fs::canonicalize(&p).unwrap_or(p).display().to_string())
                    .collect();
                println!("reports written: {}", names.join(", "));
            }
            Err(e) => {
                eprintln!("cannot write the reports into {}: {e}", dir.display());
                ok = false;
            }
        }
    }
    println!(
        "contract suite, {} mode: {}; seed {seed} (replay the generated cases with {SEED_ENV}={seed})",
        mode.name(),
        if ok { "passed" } else { "FAILED" }
    );
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
