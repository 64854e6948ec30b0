//! Snapshot redactions: every value that differs between runs (ids, timestamps, keys, memos,
//! addresses, the sdk's version) is checked against its format first, then replaced by a
//! placeholder, so a snapshot both stays stable and still fails on a malformed value.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value, json};

use crate::proxy::Exchange;

/// Request headers left out of snapshots: per connection, or noise.
const DROPPED_HEADERS: [&str; 4] = ["host", "content-length", "accept-encoding", "connection"];

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("a redaction pattern")
}

static BEARER: LazyLock<Regex> = LazyLock::new(|| re(r"^Bearer osk_[A-Za-z0-9_]+$"));
static UUID: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
});
static USER_AGENT: LazyLock<Regex> = LazyLock::new(|| re(r"^theopenmoney-rust/\d+\.\d+\.\d+\S*$"));
static TON_ADDRESS: LazyLock<Regex> = LazyLock::new(|| re(r"^[EUk0][Qf][A-Za-z0-9_-]{46}$"));
static MEMO: LazyLock<Regex> = LazyLock::new(|| re(r"^[!-~]{1,64}$"));
static ORDER_PATH: LazyLock<Regex> = LazyLock::new(|| re(r"^/api/v1/orders/(\d+)(/cancel)?$"));
static MEMO_PATH: LazyLock<Regex> = LazyLock::new(|| re(r"^/api/v1/orders/by-memo/([^/?]+)$"));

fn assert_format(what: &str, value: &str, format: &Regex) -> Result<(), String> {
    if format.is_match(value) {
        Ok(())
    } else {
        Err(format!(
            "{what} {value:?} does not match {}",
            format.as_str()
        ))
    }
}

/// The request of an exchange as a snapshot value, secrets and per-run values redacted.
pub(crate) fn redact_exchange(exchange: &Exchange) -> Result<Value, String> {
    let request = &exchange.request;
    let mut headers = Map::new();
    for (name, value) in &request.headers {
        let name = name.as_str();
        if DROPPED_HEADERS.contains(&name) {
            continue;
        }
        let value = value
            .to_str()
            .map_err(|_| format!("header {name} is not text"))?;
        let shown = match name {
            "authorization" => {
                assert_format("authorization", value, &BEARER)
                    .map_err(|_| "the Authorization header is not `Bearer osk_…`".to_owned())?;
                "[bearer key]".to_owned()
            }
            "idempotency-key" => {
                assert_format("Idempotency-Key", value, &UUID)?;
                "[uuid]".to_owned()
            }
            "user-agent" => {
                assert_format("User-Agent", value, &USER_AGENT)?;
                "[theopenmoney-rust/version]".to_owned()
            }
            _ => value.to_owned(),
        };
        headers.insert(name.to_owned(), json!(shown));
    }
    let (path, query) = request
        .path_and_query
        .split_once('?')
        .map_or((request.path_and_query.as_str(), None), |(p, q)| {
            (p, Some(q))
        });
    let path = if let Some(c) = ORDER_PATH.captures(path) {
        format!("/api/v1/orders/[id]{}", c.get(2).map_or("", |m| m.as_str()))
    } else if let Some(c) = MEMO_PATH.captures(path) {
        assert_format("memo", &c[1], &MEMO)?;
        "/api/v1/orders/by-memo/[memo]".to_owned()
    } else {
        path.to_owned()
    };
    let body = if request.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&request.body)
            .map_err(|e| format!("request body is not JSON: {e}"))?
    };
    Ok(json!({
        "request": {
            "method": request.method.as_str(),
            "path": path,
            "query": query,
            "headers": headers,
            "body": body,
        }
    }))
}

/// Redacts ids, timestamps, memos and addresses anywhere in `value`, checking each first.
pub(crate) fn redact_values(value: Value) -> Result<Value, String> {
    fn walk(key: Option<&str>, value: Value) -> Result<Value, String> {
        match (key, value) {
            (_, Value::Object(map)) => map
                .into_iter()
                .map(|(k, v)| walk(Some(&k), v).map(|v| (k, v)))
                .collect::<Result<Map<_, _>, _>>()
                .map(Value::Object),
            (_, Value::Array(items)) => items
                .into_iter()
                .map(|v| walk(key, v))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            (Some("id" | "order_id"), v) => match v.as_u64() {
                Some(id) if id >= 1 => Ok(json!("[id]")),
                _ => Err(format!("id {v} is not a positive integer")),
            },
            (Some(k), Value::String(s)) if k.ends_with("_at") => {
                chrono::DateTime::parse_from_rfc3339(&s)
                    .map_err(|e| format!("{k} {s:?} is not an RFC 3339 date-time: {e}"))?;
                Ok(json!("[timestamp]"))
            }
            (Some("payment_memo"), Value::String(s)) => {
                assert_format("payment_memo", &s, &MEMO)?;
                Ok(json!("[memo]"))
            }
            (Some(k @ ("payment_address" | "top_up_address")), Value::String(s)) => {
                assert_format(k, &s, &TON_ADDRESS)?;
                Ok(json!("[ton address]"))
            }
            (_, v) => Ok(v),
        }
    }
    walk(None, value)
}

/// insta settings of the suite: snapshots in `contract-tests/snapshots/`, sorted maps.
pub(crate) fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_sort_maps(true);
    settings.set_omit_expression(true);
    settings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_redacted_only_when_well_formed() {
        let ok = json!({"data": {"id": 7, "created_at": "2026-04-16T12:00:00Z", "payment_memo": "STARS-a1",
            "payment_address": "UQBFJTkJ5hZdH7i6rWQTnm43zn6h2dPBV9lFZ2e98WvWABy_", "items": [{"order_id": 3}]}});
        assert_eq!(
            redact_values(ok).unwrap(),
            json!({"data": {"id": "[id]", "created_at": "[timestamp]", "payment_memo": "[memo]",
                "payment_address": "[ton address]", "items": [{"order_id": "[id]"}]}})
        );
        for bad in [
            json!({"id": 0}),
            json!({"id": "7"}),
            json!({"expires_at": "tomorrow"}),
            json!({"payment_address": "0x1234"}),
            json!({"payment_memo": ""}),
        ] {
            assert!(redact_values(bad.clone()).is_err(), "{bad}");
        }
    }
}
