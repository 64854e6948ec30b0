//! The spec's sdk extensions: what the sdk does per operation, declared beside the operation.
//!
//! - `x-sdk-input: Name` (operation): the name of the input type generated for the operation's
//!   request body or its optional query parameters.
//! - `x-sdk-defaults: {property: value}` (request body schema): required properties the sdk
//!   fills in unless the caller sets them.
//! - `x-pagination: {items, total, limit, offset, stream}` (operation): the response's item
//!   list and total, the query parameters that page, and the name of the generated stream.
//! - `x-waiters: {name: {field, success, failure, min_delay_seconds, max_delay_seconds,
//!   timeout_seconds, description}}` (operation): `wait_for_<name>` polls the operation until
//!   the response's `field` is one of `success` (done) or `failure` (error).
//!
//! - `x-cli-name: name` (operation): the CLI subcommand's name (kebab-case) where the one
//!   derived from the operation id reads badly.
//!
//! Idempotency needs no extension: an operation that takes the `Idempotency-Key` header is
//! idempotent.

use anyhow::{Result, anyhow, bail};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Extensions of one operation.
#[derive(Debug, Clone, Default)]
pub struct OperationExtensions {
    /// `x-sdk-input`.
    pub input: Option<String>,
    /// `x-pagination`.
    pub pagination: Option<Pagination>,
    /// `x-waiters`, by name.
    pub waiters: Vec<Waiter>,
    /// `x-cli-name`.
    pub cli_name: Option<String>,
}

/// `x-pagination`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pagination {
    /// The response `data` property holding the page's items (an array).
    pub items: String,
    /// The response `data` property holding the total over all pages (an integer).
    pub total: String,
    /// The query parameter setting the page size.
    pub limit: String,
    /// The query parameter setting the items to skip.
    pub offset: String,
    /// The name of the generated stream method.
    pub stream: String,
}

/// One entry of `x-waiters`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiter {
    /// The key in `x-waiters`; the method is `wait_for_<name>`.
    #[serde(skip)]
    pub name: String,
    /// What the waiter waits for, for the method's docs.
    pub description: String,
    /// The response `data` property the acceptors look at.
    pub field: String,
    /// Values that end the wait successfully.
    pub success: Vec<String>,
    /// Values that end the wait with an error.
    pub failure: Vec<String>,
    /// First delay between polls.
    pub min_delay_seconds: u64,
    /// Longest delay between polls.
    pub max_delay_seconds: u64,
    /// Default deadline of the whole wait.
    pub timeout_seconds: u64,
}

/// Names of the extensions, for messages and lookups.
pub const INPUT: &str = "x-sdk-input";
/// See [`INPUT`].
pub const DEFAULTS: &str = "x-sdk-defaults";
/// See [`INPUT`].
pub const PAGINATION: &str = "x-pagination";
/// See [`INPUT`].
pub const WAITERS: &str = "x-waiters";
/// See [`INPUT`].
pub const CLI_NAME: &str = "x-cli-name";

/// Reads an operation's extensions; `at` locates a key in messages (`file:line`).
pub fn operation(
    extensions: &Extensions,
    at: impl Fn(&str) -> String,
) -> Result<OperationExtensions> {
    let input = extensions
        .get(INPUT)
        .map(|v| {
            let name: String = decode(v, INPUT, &at)?;
            if !is_type_name(&name) {
                bail!(
                    "{}: {INPUT} `{name}` is not a Rust type name (UpperCamelCase)",
                    at(INPUT)
                );
            }
            Ok(name)
        })
        .transpose()?;
    let pagination = extensions
        .get(PAGINATION)
        .map(|v| {
            let p: Pagination = decode(v, PAGINATION, &at)?;
            if !is_method_name(&p.stream) {
                bail!(
                    "{}: {PAGINATION}.stream `{}` is not a Rust method name (snake_case)",
                    at(PAGINATION),
                    p.stream
                );
            }
            Ok(p)
        })
        .transpose()?;
    let mut waiters = Vec::new();
    if let Some(value) = extensions.get(WAITERS) {
        let map: std::collections::BTreeMap<String, serde_json::Value> =
            decode(value, WAITERS, &at)?;
        for (name, entry) in map {
            let mut waiter: Waiter = decode(&entry, &format!("{WAITERS}.{name}"), &at)?;
            waiter.name = name.clone();
            check_waiter(&waiter).map_err(|e| anyhow!("{}: {WAITERS}.{name}: {e}", at(WAITERS)))?;
            waiters.push(waiter);
        }
    }
    Ok(OperationExtensions {
        input,
        pagination,
        waiters,
        cli_name: cli_name(extensions, &at)?,
    })
}

/// Reads `x-cli-name`: a kebab-case command name.
fn cli_name(extensions: &Extensions, at: &impl Fn(&str) -> String) -> Result<Option<String>> {
    let Some(value) = extensions.get(CLI_NAME) else {
        return Ok(None);
    };
    let name: String = decode(value, CLI_NAME, at)?;
    let kebab = name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && !name.contains("--")
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !kebab {
        bail!(
            "{}: {CLI_NAME} `{name}` is not a command name (kebab-case, e.g. `wait-paid`)",
            at(CLI_NAME)
        );
    }
    Ok(Some(name))
}

/// Reads a request body schema's `x-sdk-defaults`: (property, string value).
pub fn defaults(
    extensions: &Extensions,
    at: impl Fn(&str) -> String,
) -> Result<Vec<(String, String)>> {
    let Some(value) = extensions.get(DEFAULTS) else {
        return Ok(Vec::new());
    };
    let Some(map) = value.as_object() else {
        bail!(
            "{}: {DEFAULTS} must map property names to values",
            at(DEFAULTS)
        );
    };
    map.iter()
        .map(|(property, v)| match v.as_str() {
            Some(s) => Ok((property.clone(), s.to_owned())),
            None => bail!(
                "{}: {DEFAULTS}.{property}: only string values are supported, found `{v}`",
                at(DEFAULTS)
            ),
        })
        .collect()
}

fn check_waiter(w: &Waiter) -> Result<()> {
    if !is_method_name(&w.name) {
        bail!("the name must be snake_case");
    }
    if w.success.is_empty() {
        bail!("`success` lists no value");
    }
    if let Some(both) = w.success.iter().find(|v| w.failure.contains(v)) {
        bail!("`{both}` is both a success and a failure");
    }
    if w.min_delay_seconds == 0 || w.min_delay_seconds > w.max_delay_seconds {
        bail!("needs 0 < min_delay_seconds <= max_delay_seconds");
    }
    if w.timeout_seconds < w.min_delay_seconds {
        bail!("timeout_seconds is shorter than min_delay_seconds");
    }
    Ok(())
}

fn decode<T: DeserializeOwned>(
    value: &serde_json::Value,
    what: &str,
    at: &impl Fn(&str) -> String,
) -> Result<T> {
    serde_json::from_value(value.clone()).map_err(|e| {
        let key = what.split('.').next().unwrap_or(what);
        anyhow!("{}: {what}: {e}", at(key))
    })
}

fn is_type_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

fn is_method_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The extension map of an openapiv3 object.
pub type Extensions = indexmap::IndexMap<String, serde_json::Value>;

#[cfg(test)]
mod tests {
    use super::*;

    fn ext(yaml: &str) -> Extensions {
        serde_norway::from_str(yaml).unwrap()
    }

    #[test]
    fn reads_every_extension() {
        let e = operation(
            &ext("x-sdk-input: OrderQuery\nx-pagination: {items: items, total: total, limit: limit, offset: offset, stream: orders}\nx-waiters:\n  b_done: {description: d, field: status, success: [x], failure: [y], min_delay_seconds: 1, max_delay_seconds: 2, timeout_seconds: 3}\n  a_done: {description: d, field: status, success: [x], failure: [], min_delay_seconds: 1, max_delay_seconds: 2, timeout_seconds: 3}\n"),
            |k| format!("s.yaml:{k}"),
        )
        .unwrap();
        assert_eq!(e.input.as_deref(), Some("OrderQuery"));
        assert_eq!(e.pagination.unwrap().stream, "orders");
        let names: Vec<_> = e.waiters.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(
            names,
            ["a_done", "b_done"],
            "ordered by name, whatever the map's order"
        );
    }

    #[test]
    fn mistakes_are_located_and_named() {
        let at = |k: &str| format!("s.yaml:7 ({k})");
        let cases = [
            (
                "x-cli-name: Get_Stats\n",
                "s.yaml:7 (x-cli-name): x-cli-name `Get_Stats` is not a command name",
            ),
            (
                "x-sdk-input: order_query\n",
                "s.yaml:7 (x-sdk-input): x-sdk-input `order_query` is not a Rust type name",
            ),
            (
                "x-pagination: {items: items, total: total, limit: limit, offset: offset}\n",
                "missing field `stream`",
            ),
            (
                "x-pagination: {items: i, total: t, limit: l, offset: o, stream: s, extra: 1}\n",
                "unknown field `extra`",
            ),
            (
                "x-waiters:\n  done: {description: d, field: status, success: [x], failure: [x], min_delay_seconds: 1, max_delay_seconds: 2, timeout_seconds: 3}\n",
                "`x` is both a success and a failure",
            ),
            (
                "x-waiters:\n  done: {description: d, field: status, success: [x], failure: [], min_delay_seconds: 5, max_delay_seconds: 2, timeout_seconds: 3}\n",
                "min_delay_seconds <= max_delay_seconds",
            ),
        ];
        for (yaml, expected) in cases {
            let err = operation(&ext(yaml), at).unwrap_err().to_string();
            assert!(err.starts_with("s.yaml:7"), "{err}");
            assert!(err.contains(expected), "{yaml}: {err}");
        }
    }

    #[test]
    fn defaults_must_be_strings() {
        let at = |k: &str| format!("s.yaml:3 ({k})");
        let ok = defaults(&ext("x-sdk-defaults: {payment_method: ton_memo}\n"), at).unwrap();
        assert_eq!(ok, [("payment_method".to_owned(), "ton_memo".to_owned())]);
        let err = defaults(&ext("x-sdk-defaults: {quantity: 5}\n"), at).unwrap_err();
        assert!(err.to_string().contains("only string values"), "{err}");
    }
}
