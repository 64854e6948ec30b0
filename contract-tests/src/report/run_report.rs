//! What a run reports: each test with how it ended (a failure with its exchange), the run's own
//! checks, its requests, time, seed, cleanup, coverage, notes and generated cases.

use crate::case_log::CaseLog;
use crate::config::SEED_ENV;
use crate::coverage;
use crate::failure::ClauseFailure;
use crate::notes::Note;
use crate::proxy::Exchange;
use crate::report::curl;
use crate::report::secrets::Secrets;

/// Why a clause test failed, and the exchange that shows it.
#[derive(Debug, Clone)]
pub(crate) struct FailureRecord {
    /// The clause message (`contract clause … broken by operation …: …`), or a panic's.
    pub message: String,
    /// The clause, when a clause failed (not a panic).
    pub clause: Option<String>,
    /// The operation that broke it.
    pub operation: Option<String>,
    /// The exchange that broke it: the test's last exchange of that operation.
    pub exchange: Option<Box<Exchange>>,
}

impl FailureRecord {
    /// A clause failure; `exchanges` are the failing test's own, in order.
    pub(crate) fn clause(failure: &ClauseFailure, exchanges: &[Exchange]) -> Self {
        Self {
            message: failure.to_string(),
            clause: Some(failure.clause.to_owned()),
            operation: Some(failure.operation.clone()),
            exchange: failing_exchange(exchanges, &failure.operation).map(Box::new),
        }
    }

    /// A failure that is not a clause's (a panic, a proxy that would not start).
    pub(crate) fn other(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            clause: None,
            operation: None,
            exchange: None,
        }
    }

    /// The `curl` command reproducing the failing exchange, when there is one.
    pub(crate) fn reproducer(&self, secrets: &Secrets) -> Option<String> {
        self.exchange
            .as_ref()
            .map(|e| curl::command(&e.request, secrets))
    }

    /// The whole text a person acts on: the message, the reproducer and the seed.
    pub(crate) fn text(&self, seed: u64, secrets: &Secrets) -> String {
        let mut text = self.message.clone();
        match self.reproducer(secrets) {
            Some(curl) => {
                text.push_str(
                    "\nreproduce the exchange (server from $CONTRACT_BASE_URL, key from its variable):\n",
                );
                text.push_str(&curl);
            }
            None if self.clause.is_some() => {
                text.push_str("\n(no exchange of that operation to reproduce)");
            }
            None => {}
        }
        text.push_str(&format!("\nreplay the generated cases: {SEED_ENV}={seed}"));
        secrets.scrub(&text)
    }
}

/// The exchange that broke a clause on `operation`: the last one of that operation, since a
/// clause stops at the first broken answer.
pub(crate) fn failing_exchange(exchanges: &[Exchange], operation: &str) -> Option<Exchange> {
    exchanges
        .iter()
        .rev()
        .find(|e| e.operation.as_deref() == Some(operation))
        .cloned()
}

/// How a test ended.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    /// It held.
    Passed,
    /// It broke.
    Failed(FailureRecord),
    /// It did not run, for this reason.
    Ignored(String),
}

/// One test of the run, a clause test or a check of the run itself.
#[derive(Debug, Clone)]
pub(crate) struct TestRecord {
    /// The name, e.g. `error_codes::not_found_404` or `run::coverage`.
    pub name: String,
    /// How it ended.
    pub outcome: Outcome,
    /// How long it ran.
    pub seconds: f64,
}

/// The orders a live run cancelled at its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cleanup {
    /// Cancelled now.
    pub cancelled: u32,
    pub already_final: u32,
    /// Could not be cancelled.
    pub failed: u32,
}

/// Everything a run reports.
#[derive(Debug, Clone)]
pub(crate) struct RunReport {
    /// `mock` or `live`.
    pub mode: &'static str,
    /// The seed of the generated cases.
    pub seed: u64,
    /// The clause tests that were selected, in the suite's order.
    pub clauses: Vec<TestRecord>,
    /// Checks of the run itself: coverage, request budget, cleanup.
    pub checks: Vec<TestRecord>,
    /// Requests the run sent.
    pub requests_sent: u32,
    /// The request budget, when there is one.
    pub budget: Option<u32>,
    /// Requests refused because the budget was spent.
    pub refused: u32,
    /// The run's wall time.
    pub wall_seconds: f64,
    /// The end-of-run cleanup (live mode).
    pub cleanup: Option<Cleanup>,
    /// The coverage, on a whole run.
    pub coverage: Option<coverage::Report>,
    /// What is worth a look but is not contract.
    pub notes: Vec<Note>,
    /// What each property generated.
    pub cases: Vec<CaseLog>,
}

/// Counts of passed, failed and ignored tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    pub passed: usize,
    pub failed: usize,
    pub ignored: usize,
}

impl Tally {
    /// The tally of `records`.
    pub(crate) fn of(records: &[TestRecord]) -> Self {
        records.iter().fold(Self::default(), |mut tally, r| {
            match r.outcome {
                Outcome::Passed => tally.passed += 1,
                Outcome::Failed(_) => tally.failed += 1,
                Outcome::Ignored(_) => tally.ignored += 1,
            }
            tally
        })
    }
}

impl RunReport {
    /// Whether every clause and every check held (or was ignored with a reason).
    pub(crate) fn passed(&self) -> bool {
        Tally::of(&self.clauses).failed == 0 && Tally::of(&self.checks).failed == 0
    }
}
