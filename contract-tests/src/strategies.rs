//! proptest strategies derived from the spec's schemas: bounds, enums and patterns are read
//! from `openapi/theopenmoney.yaml`, so a spec change changes what is generated.

use std::sync::LazyLock;

use proptest::prelude::*;
use regex::Regex;

use crate::spec::{integer_bounds, integer_enum, length_bounds, pattern, spec};

/// The input rules of the spec.
#[derive(Debug, Clone)]
pub(crate) struct Rules {
    /// `StarsQuantity` minimum and maximum.
    pub quantity: (i64, i64),
    /// `PremiumMonths` values.
    pub months: Vec<i64>,
    /// `RecipientUsername` pattern, anchored.
    pub username: Regex,
    /// Its pattern without anchors, for generation.
    pub username_body: String,
    /// `Limit` minimum and maximum.
    pub limit: (i64, i64),
    /// `Offset` minimum.
    pub offset_min: i64,
    /// `ClientReference` pattern, anchored.
    pub reference: Regex,
    /// Its pattern without anchors, every open-ended repetition capped at `reference_max`,
    /// for generation.
    pub reference_body: String,
    /// `ClientReference` minimum and maximum length.
    pub reference_len: (usize, usize),
}

impl Rules {
    /// Whether `reference` is a valid `ClientReference`: the pattern and the length bounds.
    pub(crate) fn is_valid_reference(&self, reference: &str) -> bool {
        let len = reference.chars().count();
        self.reference.is_match(reference)
            && (self.reference_len.0..=self.reference_len.1).contains(&len)
    }
}

/// `pattern` without its anchors, each open-ended `{n,}` capped at `{n,max}` (proptest would
/// otherwise stop at twice `n`).
fn generation_body(pattern: &str, max: usize) -> String {
    static OPEN_ENDED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\{(\d+),\}").expect("a regex"));
    let body = pattern.trim_start_matches('^').trim_end_matches('$');
    OPEN_ENDED
        .replace_all(body, format!("{{${{1}},{max}}}"))
        .into_owned()
}

/// The rules, read once.
pub(crate) fn rules() -> &'static Rules {
    static RULES: LazyLock<Rules> = LazyLock::new(|| {
        let spec = spec();
        let (qmin, qmax) = integer_bounds(spec.schema("StarsQuantity"));
        let username = pattern(spec.schema("RecipientUsername")).to_owned();
        let (lmin, lmax) = integer_bounds(spec.parameter_schema("Limit"));
        let (omin, _) = integer_bounds(spec.parameter_schema("Offset"));
        let reference = pattern(spec.schema("ClientReference")).to_owned();
        let (rmin, rmax) = length_bounds(spec.schema("ClientReference"));
        let rmax = rmax.expect("reference maximum length");
        Rules {
            quantity: (
                qmin.expect("quantity minimum"),
                qmax.expect("quantity maximum"),
            ),
            months: integer_enum(spec.schema("PremiumMonths")),
            username: Regex::new(&username).expect("the username pattern compiles"),
            username_body: username
                .trim_start_matches('^')
                .trim_end_matches('$')
                .to_owned(),
            limit: (lmin.expect("limit minimum"), lmax.expect("limit maximum")),
            offset_min: omin.expect("offset minimum"),
            reference: Regex::new(&reference).expect("the reference pattern compiles"),
            reference_body: generation_body(&reference, rmax),
            reference_len: (rmin.unwrap_or(0), rmax),
        }
    });
    &RULES
}

/// A valid Stars quantity.
pub(crate) fn valid_quantity() -> impl Strategy<Value = u32> {
    let (min, max) = rules().quantity;
    (min..=max).prop_map(|q| u32::try_from(q).expect("positive bounds"))
}

/// A valid Premium duration.
pub(crate) fn valid_months() -> impl Strategy<Value = u32> {
    proptest::sample::select(rules().months.clone())
        .prop_map(|m| u32::try_from(m).expect("positive"))
}

/// A valid username, sometimes with the leading `@`.
pub(crate) fn valid_username() -> impl Strategy<Value = String> {
    proptest::string::string_regex(&rules().username_body).expect("the username pattern generates")
}

/// A valid `client_reference`: generated from the spec's `ClientReference` pattern, any
/// length up to its `maxLength`, and checked against both.
pub(crate) fn valid_reference() -> impl Strategy<Value = String> {
    let rules = rules();
    proptest::string::string_regex(&rules.reference_body)
        .expect("the reference pattern generates")
        .prop_filter("a valid ClientReference", |r| rules.is_valid_reference(r))
}

/// A valid `client_reference` that starts with `prefix` (a run's tag, so the run's orders can
/// be told apart): `prefix` then a valid reference, cut to `maxLength`. `prefix` must itself
/// be at least 3 printable characters, which keeps every such string valid.
pub(crate) fn valid_reference_after(prefix: String) -> impl Strategy<Value = String> {
    let rules = rules();
    assert!(
        rules.is_valid_reference(&prefix) && prefix.len() < rules.reference_len.1,
        "{prefix:?} cannot start a valid reference"
    );
    valid_reference()
        .prop_map(move |suffix| {
            let mut reference = format!("{prefix}{suffix}");
            reference.truncate(rules.reference_len.1);
            reference
        })
        .prop_filter("a valid ClientReference", |r| rules.is_valid_reference(r))
}

/// An invalid input of some operation, and the field the server must name.
#[derive(Debug, Clone)]
pub(crate) enum Invalid {
    /// A Stars quantity outside the bounds.
    Quantity(i64),
    /// Premium months not on sale.
    Months(i64),
    /// A username that breaks the pattern.
    Username(String),
    /// A page size outside the bounds.
    Limit(i64),
    /// A negative offset.
    Offset(i64),
}

impl Invalid {
    /// The field a 422 must name.
    pub(crate) fn field(&self) -> &'static str {
        match self {
            Self::Quantity(_) => "quantity",
            Self::Months(_) => "months",
            Self::Username(_) => "username",
            Self::Limit(_) => "limit",
            Self::Offset(_) => "offset",
        }
    }
}

fn invalid_username() -> impl Strategy<Value = String> {
    let rules = rules();
    prop_oneof![
        "[A-Za-z0-9_]{0,4}",
        "[A-Za-z0-9_]{33,40}",
        "[A-Za-z0-9_]{2,10}[-. !#é][A-Za-z0-9_]{2,10}",
        "@@[A-Za-z0-9_]{5,10}",
    ]
    .prop_filter("breaks the spec's pattern", |u| !rules.username.is_match(u))
}

/// An invalid input; `sdk_expressible` keeps values the sdk's types can carry (no negatives).
pub(crate) fn invalid_input(sdk_expressible: bool) -> impl Strategy<Value = Invalid> {
    let r = rules();
    let (qmin, qmax) = r.quantity;
    let (lmin, lmax) = r.limit;
    let floor = if sdk_expressible {
        0
    } else {
        i64::from(i32::MIN)
    };
    let months = r.months.clone();
    prop_oneof![
        prop_oneof![floor..qmin, (qmax + 1)..=i64::from(i32::MAX)].prop_map(Invalid::Quantity),
        (floor..=24)
            .prop_filter("not on sale", move |m| !months.contains(m))
            .prop_map(Invalid::Months),
        invalid_username().prop_map(Invalid::Username),
        prop_oneof![floor..lmin, (lmax + 1)..=10_000].prop_map(Invalid::Limit),
        (i64::from(i32::MIN)..r.offset_min).prop_map(Invalid::Offset),
    ]
}

/// proptest settings for `cases` cases generated from `seed`, writing no regression files
/// (the seed is what replays a run).
pub(crate) fn config(cases: u32, seed: u64) -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 64,
        rng_seed: proptest::test_runner::RngSeed::Fixed(seed),
        ..proptest::test_runner::Config::default()
    }
}

#[cfg(test)]
mod tests {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    use super::*;

    #[test]
    fn bounds_come_from_the_spec() {
        let r = rules();
        assert_eq!(r.quantity, (50, 10000));
        assert_eq!(r.months, [3, 6, 12]);
        assert_eq!(r.limit, (1, 100));
        assert_eq!(r.offset_min, 0);
        assert!(r.username.is_match("@pandus") && !r.username.is_match("ab"));
        assert_eq!(r.reference_len, (1, 128));
        for ok in ["a", "ab", ".a", "a.", "...", "invoice-42", &"r".repeat(128)] {
            assert!(r.is_valid_reference(ok), "{ok:?}");
        }
        for bad in ["", ".", "..", "has space", "é", &"r".repeat(129)] {
            assert!(!r.is_valid_reference(bad), "{bad:?}");
        }
    }

    #[test]
    fn valid_references_follow_the_spec_at_every_length() {
        let mut runner = TestRunner::deterministic();
        let r = rules();
        let mut lengths = std::collections::BTreeSet::new();
        for _ in 0..2000 {
            let reference = valid_reference().new_tree(&mut runner).unwrap().current();
            assert!(r.is_valid_reference(&reference), "{reference:?}");
            lengths.insert(reference.len());
        }
        // Every alternative of the pattern, up to the spec's maximum length.
        assert!(lengths.contains(&1) && lengths.contains(&2), "{lengths:?}");
        assert!(lengths.iter().any(|l| *l > 100), "{lengths:?}");
        assert_eq!(lengths.last(), Some(&r.reference_len.1), "{lengths:?}");
        for _ in 0..200 {
            let reference = valid_reference_after("ct-0123456789ab-prop-".to_owned())
                .new_tree(&mut runner)
                .unwrap()
                .current();
            assert!(reference.starts_with("ct-0123456789ab-prop-"));
            assert!(r.is_valid_reference(&reference), "{reference:?}");
        }
    }

    #[test]
    fn generated_values_fall_on_the_right_side_of_the_rules() {
        let mut runner = TestRunner::deterministic();
        let r = rules();
        for _ in 0..200 {
            let name = valid_username().new_tree(&mut runner).unwrap().current();
            assert!(r.username.is_match(&name), "{name}");
            match invalid_input(false)
                .new_tree(&mut runner)
                .unwrap()
                .current()
            {
                Invalid::Quantity(q) => assert!(q < r.quantity.0 || q > r.quantity.1),
                Invalid::Months(m) => assert!(!r.months.contains(&m)),
                Invalid::Username(u) => assert!(!r.username.is_match(&u)),
                Invalid::Limit(l) => assert!(l < r.limit.0 || l > r.limit.1),
                Invalid::Offset(o) => assert!(o < r.offset_min),
            }
        }
    }
}
