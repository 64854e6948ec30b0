//! `cargo xtask public-api [--bless]`: the sdk's public API against the listings committed next
//! to it, so an accidental API change fails CI with a diff.
//!
//! rustdoc describes the sdk as JSON (`rustdoc_json`), the `public-api` crate renders that as
//! one line per item (blanket impls left out: they come from dependencies, not from the sdk),
//! and `listing` compares the result with the committed text. Two listings:
//! - `sdk/public-api.txt`: the API with the default features, what most partners compile;
//! - `sdk/public-api-schemars.txt`: only the items the `schemars` feature adds. A feature that
//!   removes or changes an item fails the check: features must be additive.
//!
//! The other features (`rustls`, `native-tls`, `http2`) choose reqwest's TLS and HTTP backends
//! and add no API.

mod listing;
mod rustdoc_json;

use std::path::Path;

use anyhow::{Context as _, Result};

pub use listing::{Comparison, compare, feature_additions};
pub use rustdoc_json::check_format_version;

/// The crate whose API is guarded.
pub const PACKAGE: &str = "theopenmoney";
/// The API with the default features.
pub const LISTING: &str = "sdk/public-api.txt";
/// The items the `schemars` feature adds to [`LISTING`].
pub const SCHEMARS_LISTING: &str = "sdk/public-api-schemars.txt";

/// Arguments of `cargo xtask public-api`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Args {
    /// Rewrite the listings from the current API (after an intended change; review `git diff`).
    #[arg(long)]
    pub bless: bool,
}

/// Lists the sdk's API and compares it with the committed listings (or rewrites them with
/// `--bless`), printing a unified diff for each that differs; `Ok(false)` when one does.
pub fn run(root: &Path, args: Args) -> Result<bool> {
    let default = list(root, &[])?;
    let with_schemars = list(root, &["schemars"])?;
    let schemars_additions = feature_additions(&default, &with_schemars).map_err(|removed| {
        anyhow::anyhow!(
            "the `schemars` feature removes or changes these items of the default API \
             (features must only add):\n{}",
            removed.join("\n")
        )
    })?;

    let mut all_match = true;
    for (relative, current) in [(LISTING, default), (SCHEMARS_LISTING, schemars_additions)] {
        let path = root.join(relative);
        let committed = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(e).with_context(|| format!("cannot read {relative}")),
        };
        let items = current.lines().count();
        match (compare(relative, &committed, &current), args.bless) {
            (Comparison::Same, _) => println!("public API: {relative} matches ({items} items)"),
            (Comparison::Differs { .. }, true) => {
                std::fs::write(&path, &current)
                    .with_context(|| format!("cannot write {relative}"))?;
                println!("public API: {relative} rewritten ({items} items); review `git diff`");
            }
            (Comparison::Differs { diff }, false) => {
                all_match = false;
                println!(
                    "public API: {relative} differs from the sdk's API \
                     (- committed, + now):\n{diff}"
                );
            }
        }
    }
    if !all_match {
        println!(
            "If the change is intended, run `cargo xtask public-api --bless` and commit the \
             listings with it."
        );
    }
    Ok(all_match)
}

/// The sdk's API with `features` on top of the defaults, one item per line.
fn list(root: &Path, features: &[&str]) -> Result<String> {
    let json = rustdoc_json::build(root, PACKAGE, features)?;
    let api = public_api::Builder::from_rustdoc_json(&json)
        .omit_blanket_impls(true)
        .build()
        .with_context(|| format!("cannot list the public API from {}", json.display()))?;
    Ok(api.to_string())
}
