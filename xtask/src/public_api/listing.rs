//! Comparing API listings (one item per line, as `public-api` renders them): a committed
//! listing with the current one, and a feature's listing with the default one.

use std::collections::HashMap;

/// A committed listing against the current API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Comparison {
    /// Identical.
    Same,
    /// Differs; `diff` is a unified diff from the committed listing to the current API.
    Differs {
        /// `-` for items only in the committed listing, `+` for items only in the API now.
        diff: String,
    },
}

/// Compares the `committed` listing at `name` with the `current` one.
pub fn compare(name: &str, committed: &str, current: &str) -> Comparison {
    if committed == current {
        return Comparison::Same;
    }
    let diff = similar::TextDiff::from_lines(committed, current)
        .unified_diff()
        .context_radius(2)
        .header(&format!("{name} (committed)"), &format!("{name} (now)"))
        .to_string();
    Comparison::Differs { diff }
}

/// The lines of `with_feature` that `base` does not have, in order: what a feature adds. An
/// additive feature keeps every line of `base`; otherwise the lines it drops (or renders
/// differently) are the error.
pub fn feature_additions(base: &str, with_feature: &str) -> Result<String, Vec<String>> {
    let mut unmatched: HashMap<&str, usize> = HashMap::new();
    for line in base.lines() {
        *unmatched.entry(line).or_default() += 1;
    }
    let mut added = String::new();
    for line in with_feature.lines() {
        match unmatched.get_mut(line) {
            Some(count) if *count > 0 => *count -= 1,
            _ => {
                added.push_str(line);
                added.push('\n');
            }
        }
    }
    let mut removed = Vec::new();
    for line in base.lines() {
        if let Some(count) = unmatched.get_mut(line).filter(|count| **count > 0) {
            *count -= 1;
            removed.push(line.to_owned());
        }
    }
    if removed.is_empty() {
        Ok(added)
    } else {
        Err(removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LISTING: &str = "\
pub mod theopenmoney
pub struct theopenmoney::Client
pub fn theopenmoney::Client::get_order(&self, theopenmoney::OrderId) -> impl core::future::Future
pub fn theopenmoney::Client::get_balance(&self) -> impl core::future::Future
";

    fn diff_of(committed: &str, current: &str) -> String {
        match compare(LISTING_NAME, committed, current) {
            Comparison::Differs { diff } => diff,
            Comparison::Same => panic!("expected a difference"),
        }
    }

    const LISTING_NAME: &str = "sdk/public-api.txt";

    #[test]
    fn the_same_listing_matches() {
        assert_eq!(compare(LISTING_NAME, LISTING, LISTING), Comparison::Same);
    }

    #[test]
    fn an_added_item_is_a_plus_line_of_the_diff() {
        let now = format!("{LISTING}pub fn theopenmoney::Client::new_call(&self)\n");
        let diff = diff_of(LISTING, &now);
        assert!(
            diff.starts_with(
                "--- sdk/public-api.txt (committed)\n+++ sdk/public-api.txt (now)\n@@"
            ),
            "{diff}"
        );
        assert!(
            diff.contains("\n+pub fn theopenmoney::Client::new_call(&self)\n"),
            "{diff}"
        );
        assert_eq!(
            diff.lines().filter(|l| l.starts_with(['+', '-'])).count(),
            3
        );
    }

    #[test]
    fn a_removed_item_is_a_minus_line_of_the_diff() {
        let now = LISTING.replace(
            "pub fn theopenmoney::Client::get_balance(&self) -> impl core::future::Future\n",
            "",
        );
        let diff = diff_of(LISTING, &now);
        assert!(
            diff.contains(
                "\n-pub fn theopenmoney::Client::get_balance(&self) -> impl core::future::Future\n"
            ),
            "{diff}"
        );
        assert!(
            !diff
                .lines()
                .any(|l| l.starts_with('+') && !l.starts_with("+++"))
        );
    }

    #[test]
    fn a_changed_signature_is_a_minus_and_a_plus_line() {
        let now = LISTING.replace(
            "get_order(&self, theopenmoney::OrderId)",
            "get_order(&self, i64)",
        );
        let diff = diff_of(LISTING, &now);
        assert!(
            diff.contains(
                "\n-pub fn theopenmoney::Client::get_order(&self, theopenmoney::OrderId)"
            ) && diff.contains("\n+pub fn theopenmoney::Client::get_order(&self, i64)"),
            "{diff}"
        );
    }

    #[test]
    fn a_missing_listing_shows_every_item_as_added() {
        let diff = diff_of("", LISTING);
        assert_eq!(diff.lines().filter(|l| l.starts_with("+pub ")).count(), 4);
    }

    #[test]
    fn a_feature_adds_only_its_own_lines_in_order() {
        let with_feature = "\
pub mod theopenmoney
pub struct theopenmoney::Client
impl schemars::JsonSchema for theopenmoney::Client
pub fn theopenmoney::Client::get_order(&self, theopenmoney::OrderId) -> impl core::future::Future
pub fn theopenmoney::Client::get_balance(&self) -> impl core::future::Future
pub fn theopenmoney::Client::schema_name() -> alloc::string::String
";
        assert_eq!(
            feature_additions(LISTING, with_feature).unwrap(),
            "impl schemars::JsonSchema for theopenmoney::Client\n\
             pub fn theopenmoney::Client::schema_name() -> alloc::string::String\n"
        );
        assert_eq!(feature_additions(LISTING, LISTING).unwrap(), "");
    }

    #[test]
    fn a_feature_that_drops_an_item_is_not_additive() {
        let with_feature = LISTING.replace("pub struct theopenmoney::Client\n", "");
        assert_eq!(
            feature_additions(LISTING, &with_feature),
            Err(vec!["pub struct theopenmoney::Client".to_owned()])
        );
    }

    #[test]
    fn repeated_lines_are_counted() {
        let base = "impl core::marker::Send for theopenmoney::Client\n".repeat(2);
        let with_feature = "impl core::marker::Send for theopenmoney::Client\n";
        assert_eq!(
            feature_additions(&base, with_feature),
            Err(vec![
                "impl core::marker::Send for theopenmoney::Client".to_owned()
            ])
        );
        assert_eq!(
            feature_additions(with_feature, &base).unwrap(),
            "impl core::marker::Send for theopenmoney::Client\n"
        );
    }
}
