//! Servers that change only what JSON and HTTP leave free, and must pass every clause:
//! [`Respell`] writes the same values another way (fractional numbers with exponents, every
//! string character as a `\u` escape, object keys in reverse order), [`TitleCaseHeaders`] writes
//! header names in another case, and [`Slow`] answers late.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::Value;
use test_proxy::{ProxiedRequest, ProxiedResponse, Verdict, WireOptions};

use crate::intercept::Interceptor;

/// Writes every JSON answer with the same values spelled otherwise.
#[derive(Debug, Clone, Copy, Default)]
pub struct Respell;

impl Interceptor for Respell {
    fn on_response(&self, _: Option<&str>, _: &ProxiedRequest, response: &mut ProxiedResponse) {
        if let Some(body) = response.json_body() {
            response.body = respelled(&body).into();
        }
    }
}

/// Writes every header name in Title-Case on the wire (`Idempotent-Replayed`, `Retry-After`).
#[derive(Debug, Clone, Copy, Default)]
pub struct TitleCaseHeaders;

impl Interceptor for TitleCaseHeaders {
    fn wire(&self) -> WireOptions {
        WireOptions::title_case_headers()
    }
}

/// Answers every third request this late.
pub const SLOW_ANSWER: Duration = Duration::from_millis(250);

/// Answers every third request [`SLOW_ANSWER`] late (the others at once).
#[derive(Debug, Default)]
pub struct Slow {
    seen: AtomicU64,
}

impl Interceptor for Slow {
    fn on_request(&self, _: Option<&str>, _: &mut ProxiedRequest) -> Verdict {
        if self.seen.fetch_add(1, Ordering::Relaxed) % 3 == 2 {
            Verdict::ForwardThenDelay(SLOW_ANSWER)
        } else {
            Verdict::Forward
        }
    }
}

/// `value` as JSON text, respelled.
pub(crate) fn respelled(value: &Value) -> String {
    let mut out = String::new();
    write(value, &mut out);
    out
}

fn write(value: &Value, out: &mut String) {
    match value {
        Value::Null | Value::Bool(_) => out.push_str(&value.to_string()),
        Value::Number(n) => out.push_str(&with_exponent(&n.to_string())),
        Value::String(s) => escaped(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().rev().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                escaped(key, out);
                out.push(':');
                write(item, out);
            }
            out.push('}');
        }
    }
}

fn escaped(s: &str, out: &mut String) {
    out.push('"');
    for unit in s.encode_utf16() {
        let _ = write!(out, "\\u{unit:04x}");
    }
    out.push('"');
}

/// `0.418` as `418e-3`; integers and numbers already with an exponent as they are.
fn with_exponent(number: &str) -> String {
    let Some((whole, fraction)) = number.split_once('.') else {
        return number.to_owned();
    };
    if fraction.contains(['e', 'E']) {
        return number.to_owned();
    }
    let (sign, whole) = whole.strip_prefix('-').map_or(("", whole), |w| ("-", w));
    let digits = format!("{whole}{fraction}");
    let digits = digits.trim_start_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    format!("{sign}{digits}e-{}", fraction.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_values_spelled_otherwise() {
        let value: Value =
            serde_json::from_str(r#"{"a":0.418,"b":[-12.50,7,"é😀"],"c":null}"#).unwrap();
        let text = respelled(&value);
        assert_eq!(
            text,
            r#"{"\u0063":null,"\u0062":[-1250e-2,7,"\u00e9\ud83d\ude00"],"\u0061":418e-3}"#
        );
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["b"][2], "é😀");
        assert_eq!(back["a"].to_string(), "418e-3");
    }
}
