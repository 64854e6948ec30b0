//! `summary.md`, for CI's step summary: the verdict, the clauses passed, failed and ignored,
//! each failure with its reproducer, the notes (free text that is not contract), what each
//! property generated, requests sent, wall time, the seed, and the coverage table.

use std::fmt::Write as _;

use crate::config::SEED_ENV;
use crate::report::run_report::{Outcome, RunReport, Tally, TestRecord};
use crate::report::secrets::Secrets;

/// The longest text a table cell shows; the whole text is further down.
const CELL: usize = 240;

/// `text` for one Markdown table cell.
fn cell(text: &str) -> String {
    let mut short: String = text.chars().take(CELL).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
        .replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}

/// `text` in a fenced block no backticks inside can close.
fn fenced(info: &str, text: &str) -> String {
    let mut fence = "```".to_owned();
    while text.contains(&fence) {
        fence.push('`');
    }
    format!("{fence}{info}\n{text}\n{fence}\n")
}

fn tally_line(tally: Tally) -> String {
    format!(
        "{} passed, {} failed, {} ignored",
        tally.passed, tally.failed, tally.ignored
    )
}

fn results_table(out: &mut String, records: &[TestRecord]) {
    out.push_str("| test | result | detail |\n|---|---|---|\n");
    for record in records {
        let (result, detail) = match &record.outcome {
            Outcome::Passed => ("passed".to_owned(), format!("{:.2} s", record.seconds)),
            Outcome::Failed(failure) => ("**failed**".to_owned(), cell(&failure.message)),
            Outcome::Ignored(reason) => ("ignored".to_owned(), cell(reason)),
        };
        let _ = writeln!(out, "| `{}` | {result} | {detail} |", record.name);
    }
}

/// The document.
pub(crate) fn render(report: &RunReport, secrets: &Secrets) -> String {
    let clauses = Tally::of(&report.clauses);
    let verdict = if report.passed() { "passed" } else { "FAILED" };
    let mut out = format!(
        "# Contract suite, {} mode: {verdict}\n\n| | |\n|---|---|\n",
        report.mode
    );
    let _ = writeln!(out, "| clauses | {} |", tally_line(clauses));
    let budget = report
        .budget
        .map(|b| format!(" (budget {b}, {} refused)", report.refused))
        .unwrap_or_default();
    let _ = writeln!(out, "| requests sent | {}{budget} |", report.requests_sent);
    let _ = writeln!(out, "| wall time | {:.1} s |", report.wall_seconds);
    let _ = writeln!(
        out,
        "| seed | `{}` (replay the generated cases: `{SEED_ENV}={}`) |",
        report.seed, report.seed
    );
    if let Some(c) = report.cleanup {
        let _ = writeln!(
            out,
            "| cleanup | cancelled {} orders, {} already final, {} failed |",
            c.cancelled, c.already_final, c.failed
        );
    }
    let _ = writeln!(out, "| notes | {} |", report.notes.len());

    out.push_str("\n## Clauses\n\n");
    results_table(&mut out, &report.clauses);
    if !report.checks.is_empty() {
        out.push_str("\n## Checks of the run\n\n");
        results_table(&mut out, &report.checks);
    }

    let failures: Vec<_> = report
        .clauses
        .iter()
        .chain(&report.checks)
        .filter_map(|r| match &r.outcome {
            Outcome::Failed(failure) => Some((r, failure)),
            _ => None,
        })
        .collect();
    if !failures.is_empty() {
        out.push_str(
            "\n## Failures\n\nEach failing exchange, with its response, is in `exchanges.jsonl`. \
             The reproducers read the server from `$CONTRACT_BASE_URL` and each key from its \
             variable.\n",
        );
        for (record, failure) in failures {
            let _ = write!(
                out,
                "\n### `{}`\n\n{}",
                record.name,
                fenced("text", &failure.text(report.seed, secrets))
            );
        }
    }

    out.push_str(
        "\n## Notes\n\nFree text is not contract: these did not fail the run, but are worth a look.\n\n",
    );
    if report.notes.is_empty() {
        out.push_str("None.\n");
    } else {
        out.push_str("| clause | operation | what | times | example |\n|---|---|---|---|---|\n");
        for note in &report.notes {
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {} | {} | {} |",
                note.clause,
                note.operation,
                cell(&note.what),
                note.times,
                cell(&format!("{:?}", note.example))
            );
        }
    }

    if !report.cases.is_empty() {
        let _ = write!(
            out,
            "\n## Generated cases\n\nFrom seed `{}`: the same seed gives the same inputs and digests.\n\n\
             | property | inputs tried | inputs digest |\n|---|---|---|\n",
            report.seed
        );
        for log in &report.cases {
            let _ = writeln!(
                out,
                "| `{}` | {} | `{:016x}` |",
                log.property, log.inputs, log.digest
            );
        }
    }

    out.push_str("\n## Coverage\n\n");
    match &report.coverage {
        Some(coverage) => out.push_str(&coverage.markdown()),
        None => out.push_str("Computed on a whole run only (this one was filtered).\n"),
    }
    secrets.scrub(&out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn the_summary_has_verdict_results_failures_notes_cases_and_seed() {
        let md = render(&fixture::report(), &fixture::secrets());
        for expected in [
            "# Contract suite, live mode: FAILED\n",
            "| clauses | 1 passed, 1 failed, 1 ignored |",
            "| requests sent | 7 (budget 10, 0 refused) |",
            "| wall time | 1.5 s |",
            "| seed | `42` (replay the generated cases: `CONTRACT_SEED=42`) |",
            "| cleanup | cancelled 2 orders, 1 already final, 0 failed |",
            "| `envelope::every_operation_and_status` | passed | 0.25 s |",
            "| `error_codes::rate_limited_429` | ignored | opt-in: needs CONTRACT_RATE_LIMIT_API_KEY |",
            "| `error_codes::not_found_404` | **failed** | contract clause `error-codes/404` broken by operation `get_order`: expected 404 NOT_FOUND, saw 400",
            "### `error_codes::not_found_404`\n\n```text\ncontract clause",
            "-H \"authorization: Bearer $CONTRACT_API_KEY\"",
            "| `error-codes/422` | `list_orders` | a 422 for `limit` has a message that does not name it | 3 | \"Anfrage \\| abgelehnt.\" |",
            "| `properties::invalid_inputs_rejected [live]` | 6 | `0000000000000abc` |",
            "Computed on a whole run only",
        ] {
            assert!(md.contains(expected), "{expected:?} not in:\n{md}");
        }
        assert!(!md.contains(fixture::KEY));
    }

    #[test]
    fn cells_and_fences_hold_any_text() {
        assert_eq!(cell("a|b\nc"), "a\\|b<br>c");
        assert_eq!(cell(&"x".repeat(300)).chars().count(), CELL + 1);
        assert_eq!(fenced("", "has ``` inside"), "````\nhas ``` inside\n````\n");
    }
}
