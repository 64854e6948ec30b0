//! Which operation × status × error code a run exercised, against what the spec documents.
//! Every response the suite's clients receive passes the recording proxy, which records it
//! here; at the end the harness prints the table, writes it under `target/`, and fails the run
//! when a documented triple was neither exercised nor skipped with a reason.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;

use crate::skips::Skip;
use crate::spec::{Spec, Status};

/// (operation, status, error code or `-`).
pub(crate) type Triple = (String, Status, String);

/// The responses seen, counted per triple.
#[derive(Debug, Default)]
pub(crate) struct Coverage {
    seen: Mutex<BTreeMap<Triple, u32>>,
}

/// One row of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    pub triple: Triple,
    /// Whether the spec documents it.
    pub documented: bool,
    /// How many responses matched it.
    pub hits: u32,
    /// Why it may go unexercised in this mode.
    pub skipped: Option<String>,
}

impl Row {
    /// A documented triple neither exercised nor skipped.
    pub(crate) fn is_missing(&self) -> bool {
        self.documented && self.hits == 0 && self.skipped.is_none()
    }
}

/// The coverage of one run.
#[derive(Debug, Clone)]
pub(crate) struct Report {
    /// `mock` or `live`.
    pub mode: String,
    /// Documented triples first, in the spec's order, then undocumented ones seen.
    pub rows: Vec<Row>,
}

impl Coverage {
    /// Records one response.
    pub(crate) fn record(&self, operation: &str, status: Status, code: &str) {
        let key = (operation.to_owned(), status, code.to_owned());
        *self
            .seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key)
            .or_default() += 1;
    }

    /// The report for this run.
    pub(crate) fn report(&self, mode: &str, spec: &Spec, skips: &[Skip]) -> Report {
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let documented = spec.documented_triples();
        let mut rows: Vec<Row> = documented
            .iter()
            .map(|triple| Row {
                triple: triple.clone(),
                documented: true,
                hits: seen.get(triple).copied().unwrap_or(0),
                skipped: skips
                    .iter()
                    .find(|s| s.covers(spec.operation(&triple.0), triple.1, &triple.2))
                    .map(|s| s.reason.clone()),
            })
            .collect();
        for (triple, hits) in &seen {
            if !documented.contains(triple) {
                rows.push(Row {
                    triple: triple.clone(),
                    documented: false,
                    hits: *hits,
                    skipped: None,
                });
            }
        }
        Report {
            mode: mode.to_owned(),
            rows,
        }
    }
}

impl Report {
    /// Documented triples neither exercised nor skipped.
    pub(crate) fn missing(&self) -> Vec<&Row> {
        self.rows.iter().filter(|r| r.is_missing()).collect()
    }

    /// The report as a Markdown table with a summary line.
    pub(crate) fn markdown(&self) -> String {
        let mut out = format!(
            "Contract coverage, {} mode: operation x status x error code\n\n\
             | operation | status | error code | exercised | note |\n|---|---|---|---|---|\n",
            self.mode
        );
        for row in &self.rows {
            let (op, status, code) = &row.triple;
            let exercised = if row.hits > 0 {
                format!("yes ({})", row.hits)
            } else {
                "no".to_owned()
            };
            let note = match (&row.skipped, row.documented, row.hits) {
                (_, false, _) => "not documented (an addition)".to_owned(),
                (Some(reason), true, 0) => format!("skipped: {reason}"),
                (None, true, 0) => "MISSING".to_owned(),
                _ => String::new(),
            };
            let _ = writeln!(out, "| {op} | {status} | {code} | {exercised} | {note} |");
        }
        let documented = self.rows.iter().filter(|r| r.documented).count();
        let exercised = self
            .rows
            .iter()
            .filter(|r| r.documented && r.hits > 0)
            .count();
        let skipped = self
            .rows
            .iter()
            .filter(|r| r.documented && r.hits == 0 && r.skipped.is_some())
            .count();
        let _ = writeln!(
            out,
            "\n{} mode: {documented} documented, {exercised} exercised, {skipped} skipped with a reason, {} missing",
            self.mode,
            self.missing().len()
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::spec;

    #[test]
    fn unexercised_documented_triples_are_missing_unless_skipped() {
        let spec = spec();
        let coverage = Coverage::default();
        coverage.record("get_health", Status::Exact(200), "-");
        coverage.record("get_health", Status::Exact(418), "TEAPOT");
        let skip = Skip::new("no server fault on demand", |_, status, _| {
            status == Status::Class(5)
        });
        let report = coverage.report("live", spec, &[skip]);
        let row = |op: &str, status, code: &str| {
            report
                .rows
                .iter()
                .find(|r| r.triple == (op.to_owned(), status, code.to_owned()))
                .unwrap()
                .clone()
        };
        assert_eq!(row("get_health", Status::Exact(200), "-").hits, 1);
        assert!(!row("get_health", Status::Class(5), "INTERNAL_ERROR").is_missing());
        assert!(row("get_balance", Status::Exact(401), "UNAUTHORIZED").is_missing());
        assert!(!row("get_health", Status::Exact(418), "TEAPOT").documented);
        let table = report.markdown();
        assert!(table.contains("| get_balance | 401 | UNAUTHORIZED | no | MISSING |"));
        assert!(table.contains("skipped: no server fault on demand"));
    }
}
