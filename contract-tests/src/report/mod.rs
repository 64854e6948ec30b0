//! The reports of a run, for CI to act on: `junit.xml` (one testcase per clause test, the
//! failure text being the clause message), `summary.md` (results, coverage, requests, wall
//! time, seed, notes) and `exchanges.jsonl` (the exchange that broke each failed clause, keys
//! redacted). Every file is scrubbed of key values before it is written.

pub mod curl;
pub mod exchanges;
pub mod junit;
pub mod secrets;
pub mod summary;

use std::path::{Path, PathBuf};

use crate::config::SEED_ENV;
use crate::coverage;
use crate::failure::ClauseFailure;
use crate::notes::Note;
use crate::property::CaseLog;
use crate::proxy::Exchange;
use secrets::Secrets;

/// Why a clause test failed, and the exchange that shows it.
#[derive(Debug, Clone)]
pub struct FailureRecord {
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
    pub fn clause(failure: &ClauseFailure, exchanges: &[Exchange]) -> Self {
        Self {
            message: failure.to_string(),
            clause: Some(failure.clause.to_owned()),
            operation: Some(failure.operation.clone()),
            exchange: failing_exchange(exchanges, &failure.operation).map(Box::new),
        }
    }

    /// A failure that is not a clause's (a panic, a proxy that would not start).
    pub fn other(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            clause: None,
            operation: None,
            exchange: None,
        }
    }

    /// The `curl` command reproducing the failing exchange, when there is one.
    pub fn reproducer(&self, secrets: &Secrets) -> Option<String> {
        self.exchange
            .as_ref()
            .map(|e| curl::command(&e.request, secrets))
    }

    /// The whole text a person acts on: the message, the reproducer and the seed.
    pub fn text(&self, seed: u64, secrets: &Secrets) -> String {
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
pub fn failing_exchange(exchanges: &[Exchange], operation: &str) -> Option<Exchange> {
    exchanges
        .iter()
        .rev()
        .find(|e| e.operation.as_deref() == Some(operation))
        .cloned()
}

/// How a test ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// It held.
    Passed,
    /// It broke.
    Failed(FailureRecord),
    /// It did not run, for this reason.
    Ignored(String),
}

/// One test of the run, a clause test or a check of the run itself.
#[derive(Debug, Clone)]
pub struct TestRecord {
    /// The name, e.g. `error_codes::not_found_404` or `run::coverage`.
    pub name: String,
    /// How it ended.
    pub outcome: Outcome,
    /// How long it ran.
    pub seconds: f64,
}

/// The orders a live run cancelled at its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cleanup {
    /// Cancelled now.
    pub cancelled: u32,
    /// Already final.
    pub already_final: u32,
    /// Could not be cancelled.
    pub failed: u32,
}

/// Everything a run reports.
#[derive(Debug, Clone)]
pub struct RunReport {
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
pub struct Tally {
    /// Passed.
    pub passed: usize,
    /// Failed.
    pub failed: usize,
    /// Ignored.
    pub ignored: usize,
}

impl Tally {
    /// The tally of `records`.
    pub fn of(records: &[TestRecord]) -> Self {
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
    pub fn passed(&self) -> bool {
        Tally::of(&self.clauses).failed == 0 && Tally::of(&self.checks).failed == 0
    }

    /// Writes `junit.xml`, `summary.md` and `exchanges.jsonl` into `dir` (created if need be),
    /// scrubbed of keys. Returns the paths written.
    pub fn write(&self, dir: &Path, secrets: &Secrets) -> std::io::Result<Vec<PathBuf>> {
        std::fs::create_dir_all(dir)?;
        let files = [
            ("junit.xml", junit::render(self, secrets)),
            ("summary.md", summary::render(self, secrets)),
            ("exchanges.jsonl", exchanges::render(self, secrets)),
        ];
        files
            .into_iter()
            .map(|(name, text)| {
                let path = dir.join(name);
                std::fs::write(&path, secrets.scrub(&text))?;
                Ok(path)
            })
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod fixture {
    //! A small report with one record of each kind, for the writers' tests.

    use bytes::Bytes;
    use http::HeaderMap;

    use super::*;
    use crate::config::{LiveConfig, Secret};
    use crate::failure::Clause;
    use test_proxy::{ProxiedRequest, ProxiedResponse};

    pub(crate) const KEY: &str = "osk_report_fixture_key";

    pub(crate) fn secrets() -> Secrets {
        Secrets::of(&LiveConfig {
            base_url: "http://127.0.0.1:9".parse().unwrap(),
            api_key: Secret::new(KEY),
            api_key_2: None,
            rate_limit_key: None,
            request_budget: 10,
            proptest_cases: 1,
        })
    }

    pub(crate) fn exchange() -> Exchange {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", format!("Bearer {KEY}").parse().unwrap());
        headers.insert("host", "127.0.0.1:1".parse().unwrap());
        let mut response = ProxiedResponse::json(
            400,
            &serde_json::json!({"ok": false, "error_code": "BAD", "error_message": "<&\"'>", "data": null}),
        );
        response
            .headers
            .insert("set-cookie", "session=s3cr3t".parse().unwrap());
        Exchange {
            operation: Some("get_order".to_owned()),
            request: ProxiedRequest {
                method: http::Method::GET,
                path_and_query: "/api/v1/orders/9".to_owned(),
                headers,
                body: Bytes::new(),
            },
            response: Some(response),
        }
    }

    pub(crate) fn report() -> RunReport {
        let failure = Clause("error-codes/404").fail(
            "get_order",
            format!("expected 404 NOT_FOUND, saw 400 <&\"'> \u{1b} {KEY}"),
        );
        let record = |name: &str, outcome| TestRecord {
            name: name.to_owned(),
            outcome,
            seconds: 0.25,
        };
        RunReport {
            mode: "live",
            seed: 42,
            clauses: vec![
                record("envelope::every_operation_and_status", Outcome::Passed),
                record(
                    "error_codes::not_found_404",
                    Outcome::Failed(FailureRecord::clause(&failure, &[exchange()])),
                ),
                record(
                    "error_codes::rate_limited_429",
                    Outcome::Ignored("opt-in: needs CONTRACT_RATE_LIMIT_API_KEY".to_owned()),
                ),
            ],
            checks: vec![record("run::cleanup", Outcome::Passed)],
            requests_sent: 7,
            budget: Some(10),
            refused: 0,
            wall_seconds: 1.5,
            cleanup: Some(Cleanup {
                cancelled: 2,
                already_final: 1,
                failed: 0,
            }),
            coverage: None,
            notes: vec![Note {
                clause: "error-codes/422".to_owned(),
                operation: "list_orders".to_owned(),
                what: "a 422 for `limit` has a message that does not name it".to_owned(),
                times: 3,
                example: "Anfrage | abgelehnt.".to_owned(),
            }],
            cases: vec![CaseLog {
                property: "properties::invalid_inputs_rejected [live]".to_owned(),
                inputs: 6,
                digest: 0xabc,
            }],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_reads_message_reproducer_and_seed_without_the_key() {
        let report = fixture::report();
        let Outcome::Failed(failure) = &report.clauses[1].outcome else {
            panic!("the fixture's second clause failed");
        };
        let text = failure.text(42, &fixture::secrets());
        assert!(
            text.starts_with(
                "contract clause `error-codes/404` broken by operation `get_order`: expected 404"
            ),
            "{text}"
        );
        assert!(text.contains(
            "curl -sS -i -X GET \"$CONTRACT_BASE_URL\"'/api/v1/orders/9' \\\n  -H \"authorization: Bearer $CONTRACT_API_KEY\""
        ), "{text}");
        assert!(
            text.ends_with("replay the generated cases: CONTRACT_SEED=42"),
            "{text}"
        );
        assert!(!text.contains(fixture::KEY), "{text}");
    }

    #[test]
    fn the_failing_exchange_is_the_last_of_the_operation() {
        let mut first = fixture::exchange();
        first.request.path_and_query = "/api/v1/orders/1".to_owned();
        let mut other = fixture::exchange();
        other.operation = Some("cancel_order".to_owned());
        let found = failing_exchange(&[first, fixture::exchange(), other], "get_order");
        assert_eq!(
            found.map(|e| e.request.path_and_query),
            Some("/api/v1/orders/9".to_owned())
        );
        assert!(failing_exchange(&[fixture::exchange()], "-").is_none());
    }

    #[test]
    fn the_reports_are_written_without_any_key() {
        let dir = std::env::temp_dir().join(format!("contract-report-{}", uuid::Uuid::new_v4()));
        let written = fixture::report()
            .write(&dir, &fixture::secrets())
            .expect("the reports are written");
        assert_eq!(written.len(), 3);
        for path in written {
            let text = std::fs::read_to_string(&path).expect("readable");
            assert!(!text.is_empty(), "{}", path.display());
            assert!(!text.contains(fixture::KEY), "{}: {text}", path.display());
            assert!(!text.contains("s3cr3t"), "{}: {text}", path.display());
        }
        std::fs::remove_dir_all(&dir).expect("the scratch dir is removed");
    }
}
