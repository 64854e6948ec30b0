//! `cargo xtask breaking [--base <git ref>]`: what a spec change does to partners, on the wire
//! and in the sdk's Rust API, and whether the sdk's version was bumped to match.
//!
//! The spec at the base (`git show <ref>:openapi/theopenmoney.yaml`) is compared with the
//! working tree: `spec_diff` lists neutral facts, `wire` and `rust_api` classify each one, and
//! the run fails when something breaks and the version step is not a major one (for 0.x, a
//! minor bump counts as major).

mod classify;
mod delta;
mod document;
mod git;
mod report;
mod rust_api;
mod schema_diff;
mod spec_diff;
mod version;
mod wire;

use std::path::Path;

use anyhow::{Context as _, Result};

pub use classify::Impact;
pub use delta::{ExtensionChange, Fact, Part, SchemaChange, Subject, Tightening};
pub use report::{Change, Comparison, Outcome};
pub use rust_api::{HAND_WRITTEN, rust_type};

use crate::workspace;

/// Arguments of `cargo xtask breaking`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Args {
    /// Git revision to compare with [default: the latest `v*` tag, else `HEAD`].
    #[arg(long)]
    pub base: Option<String>,
}

/// Runs the gate and prints its report; `Ok(false)` when it fails.
pub fn run(root: &Path, args: Args) -> Result<bool> {
    let base = match args.base {
        Some(base) => base,
        None => git::default_base(root)?,
    };
    let outcome = check(root, &base)?;
    print!("{}", outcome.render());
    Ok(outcome.passes())
}

/// The gate's one-line verdict against `HEAD`, for the end of `cargo xtask codegen`.
pub fn verdict_against_head(root: &Path) -> String {
    match check(root, "HEAD") {
        Ok(outcome) => format!("breaking-change gate: {}", outcome.verdict()),
        Err(e) => format!("breaking-change gate: not run: {e:#}"),
    }
}

/// Compares the spec and the sdk's version at `base` with the working tree.
pub fn check(root: &Path, base: &str) -> Result<Outcome> {
    let base_spec = git::show(root, base, workspace::SPEC)?.unwrap_or_else(empty_spec);
    let head_path = root.join(workspace::SPEC);
    let head_spec = std::fs::read_to_string(&head_path)
        .with_context(|| format!("cannot read {}", head_path.display()))?;
    let comparison = compare_specs(&base_spec, &head_spec)?;

    let base_root = git::show(root, base, version::ROOT_MANIFEST)?
        .with_context(|| format!("{} does not exist at `{base}`", version::ROOT_MANIFEST))?;
    let base_sdk = git::show(root, base, version::SDK_MANIFEST)?;
    let base_version = version::sdk_version(&base_root, base_sdk.as_deref())?;
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).ok();
    let head_root = read(version::ROOT_MANIFEST)
        .with_context(|| format!("cannot read {}", version::ROOT_MANIFEST))?;
    let head_version = version::sdk_version(&head_root, read(version::SDK_MANIFEST).as_deref())?;

    Ok(Outcome {
        base_ref: base.to_owned(),
        comparison,
        base_version,
        head_version,
    })
}

/// A spec with nothing in it, for a base that predates the spec.
fn empty_spec() -> String {
    "openapi: 3.0.3\npaths: {}\n".to_owned()
}

/// Every change from `base` to `head` (spec texts), each classified on both sides.
pub fn compare_specs(base: &str, head: &str) -> Result<Comparison> {
    let base = document::Document::parse(base, &format!("{} (base)", workspace::SPEC))?;
    let head = document::Document::parse(head, workspace::SPEC)?;
    let ctx = classify::Context::new(&base);
    let mut changes: Vec<Change> = spec_diff::diff(&base, &head)
        .into_iter()
        .map(|delta| Change {
            wire: wire::classify(&delta, &ctx),
            rust: rust_api::classify(&delta, &ctx),
            sent_by: ctx.sent_by(&delta),
            returned_by: ctx.returned_by(&delta),
            subject: delta.subject,
            fact: delta.fact,
        })
        .collect();
    changes.sort_by_key(|c| !c.is_breaking());
    Ok(Comparison { changes })
}
