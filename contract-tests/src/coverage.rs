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
    /// Semantic comparisons made, per (clause, what the spec declares it on).
    meanings: Mutex<BTreeMap<(String, String), u32>>,
}

/// One row of the semantic part of the report: a meaning the spec declares and how often a
/// clause compared it (0: never, or skipped because other writers kept moving it; see notes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MeaningRow {
    pub clause: String,
    pub subject: String,
    pub checked: u32,
}

/// What the spec declares a meaning on, per semantic clause: every `x-pagination` list, every
/// `x-filter` parameter, every `x-aggregates` operation, every response declaring
/// `Idempotent-Replayed`, and the `Order` schema's prose invariants.
fn declared_meanings(spec: &Spec) -> Vec<(String, String)> {
    let mut declared = Vec::new();
    for op in &spec.operations {
        if op.pagination.is_some() {
            declared.push(("paging".to_owned(), op.id.clone()));
        }
        for filter in &op.filters {
            declared.push((
                "filters".to_owned(),
                format!("{}?{}", op.id, filter.parameter),
            ));
        }
        if op.aggregates.is_some() {
            declared.push(("aggregates".to_owned(), op.id.clone()));
        }
        let replayed = op
            .response(Status::Exact(200))
            .is_some_and(|r| r.headers.iter().any(|h| h.name == "idempotent-replayed"));
        if replayed {
            declared.push(("headers/idempotent-replayed".to_owned(), op.id.clone()));
        }
    }
    declared.push(("invariants/order".to_owned(), "Order".to_owned()));
    declared
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
    /// The declared meanings and how often each was compared (live mode only).
    pub meanings: Vec<MeaningRow>,
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

    /// Records one semantic comparison `clause` made on `subject`.
    pub(crate) fn record_meaning(&self, clause: &str, subject: &str) {
        *self
            .meanings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry((clause.to_owned(), subject.to_owned()))
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
        let checked = self
            .meanings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let meanings = if mode == "live" {
            declared_meanings(spec)
                .into_iter()
                .map(|key| MeaningRow {
                    checked: checked.get(&key).copied().unwrap_or(0),
                    clause: key.0,
                    subject: key.1,
                })
                .collect()
        } else {
            Vec::new()
        };
        Report {
            mode: mode.to_owned(),
            rows,
            meanings,
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
        if !self.meanings.is_empty() {
            out.push_str(
                "\nSemantic clauses: each meaning the spec declares, and how often a clause compared it \
                 (0: not compared, see the notes)\n\n| clause | declared on | compared |\n|---|---|---|\n",
            );
            for row in &self.meanings {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} |",
                    row.clause, row.subject, row.checked
                );
            }
        }
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

    #[test]
    fn every_declared_meaning_is_listed_with_how_often_it_was_compared() {
        let coverage = Coverage::default();
        coverage.record_meaning("paging", "list_orders");
        coverage.record_meaning("paging", "list_orders");
        let live = coverage.report("live", spec(), &[]);
        let subjects: Vec<(&str, &str, u32)> = live
            .meanings
            .iter()
            .map(|r| (r.clause.as_str(), r.subject.as_str(), r.checked))
            .collect();
        assert_eq!(
            subjects,
            [
                ("headers/idempotent-replayed", "create_stars_order", 0),
                ("headers/idempotent-replayed", "create_premium_order", 0),
                ("paging", "list_orders", 2),
                ("filters", "list_orders?status", 0),
                ("filters", "list_orders?order_type", 0),
                ("aggregates", "get_order_stats", 0),
                ("headers/idempotent-replayed", "cancel_order", 0),
                ("paging", "list_balance_transactions", 0),
                ("invariants/order", "Order", 0),
            ]
        );
        assert!(live.markdown().contains("| paging | list_orders | 2 |"));
        assert!(coverage.report("mock", spec(), &[]).meanings.is_empty());
    }
}
