//! `cargo xtask codegen`: spec → progenitor → formatted, headed Rust files.
//!
//! Generation is all in memory first; files are written only after every output was produced,
//! each atomically, so a broken spec never leaves the sdk half-regenerated.

mod cli;
mod contract_extensions;
mod extensions;
mod generate;
mod operations;
mod optional_derives;
mod output;
mod patterns;
mod progenitor_shapes;
mod settings;
mod signature;
mod spec;
mod struct_builders;
mod surface;
pub mod synthetic;

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;

pub use generate::{Generated, generate};
pub use output::{FileState, Mode, header};
pub use settings::REPLACEMENTS;
pub use spec::{Spec, load_spec, parse_spec};

use crate::workspace;

/// What one run did, for the summary.
#[derive(Debug)]
pub struct Report {
    /// Operations in the spec.
    pub operations: usize,
    /// Types in the generated `types` module.
    pub types: usize,
    /// Each output file and what happened to it.
    pub files: Vec<(String, FileState)>,
    /// Wall time of the whole run.
    pub elapsed: Duration,
}

impl Report {
    /// Whether every file was already up to date.
    pub fn is_fresh(&self) -> bool {
        self.files.iter().all(|(_, s)| *s == FileState::Unchanged)
    }

    /// A one-screen summary.
    pub fn summary(&self, mode: Mode) -> String {
        let mut out = format!(
            "codegen{}: {} operations, {} types, {:.1} ms\n",
            if mode == Mode::Check { " --check" } else { "" },
            self.operations,
            self.types,
            self.elapsed.as_secs_f64() * 1000.0
        );
        for (path, state) in &self.files {
            out.push_str(&format!("  {:<10} {path}\n", state.label(mode)));
        }
        out
    }
}

/// Runs codegen against the workspace at `root`.
pub fn run(root: &Path, mode: Mode) -> Result<Report> {
    let started = Instant::now();
    let spec_path = root.join(workspace::SPEC);
    let spec = load_spec(&spec_path, workspace::SPEC)?;
    let generated = generate(&spec)?;
    // After generation, whose checks of `x-pagination` these stand on.
    contract_extensions::check(&spec)?;
    let spec_copy = output::spec_copy(&spec);
    let outputs = [
        (workspace::SDK_GENERATED, &generated.sdk),
        (workspace::SDK_API_GENERATED, &generated.api),
        (workspace::MOCKS_GENERATED, &generated.mocks),
        (workspace::CLI_GENERATED, &generated.cli),
        (workspace::SANDBOX_SPEC_COPY, &spec_copy),
    ];
    let mut files = Vec::new();
    let mut stale = Vec::new();
    for (rel, content) in outputs {
        let state = output::compare(&root.join(rel), content)?;
        if let FileState::Stale { diff } = &state {
            stale.push(format!(
                "--- {rel} (on disk)\n+++ {rel} (from {})\n{diff}",
                workspace::SPEC
            ));
        }
        files.push((rel.to_string(), state));
    }
    if mode == Mode::Write {
        for ((rel, content), (_, state)) in outputs.iter().zip(&mut files) {
            if *state != FileState::Unchanged {
                output::write_atomically(&root.join(rel), content)?;
            }
        }
    }
    let report = Report {
        operations: spec.operation_count(),
        types: generated.type_count,
        files,
        elapsed: started.elapsed(),
    };
    if mode == Mode::Check && !stale.is_empty() {
        anyhow::bail!(
            "{}generated code is stale: run `cargo xtask codegen` and commit the result\n\n{}",
            report.summary(mode),
            stale.join("\n")
        );
    }
    Ok(report)
}
