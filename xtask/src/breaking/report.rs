//! Classified changes, the version check, and how they are printed.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use semver::Version;

use super::classify::Impact;
use super::delta::{Fact, Subject};
use super::version;

/// One change with both verdicts.
#[derive(Debug, Clone)]
pub struct Change {
    /// Where.
    pub subject: Subject,
    /// What.
    pub fact: Fact,
    /// For clients built from the old spec, on the wire.
    pub wire: Impact,
    /// For code compiled against the old sdk.
    pub rust: Impact,
    /// Operations whose requests carry it, in the base.
    pub sent_by: BTreeSet<String>,
    /// Operations whose responses carry it, in the base.
    pub returned_by: BTreeSet<String>,
}

impl Change {
    /// Whether either side breaks.
    pub fn is_breaking(&self) -> bool {
        self.wire.breaking || self.rust.breaking
    }

    /// The headline: verdicts, subject, fact and the operations it reaches.
    pub fn headline(&self) -> String {
        let label = match (self.wire.breaking, self.rust.breaking) {
            (true, true) => "BREAKING wire+rust",
            (true, false) => "BREAKING wire     ",
            (false, true) => "BREAKING rust     ",
            (false, false) => "compatible        ",
        };
        let mut line = format!("{label} {}: {}", self.subject, self.fact);
        if !self.returned_by.is_empty() {
            let _ = write!(line, "; returned by {}", list(&self.returned_by));
        }
        if !self.sent_by.is_empty() {
            let _ = write!(line, "; sent by {}", list(&self.sent_by));
        }
        line
    }
}

fn list(ops: &BTreeSet<String>) -> String {
    ops.iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every change between two specs.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// Breaking ones first, then in the order found.
    pub changes: Vec<Change>,
}

impl Comparison {
    /// Changes that break either side.
    pub fn breaking(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.is_breaking())
    }

    /// `(breaking, of them on the wire, of them in the Rust API)`.
    pub fn counts(&self) -> (usize, usize, usize) {
        let wire = self.changes.iter().filter(|c| c.wire.breaking).count();
        let rust = self.changes.iter().filter(|c| c.rust.breaking).count();
        (self.breaking().count(), wire, rust)
    }
}

/// The whole result of a gate run.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The git revision compared with.
    pub base_ref: String,
    /// The changes.
    pub comparison: Comparison,
    /// The sdk's version at the base.
    pub base_version: Version,
    /// The sdk's version in the working tree.
    pub head_version: Version,
}

impl Outcome {
    /// Whether the version step allows what changed.
    pub fn passes(&self) -> bool {
        self.comparison.breaking().next().is_none()
            || version::is_major_bump(&self.base_version, &self.head_version)
    }

    /// The full report: each change with both reasons, then the version check and the verdict.
    pub fn render(&self) -> String {
        let mut out = format!(
            "breaking-change gate: spec at `{}` → working tree\n",
            self.base_ref
        );
        if self.comparison.changes.is_empty() {
            out.push_str("  no changes\n");
        }
        for change in &self.comparison.changes {
            let _ = writeln!(out, "{}", change.headline());
            let _ = writeln!(out, "    wire: {}", change.wire.why);
            let _ = writeln!(out, "    rust: {}", change.rust.why);
        }
        let _ = writeln!(out, "{}", self.verdict());
        out
    }

    /// One line: counts, the version step and whether it passes.
    pub fn verdict(&self) -> String {
        let total = self.comparison.changes.len();
        let (breaking, wire, rust) = self.comparison.counts();
        let (base, head) = (&self.base_version, &self.head_version);
        let step = if base == head {
            format!("version {head} unchanged")
        } else {
            format!("version {base} → {head}")
        };
        if total == 0 {
            return format!(
                "verdict vs `{}`: ok, spec unchanged ({step})",
                self.base_ref
            );
        }
        if breaking == 0 {
            return format!(
                "verdict vs `{}`: ok, {total} change(s), none breaking ({step})",
                self.base_ref
            );
        }
        let what = format!(
            "{breaking} of {total} change(s) break partners (wire {wire}, Rust API {rust})"
        );
        if self.passes() {
            format!(
                "verdict vs `{}`: ok, {what}; {step} is a major bump",
                self.base_ref
            )
        } else {
            format!(
                "verdict vs `{}`: FAIL, {what}; {step}: needs at least {}",
                self.base_ref,
                version::next_major(base)
            )
        }
    }
}
