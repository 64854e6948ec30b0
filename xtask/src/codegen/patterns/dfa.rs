//! A spec `pattern` compiled into the tables of a deterministic automaton, so the sdk checks it
//! with a table walk instead of compiling a regex engine into every partner's build.
//!
//! JSON Schema patterns are ECMA-262 regular expressions, found anywhere in the string
//! (`RegExp.test`). regex-syntax reads the same syntax for literals, bracket classes, groups,
//! alternation, repetition and the `^`/`$` anchors; the constructs whose meaning differs between
//! the two dialects (`.`, `\d`/`\w`/`\s`, word boundaries, Unicode classes, flags, nested
//! classes) are refused, so a compiled pattern never means something else than the spec says.

use regex_automata::dfa::{Automaton, StartKind, dense};
use regex_automata::util::{start, syntax};
use regex_automata::{Anchored, MatchKind};
use regex_syntax::ast::{self, Ast, ClassSetItem, Visitor};

/// Reserved state: the pattern has matched; the rest of the string does not matter.
pub const FOUND: u16 = u16::MAX;
/// Reserved state: no continuation of the string can match.
pub const NEVER: u16 = u16::MAX - 1;

/// A pattern's automaton: `transitions[state * (eoi + 1) + class]` is the next state, where
/// `class` is `classes[byte]` for a byte of the string and `eoi` at its end. State 0 is the one
/// before the first byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tables {
    /// Each byte's equivalence class: bytes no state tells apart share one.
    pub classes: [u8; 256],
    /// The end-of-input class, one past the last byte class.
    pub eoi: u8,
    /// Row-major transitions, `eoi + 1` columns per state; [`FOUND`] and [`NEVER`] are final.
    pub transitions: Vec<u16>,
}

/// Compiles `pattern`, or says which construct the sdk's matcher does not take.
pub fn compile(pattern: &str) -> Result<Tables, String> {
    let parsed = ast::parse::Parser::new()
        .parse(pattern)
        .map_err(|e| format!("not a regular expression: {}", e.kind()))?;
    ast::visit(&parsed, Dialect { pattern })?;
    let dfa = dense::Builder::new()
        .configure(
            dense::Config::new()
                .minimize(true)
                .start_kind(StartKind::Unanchored)
                .match_kind(MatchKind::All),
        )
        .syntax(syntax::Config::new().unicode(true).utf8(true))
        .build(pattern)
        .map_err(|e| format!("cannot be compiled: {e}"))?;
    tabulate(&dfa)
}

/// Walks every state reachable from the start and numbers them in the order found, the start 0.
fn tabulate(dfa: &dense::DFA<Vec<u32>>) -> Result<Tables, String> {
    let start = dfa
        .start_state(&start::Config::new().anchored(Anchored::No))
        .map_err(|e| format!("has no start state: {e}"))?;
    let mut ids = vec![start];
    // Columns 0..=255 are bytes, 256 the end of input, before byte classes are merged.
    let mut rows: Vec<[u16; 257]> = Vec::new();
    let mut next = 0;
    while next < ids.len() {
        let from = ids[next];
        let mut row = [NEVER; 257];
        for (column, slot) in row.iter_mut().enumerate() {
            let to = match u8::try_from(column) {
                Ok(byte) => dfa.next_state(from, byte),
                Err(_) => dfa.next_eoi_state(from),
            };
            *slot = if dfa.is_quit_state(to) {
                return Err("needs a look-around the automaton cannot decide".into());
            } else if dfa.is_match_state(to) {
                FOUND
            } else if dfa.is_dead_state(to) {
                NEVER
            } else {
                let index = ids.iter().position(|&id| id == to).unwrap_or_else(|| {
                    ids.push(to);
                    ids.len() - 1
                });
                u16::try_from(index)
                    .ok()
                    .filter(|&i| i < NEVER)
                    .ok_or("needs more automaton states than the sdk's tables hold")?
            };
        }
        rows.push(row);
        next += 1;
    }
    merge_byte_classes(&rows)
}

/// Gives bytes that every state sends to the same place one shared column.
fn merge_byte_classes(rows: &[[u16; 257]]) -> Result<Tables, String> {
    let column = |byte: usize| rows.iter().map(|row| row[byte]).collect::<Vec<_>>();
    let mut representatives: Vec<usize> = Vec::new();
    let mut classes = [0u8; 256];
    for (byte, slot) in classes.iter_mut().enumerate() {
        let this = column(byte);
        let class = match representatives.iter().position(|&r| column(r) == this) {
            Some(class) => class,
            None => {
                representatives.push(byte);
                representatives.len() - 1
            }
        };
        // At most 256 distinct byte columns, so a class always fits a u8.
        *slot = class as u8;
    }
    let eoi = representatives.len();
    let mut transitions = Vec::with_capacity(rows.len() * (eoi + 1));
    for row in rows {
        transitions.extend(representatives.iter().map(|&r| row[r]));
        transitions.push(row[256]);
    }
    Ok(Tables {
        classes,
        eoi: u8::try_from(eoi)
            .map_err(|_| "tells all 256 bytes apart, leaving no class for the end")?,
        transitions,
    })
}

/// Refuses what ECMA-262 and regex-syntax read differently. Characters are code points, as with
/// ECMA-262's `u` flag and as regress (the engine the sdk's test compares with) reads them.
struct Dialect<'p> {
    pattern: &'p str,
}

impl Visitor for Dialect<'_> {
    type Output = ();
    type Err = String;

    fn finish(self) -> Result<(), String> {
        Ok(())
    }

    fn visit_pre(&mut self, ast: &Ast) -> Result<(), String> {
        let refused = match ast {
            Ast::Dot(_) => {
                Some("`.` (ECMA-262 also excludes `\\r` and U+2028/U+2029; write a class)")
            }
            Ast::ClassPerl(_) => {
                Some("`\\d`, `\\w` or `\\s` (ASCII in ECMA-262, Unicode here; write the class out)")
            }
            Ast::ClassUnicode(_) => {
                Some("a Unicode property class `\\p{…}` (write the ranges out)")
            }
            Ast::Literal(literal) => return check_literal(literal),
            Ast::Repetition(r)
                if matches!(r.op.kind, ast::RepetitionKind::Range(_))
                    && self.pattern[r.op.span.start.offset..r.op.span.end.offset]
                        .contains(char::is_whitespace) =>
            {
                Some("a count with spaces such as `{1, 64}` (literal text in ECMA-262)")
            }
            Ast::Flags(_) => Some("inline flags `(?…)`"),
            Ast::Group(g) if matches!(g.kind, ast::GroupKind::NonCapturing(ref f) if !f.items.is_empty()) => {
                Some("inline flags `(?…:…)`")
            }
            Ast::ClassBracketed(class) if starts_with_bare_bracket(&class.kind) => {
                Some("`]` first in a class (ECMA-262 reads `[]` as an empty class; escape it)")
            }
            Ast::Assertion(a) => match a.kind {
                ast::AssertionKind::StartLine | ast::AssertionKind::EndLine => None,
                _ => Some("an assertion other than `^` and `$`"),
            },
            _ => None,
        };
        refused.map_or(Ok(()), |what| Err(format!("uses {what}")))
    }

    fn visit_class_set_item_pre(&mut self, item: &ClassSetItem) -> Result<(), String> {
        match item {
            ClassSetItem::Bracketed(_) => Err("uses a nested class `[…[…]…]` (a literal `[` in ECMA-262; escape it)".into()),
            ClassSetItem::Perl(_) => Err("uses `\\d`, `\\w` or `\\s` in a class (ASCII in ECMA-262, Unicode here; write the ranges out)".into()),
            ClassSetItem::Unicode(_) => {
                Err("uses a Unicode property class `\\p{…}` (write the ranges out)".into())
            }
            ClassSetItem::Literal(literal) => check_literal(literal),
            ClassSetItem::Range(range) => {
                check_literal(&range.start).and_then(|()| check_literal(&range.end))
            }
            ClassSetItem::Ascii(_) => Err("uses a POSIX class `[[:…:]]` (not ECMA-262)".into()),
            _ => Ok(()),
        }
    }

    fn visit_class_set_binary_op_pre(&mut self, _: &ast::ClassSetBinaryOp) -> Result<(), String> {
        Err("uses a class operation `&&`, `--` or `~~` (not ECMA-262)".into())
    }
}

/// Escapes both dialects read the same way pass; the rest are refused.
fn check_literal(literal: &ast::Literal) -> Result<(), String> {
    use ast::{HexLiteralKind as Hex, LiteralKind as Kind, SpecialLiteralKind as Special};
    match &literal.kind {
        Kind::Verbatim | Kind::Meta | Kind::Superfluous => Ok(()),
        Kind::HexFixed(Hex::X | Hex::UnicodeShort) => Ok(()),
        Kind::Special(
            Special::FormFeed
            | Special::Tab
            | Special::LineFeed
            | Special::CarriageReturn
            | Special::VerticalTab,
        ) => Ok(()),
        Kind::HexFixed(Hex::UnicodeLong) | Kind::HexBrace(_) => Err(
            "uses `\\U…`, `\\x{…}` or `\\u{…}` (letters and a count in ECMA-262; write `\\uXXXX`)"
                .into(),
        ),
        Kind::Special(Special::Bell) => Err("uses `\\a` (a plain `a` in ECMA-262)".into()),
        _ => Err(format!(
            "uses the escape for `{}`, which ECMA-262 reads differently",
            literal.c.escape_default()
        )),
    }
}

fn starts_with_bare_bracket(set: &ast::ClassSet) -> bool {
    let first = match set {
        ast::ClassSet::Item(ClassSetItem::Union(union)) => union.items.first(),
        ast::ClassSet::Item(item) => Some(item),
        ast::ClassSet::BinaryOp(_) => None,
    };
    matches!(first, Some(ClassSetItem::Literal(l)) if l.c == ']' && l.kind == ast::LiteralKind::Verbatim)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Walks the tables as the sdk does.
    fn matches(tables: &Tables, text: &str) -> bool {
        let stride = usize::from(tables.eoi) + 1;
        let mut state = 0;
        for class in text
            .bytes()
            .map(|b| tables.classes[usize::from(b)])
            .chain([tables.eoi])
        {
            state = tables.transitions[usize::from(state) * stride + usize::from(class)];
            match state {
                FOUND => return true,
                NEVER => return false,
                _ => {}
            }
        }
        false
    }

    #[test]
    fn an_anchored_pattern_matches_the_whole_string_only() {
        let t = compile("^@?[A-Za-z0-9_]{5,32}$").unwrap();
        for yes in ["pandus", "@pandus", "a_b_c", &"x".repeat(32)] {
            assert!(matches(&t, yes), "{yes}");
        }
        for no in [
            "",
            "@",
            "abcd",
            "@@pandus",
            "pan dus",
            &"x".repeat(33),
            "pandüs",
        ] {
            assert!(!matches(&t, no), "{no}");
        }
    }

    #[test]
    fn an_unanchored_pattern_is_found_anywhere() {
        let t = compile("ab+c").unwrap();
        assert!(matches(&t, "xxabbbcyy"));
        assert!(matches(&t, "abc"));
        assert!(!matches(&t, "ab c"));
        let empty = compile("").unwrap();
        assert!(matches(&empty, ""));
        assert!(matches(&empty, "anything"));
    }

    #[test]
    fn multibyte_characters_count_as_one() {
        let t = compile("^[^a]$").unwrap();
        assert!(matches(&t, "é"));
        assert!(matches(&t, "€"));
        assert!(!matches(&t, "a"));
        assert!(!matches(&t, "éé"));
    }

    #[test]
    fn bytes_no_state_tells_apart_share_a_class() {
        let t = compile("^[a-z]+$").unwrap();
        assert_eq!(t.classes[usize::from(b'a')], t.classes[usize::from(b'q')]);
        assert_ne!(t.classes[usize::from(b'a')], t.classes[usize::from(b'A')]);
        assert!(usize::from(t.eoi) < 8, "{}", t.eoi);
    }

    #[test]
    fn escapes_both_dialects_share_are_taken() {
        let t = compile("^\\x41\\u0042[\\t\\-\\]]\\.\\/$").unwrap();
        assert!(matches(&t, "AB\t./"));
        assert!(matches(&t, "AB]./"));
        assert!(matches(&t, "AB-./"));
        assert!(!matches(&t, "AB ./"));
        assert!(compile("^a{1,64}$").is_ok());
    }

    #[test]
    fn constructs_that_differ_from_ecma_262_are_refused_by_name() {
        for (pattern, named) in [
            ("^a.c$", "`.`"),
            ("^\\d+$", "`\\d`"),
            ("^[\\w-]+$", "`\\d`, `\\w` or `\\s` in a class"),
            ("\\bword", "assertion"),
            ("(?i)abc", "flags"),
            ("(?i:abc)", "flags"),
            ("^[[a]]$", "nested class"),
            ("^[]a]$", "`]` first in a class"),
            ("^\\a$", "`\\a`"),
            ("^[\\a-z]$", "`\\a`"),
            ("^\\x{41}$", "`\\x{…}`"),
            ("^\\u{41}$", "`\\x{…}`"),
            ("^\\U00000041$", "`\\x{…}`"),
            ("^a{1, 64}$", "a count with spaces"),
            ("^a{ 2 }$", "a count with spaces"),
            ("^[^]a]$", "`]` first in a class"),
            ("^\\p{L}+$", "Unicode property class"),
            ("^[a&&b]$", "class operation"),
            ("^(a$", "not a regular expression"),
        ] {
            let err = compile(pattern).unwrap_err();
            assert!(err.contains(named), "{pattern}: {err}");
        }
    }
}
