//! The spec's string patterns, checked by walking automaton tables that `cargo xtask codegen`
//! compiles from them (`xtask/src/codegen/patterns`), so no regex engine is compiled into a
//! partner's build and nothing is compiled at run time.

/// A transition to this state means the pattern matched.
pub(crate) const FOUND: u16 = u16::MAX;
/// A transition to this state means no continuation of the text can match.
pub(crate) const NEVER: u16 = u16::MAX - 1;

/// One pattern's automaton.
#[derive(Debug)]
pub(crate) struct Pattern {
    /// Each byte's column in a row of `transitions`.
    pub(crate) classes: [u8; 256],
    /// One row per state, the first before the first byte: the next state for each byte class,
    /// then for the end of the text.
    pub(crate) transitions: &'static [&'static [u16]],
}

impl Pattern {
    /// Whether the pattern matches somewhere in `text`, as ECMA-262's `RegExp.test` and JSON
    /// Schema's `pattern` mean it.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        let mut state = 0;
        for &byte in text.as_bytes() {
            let row = self.transitions[usize::from(state)];
            state = row[usize::from(self.classes[usize::from(byte)])];
            if state >= NEVER {
                return state == FOUND;
            }
        }
        let row = self.transitions[usize::from(state)];
        row[row.len() - 1] == FOUND
    }
}

/// The byte → class table from runs of `(first byte, last byte, class)`; other bytes are class 0.
pub(crate) const fn byte_classes(runs: &[(u8, u8, u8)]) -> [u8; 256] {
    let mut classes = [0; 256];
    let mut run = 0;
    while run < runs.len() {
        let (first, last, class) = runs[run];
        let mut byte = first as usize;
        while byte <= last as usize {
            classes[byte] = class;
            byte += 1;
        }
        run += 1;
    }
    classes
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::types::patterns::ALL;

    /// What an ECMA-262 engine says: regress, the engine typify's generated code used before.
    fn ecma_262(source: &str, text: &str) -> bool {
        regress::Regex::new(source)
            .expect("the spec's patterns are ECMA-262")
            .find(text)
            .is_some()
    }

    /// `source` without its `^` and `$` anchors (outside classes), which proptest cannot
    /// generate from; what it generates is then only a guide, and regress still decides.
    fn without_anchors(source: &str) -> String {
        let (mut out, mut in_class, mut escaped) = (String::new(), false, false);
        for c in source.chars() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '[' => in_class = true,
                ']' => in_class = false,
                '^' | '$' if !in_class => continue,
                _ => {}
            }
            out.push(c);
        }
        out
    }

    /// Texts near a pattern: ones it generates, the same with one character removed, replaced
    /// or inserted, and arbitrary ones over ASCII, controls and multi-byte characters.
    fn texts(source: &'static str) -> BoxedStrategy<String> {
        let any_char = prop_oneof![
            4 => proptest::char::range('!', '~'),
            1 => proptest::char::range('\0', ' '),
            1 => proptest::sample::select(vec!['\u{7f}', 'é', '€', '😀', '\u{2028}', '.', '@']),
        ];
        let arbitrary = proptest::collection::vec(any_char.clone(), 0..40)
            .prop_map(|chars| chars.into_iter().collect::<String>());
        let guide = without_anchors(source);
        let generated = || {
            proptest::string::string_regex(&guide)
                .unwrap_or_else(|e| panic!("no strategy generates `{source}`: {e}"))
        };
        let mutated = (generated(), any::<prop::sample::Index>(), any_char, 0..3u8).prop_map(
            |(text, at, c, how)| {
                let mut chars: Vec<char> = text.chars().collect();
                let i = if chars.is_empty() {
                    0
                } else {
                    at.index(chars.len())
                };
                match how {
                    0 if !chars.is_empty() => {
                        chars.remove(i);
                    }
                    1 if !chars.is_empty() => chars[i] = c,
                    _ => chars.insert(i, c),
                }
                chars.into_iter().collect()
            },
        );
        prop_oneof![generated(), mutated, arbitrary].boxed()
    }

    #[test]
    fn the_spec_has_patterns_to_check() {
        assert!(!ALL.is_empty());
    }

    /// Without this, a pattern whose texts all miss (or all match) would agree vacuously.
    #[test]
    fn the_texts_of_every_pattern_both_match_and_miss() {
        use proptest::strategy::ValueTree;
        use proptest::test_runner::TestRunner;
        for &(source, _) in ALL {
            let strategy = texts(source);
            let mut runner = TestRunner::deterministic();
            let matched = (0..400)
                .map(|_| strategy.new_tree(&mut runner).expect("a text").current())
                .filter(|text| ecma_262(source, text))
                .count();
            assert!(
                (40..=360).contains(&matched),
                "{source}: {matched} of 400 texts match; the test needs both outcomes"
            );
        }
    }

    #[test]
    fn anchors_are_dropped_outside_classes_and_escapes_only() {
        assert_eq!(without_anchors("^a$|^b$"), "a|b");
        assert_eq!(without_anchors("^[^$]\\$x$"), "[^$]\\$x");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        #[test]
        fn every_pattern_agrees_with_an_ecma_262_engine(
            (index, text) in (0..ALL.len()).prop_flat_map(|i| (Just(i), texts(ALL[i].0)))
        ) {
            let (source, pattern) = ALL[index];
            prop_assert_eq!(pattern.is_match(&text), ecma_262(source, &text), "{} on {:?}", source, text);
        }
    }

    #[test]
    fn byte_runs_fill_their_classes_and_leave_the_rest_at_zero() {
        let classes = byte_classes(&[(b'a', b'c', 1), (b'z', b'z', 2), (255, 255, 3)]);
        assert_eq!(classes[usize::from(b'a')], 1);
        assert_eq!(classes[usize::from(b'c')], 1);
        assert_eq!(classes[usize::from(b'd')], 0);
        assert_eq!(classes[usize::from(b'z')], 2);
        assert_eq!(classes[255], 3);
        assert_eq!(classes[0], 0);
    }
}
