//! A command's request in one canonical form, for deriving its idempotency key: equal
//! requests give equal text however they were typed (`--quantity 0100` or `100`, a default
//! given or left out), different requests different text.

use std::collections::BTreeMap;
use std::ffi::OsString;

use clap::parser::ValueSource;
use clap::{Arg, ArgMatches, Command};
use serde_json::Value;

/// Ids of the arguments every command has; they do not change what a command asks the API,
/// so the canonical request leaves them out.
pub const GLOBAL_ARGS: &[&str] = &[
    "output",
    "base-url",
    "api-key-file",
    "api-key-stdin",
    "verbose",
    "qr",
    "idempotency-key",
];

/// `command` with the default each argument's help declares (`[…; default: ton_memo]`, the
/// spec's default, which the sdk applies when the argument is left out) made a clap default,
/// hidden from help since the help already says it. Left out or given, the argument then has
/// the same parsed value.
pub fn with_declared_defaults(command: Command) -> Command {
    command
        .mut_args(declare_default)
        .mut_subcommands(with_declared_defaults)
}

fn declare_default(arg: Arg) -> Arg {
    if arg.is_required_set()
        || !arg.get_default_values().is_empty()
        || !arg.get_action().takes_values()
    {
        return arg;
    }
    let Some(default) = arg
        .get_help()
        .and_then(|h| declared_default(&h.to_string()))
    else {
        return arg;
    };
    arg.default_value(default).hide_default_value(true)
}

/// The default in a help text's closing notes: `… [50–10000; default: 100]` gives `100`.
fn declared_default(help: &str) -> Option<String> {
    let notes = help.trim_end().strip_suffix(']')?;
    let notes = &notes[notes.rfind('[')? + 1..];
    notes
        .split("; ")
        .find_map(|note| note.strip_prefix("default: "))
        .map(str::to_owned)
}

/// The command's own arguments as a JSON object, keys sorted: each value as clap parsed it
/// (numbers as numbers, so `0100` is `100`), defaults included, the global arguments left out.
pub fn canonical(m: &ArgMatches) -> String {
    let fields: BTreeMap<&str, Value> = m
        .ids()
        .map(|id| id.as_str())
        .filter(|id| !GLOBAL_ARGS.contains(id))
        .filter(|id| {
            matches!(
                m.value_source(id),
                Some(
                    ValueSource::CommandLine | ValueSource::EnvVariable | ValueSource::DefaultValue
                )
            )
        })
        .filter_map(|id| Some((id, parsed(m, id)?)))
        .collect();
    serde_json::to_string(&fields).unwrap_or_default()
}

/// One argument's parsed value(s): one value as itself, several as an array.
fn parsed(m: &ArgMatches, id: &str) -> Option<Value> {
    let values = typed::<String>(m, id, Value::from)
        .or_else(|| typed::<bool>(m, id, Value::from))
        .or_else(|| typed::<u64>(m, id, Value::from))
        .or_else(|| typed::<u32>(m, id, Value::from))
        .or_else(|| typed::<u16>(m, id, Value::from))
        .or_else(|| typed::<u8>(m, id, Value::from))
        .or_else(|| typed::<i64>(m, id, Value::from))
        .or_else(|| typed::<i32>(m, id, Value::from))
        .or_else(|| typed::<i16>(m, id, Value::from))
        .or_else(|| typed::<i8>(m, id, Value::from))
        .or_else(|| typed::<OsString>(m, id, |v| Value::from(v.to_string_lossy())))?;
    Some(match <[Value; 1]>::try_from(values) {
        Ok([one]) => one,
        Err(many) => Value::Array(many),
    })
}

/// The values of `id` when clap parsed them as `T`; `None` when they are of another type.
fn typed<T: Clone + Send + Sync + 'static>(
    m: &ArgMatches,
    id: &str,
    to_json: impl Fn(T) -> Value,
) -> Option<Vec<Value>> {
    let values = m.try_get_many::<T>(id).ok()?;
    Some(values.into_iter().flatten().cloned().map(to_json).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command() -> Command {
        with_declared_defaults(
            Command::new("t").subcommand(
                Command::new("create")
                    .arg(Arg::new("name").long("name").required(true))
                    .arg(
                        Arg::new("quantity")
                            .long("quantity")
                            .value_parser(clap::value_parser!(u32))
                            .help("How many. [50–10000; default: 100]"),
                    )
                    .arg(
                        Arg::new("method")
                            .long("method")
                            .value_parser(clap::builder::PossibleValuesParser::new(["a", "b"]))
                            .help("How. [default: a]"),
                    )
                    .arg(
                        Arg::new("note")
                            .long("note")
                            .help("Free text [not a default]"),
                    )
                    .arg(Arg::new("output").long("output")),
            ),
        )
    }

    fn canonical_of(args: &[&str]) -> String {
        let matches = command().get_matches_from(["t", "create"].iter().chain(args));
        canonical(matches.subcommand_matches("create").unwrap())
    }

    #[test]
    fn equal_requests_give_equal_text() {
        let plain = canonical_of(&["--name", "x"]);
        assert_eq!(plain, r#"{"method":"a","name":"x","quantity":100}"#);
        assert_eq!(canonical_of(&["--quantity", "0100", "--name", "x"]), plain);
        assert_eq!(canonical_of(&["--name", "x", "--method", "a"]), plain);
        assert_eq!(canonical_of(&["--name", "x", "--output", "json"]), plain);
    }

    #[test]
    fn different_requests_give_different_text() {
        let plain = canonical_of(&["--name", "x"]);
        for other in [
            &["--name", "x", "--quantity", "101"][..],
            &["--name", "x", "--method", "b"],
            &["--name", "y"],
            &["--name", "x", "--note", "n"],
        ] {
            assert_ne!(canonical_of(other), plain, "{other:?}");
        }
        // Text is kept as typed: `007` and `7` are different names.
        assert_ne!(
            canonical_of(&["--name", "007"]),
            canonical_of(&["--name", "7"])
        );
    }

    #[test]
    fn declared_defaults_are_read_from_the_closing_notes() {
        assert_eq!(
            declared_default("X. [default: TON]").as_deref(),
            Some("TON")
        );
        assert_eq!(
            declared_default("X. [1–5; default: 3]").as_deref(),
            Some("3")
        );
        assert_eq!(declared_default("X. [1–5]"), None);
        assert_eq!(declared_default("X [default: a] more"), None);
        command().debug_assert();
    }
}
