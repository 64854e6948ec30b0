//! Output for people (a key/value view or a table) and for scripts (`json`: the response's
//! `data`; `ndjson`: one item a line). Values are rendered from the sdk's own serialization,
//! whose amounts are exact JSON numbers, and walked as raw JSON text: no number is ever parsed
//! into a float.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;
use serde_json::value::RawValue;

use super::exit::Failure;

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A key/value view or a table, for people.
    Table,
    /// The response's `data`, pretty-printed JSON.
    Json,
    /// One JSON value a line: each item of a list, streamed as pages arrive with `--all`.
    Ndjson,
}

impl clap::ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &[Self::Table, Self::Json, Self::Ndjson]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let (name, help) = match self {
            Self::Table => ("table", "A key/value view or a table, for people"),
            Self::Json => ("json", "The response's `data`, pretty-printed JSON"),
            Self::Ndjson => (
                "ndjson",
                "One JSON value a line: each item of a list, streamed as pages arrive with `--all`",
            ),
        };
        Some(clap::builder::PossibleValue::new(name).help(help))
    }
}

/// A value's JSON text, exactly as the sdk serializes it.
pub fn to_json<T: Serialize>(value: &T) -> Result<Box<RawValue>, Failure> {
    let text = serde_json::to_string(value)
        .map_err(|e| Failure::new(super::exit::Class::Other, format!("encoding output: {e}")))?;
    RawValue::from_string(text)
        .map_err(|e| Failure::new(super::exit::Class::Other, format!("encoding output: {e}")))
}

/// `text` safe for a terminal: each control character (ESC, BEL, CR, …) written as its escape
/// (`\u{1b}`), so a server's string cannot move the cursor, retitle the window or set the
/// clipboard (OSC 52). For people only: `json` and `ndjson` stay exact.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One JSON value, seen one level deep.
enum Node {
    Object(BTreeMap<String, Box<RawValue>>),
    Array(Vec<Box<RawValue>>),
    Scalar(String),
}

fn node(raw: &RawValue) -> Node {
    let text = raw.get().trim_start();
    let parsed = match text.as_bytes().first() {
        Some(b'{') => serde_json::from_str(text).map(Node::Object).ok(),
        Some(b'[') => serde_json::from_str(text).map(Node::Array).ok(),
        _ => None,
    };
    parsed.unwrap_or_else(|| Node::Scalar(scalar(raw)))
}

/// A value as one cell: strings unquoted (control characters escaped), numbers digit for
/// digit, `null` as `-`, anything nested as compact JSON.
fn scalar(raw: &RawValue) -> String {
    let text = raw.get().trim();
    if text.starts_with('"')
        && let Ok(s) = serde_json::from_str::<String>(text)
    {
        return for_terminal(&s).into_owned();
    }
    if text == "null" {
        return "-".into();
    }
    text.to_owned()
}

/// The items of a list result: the value itself when it is an array, or the one array field
/// of a page object.
pub fn items(raw: &RawValue) -> Option<Vec<Box<RawValue>>> {
    match node(raw) {
        Node::Array(items) => Some(items),
        Node::Object(fields) => {
            let mut arrays = fields.into_values().filter_map(|v| match node(&v) {
                Node::Array(items) => Some(items),
                _ => None,
            });
            let first = arrays.next()?;
            arrays.next().is_none().then_some(first)
        }
        Node::Scalar(_) => None,
    }
}

/// Writes `raw` for people: a table for lists, a key/value view for objects.
pub fn human(out: &mut dyn Write, raw: &RawValue) -> std::io::Result<()> {
    match node(raw) {
        Node::Array(items) => table(out, &items),
        Node::Object(fields) => {
            let (lists, plain): (Vec<_>, Vec<_>) = fields
                .iter()
                .partition(|(_, v)| matches!(node(v), Node::Array(_)));
            for (name, value) in &lists {
                if let Node::Array(items) = node(value) {
                    if lists.len() > 1 {
                        writeln!(out, "{}:", for_terminal(name))?;
                    }
                    table(out, &items)?;
                }
            }
            if !lists.is_empty() && !plain.is_empty() {
                writeln!(out)?;
            }
            let names: Vec<Cow<'_, str>> = plain.iter().map(|(k, _)| for_terminal(k)).collect();
            let width = names.iter().map(|k| k.chars().count()).max().unwrap_or(0);
            for (name, (_, value)) in names.iter().zip(plain) {
                let style = anstyle::Style::new().bold();
                writeln!(out, "{style}{name:<width$}{style:#}  {}", scalar(value))?;
            }
            Ok(())
        }
        Node::Scalar(s) => writeln!(out, "{s}"),
    }
}

/// A table of objects: one column per field of the first item.
fn table(out: &mut dyn Write, items: &[Box<RawValue>]) -> std::io::Result<()> {
    if items.is_empty() {
        return writeln!(out, "(none)");
    }
    let rows: Vec<BTreeMap<String, Box<RawValue>>> = items
        .iter()
        .filter_map(|i| match node(i) {
            Node::Object(fields) => Some(fields),
            _ => None,
        })
        .collect();
    if rows.len() != items.len() {
        for item in items {
            writeln!(out, "{}", scalar(item))?;
        }
        return Ok(());
    }
    let keys: Vec<&String> = rows[0].keys().collect();
    let columns: Vec<Cow<'_, str>> = keys.iter().map(|k| for_terminal(k)).collect();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            keys.iter()
                .map(|c| r.get(*c).map_or_else(|| "-".to_owned(), |v| scalar(v)))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            cells
                .iter()
                .map(|r| r[i].chars().count())
                .chain([c.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let style = anstyle::Style::new().bold();
    writeln!(out, "{style}{}{style:#}", padded(&columns, &widths))?;
    for row in cells {
        writeln!(out, "{}", padded(&row, &widths))?;
    }
    Ok(())
}

/// One table line: each cell left-aligned in its column.
fn padded(cells: &[impl std::fmt::Display], widths: &[usize]) -> String {
    let line: Vec<String> = cells
        .iter()
        .zip(widths)
        .map(|(c, w)| format!("{c:<w$}"))
        .collect();
    line.join("  ").trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(out: Vec<u8>) -> String {
        anstream::adapter::strip_str(&String::from_utf8(out).unwrap()).to_string()
    }

    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(text.to_owned()).unwrap()
    }

    #[test]
    fn numbers_keep_their_digits() {
        let mut out = Vec::new();
        human(
            &mut out,
            &raw(r#"{"price_ton":0.100000000000000000000000001,"n":null,"s":"x"}"#),
        )
        .unwrap();
        let text = plain(out);
        assert!(text.contains("0.100000000000000000000000001"), "{text}");
        assert!(text.contains("n          -"), "{text}");
    }

    #[test]
    fn pages_are_tables_then_totals() {
        let mut out = Vec::new();
        human(
            &mut out,
            &raw(r#"{"items":[{"id":1,"price_ton":1.50},{"id":22,"price_ton":0.418}],"total":2}"#),
        )
        .unwrap();
        assert_eq!(
            plain(out),
            "id  price_ton\n1   1.50\n22  0.418\n\ntotal  2\n"
        );
        let items = items(&raw(r#"{"items":[1,2],"total":2}"#)).unwrap();
        assert_eq!(items.len(), 2);
    }

    #[test]
    fn control_characters_are_escaped_for_people() {
        let hostile = r#"{"memo":"a\u001b]52;c;ZXZpbA==\u0007b","rows":[{"k\u001b[2J":"x\ry"}]}"#;
        let mut out = Vec::new();
        human(&mut out, &raw(hostile)).unwrap();
        let text = String::from_utf8(out).unwrap();
        let visible = anstream::adapter::strip_str(&text).to_string();
        assert!(
            visible.contains(r"a\u{1b}]52;c;ZXZpbA==\u{7}b"),
            "{visible}"
        );
        assert!(visible.contains(r"k\u{1b}[2J"), "{visible}");
        assert!(visible.contains(r"x\ry"), "{visible}");
        // The only escapes left are the bold headings this module writes itself.
        let ours = text.replace("\u{1b}[1m", "").replace("\u{1b}[0m", "");
        assert!(
            !ours.contains('\u{1b}') && !ours.contains('\u{7}') && !ours.contains('\r'),
            "{ours:?}"
        );
        assert_eq!(for_terminal("plain – text"), "plain – text");
    }
}
