//! The reports of a run, for CI to act on: `junit.xml` (one testcase per clause test, the
//! failure text being the clause message), `summary.md` (results, coverage, requests, wall
//! time, seed, notes) and `exchanges.jsonl` (the exchange that broke each failed clause, keys
//! redacted). Every file is scrubbed of key values before it is written.

mod curl;
mod exchanges;
#[cfg(test)]
mod fixture;
mod junit;
mod run_report;
mod secrets;
mod summary;

use std::path::{Path, PathBuf};

pub(crate) use self::run_report::{Cleanup, FailureRecord, Outcome, RunReport, TestRecord};
pub(crate) use self::secrets::Secrets;

/// Writes `report`'s `junit.xml`, `summary.md` and `exchanges.jsonl` into `dir` (created if
/// need be), scrubbed of keys. Returns the paths written.
pub(crate) fn write(
    report: &RunReport,
    dir: &Path,
    secrets: &Secrets,
) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let files = [
        ("junit.xml", junit::render(report, secrets)),
        ("summary.md", summary::render(report, secrets)),
        ("exchanges.jsonl", exchanges::render(report, secrets)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;
    use crate::report::run_report::failing_exchange;

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
        let written =
            write(&fixture::report(), &dir, &fixture::secrets()).expect("the reports are written");
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
