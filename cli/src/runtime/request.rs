//! A command's request in one canonical form, for deriving its idempotency key: equal
//! requests give equal text however they were typed (`--quantity 0100` or `100`, a default
//! given or left out: the generated arguments carry the spec's defaults as clap defaults),
//! different requests different text.

use std::collections::BTreeMap;
use std::ffi::OsString;

use clap::ArgMatches;
use clap::parser::ValueSource;
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
    use clap::{Arg, Command};

    fn command() -> Command {
        Command::new("t").subcommand(
            Command::new("create")
                .arg(Arg::new("name").long("name").required(true))
                .arg(
                    Arg::new("quantity")
                        .long("quantity")
                        .value_parser(clap::value_parser!(u32))
                        .default_value("100")
                        .help("How many. [50–10000; default: 100]"),
                )
                .arg(
                    Arg::new("method")
                        .long("method")
                        .value_parser(clap::builder::PossibleValuesParser::new(["a", "b"]))
                        .default_value("a")
                        .help("How. [default: a]"),
                )
                .arg(
                    Arg::new("note")
                        .long("note")
                        .help("Free text [not a default]"),
                )
                .arg(Arg::new("output").long("output")),
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
    fn the_test_command_is_well_formed() {
        command().debug_assert();
    }
}
