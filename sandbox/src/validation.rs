//! The spec's rules for request bodies, query parameters, path ids and headers, each failure a
//! `422 VALIDATION_ERROR` whose message names the field. The generated newtypes
//! (`RecipientUsername`, `ClientReference`) carry the spec's patterns, so those come from the
//! spec itself.

use std::str::FromStr;

use axum::http::HeaderMap;
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use theopenmoney::types::{ClientReference, RecipientUsername};
use theopenmoney::{IdempotencyKey, PaymentMethod, PremiumMonths};

use crate::error_reply::ErrorReply;
use crate::pricing::{MAX_STARS, MIN_STARS, Product};
use crate::query::QueryParams;
use crate::store::Page;

/// Page size limits and default (the spec's `Limit`).
const MIN_LIMIT: i64 = 1;
const MAX_LIMIT: i64 = 100;
const DEFAULT_LIMIT: i64 = 20;

const USERNAME_RULE: &str =
    "must be 5–32 letters, digits or underscores, with or without a leading @";
const CLIENT_REFERENCE_RULE: &str =
    "must be 1–128 printable ASCII characters without spaces, and not `.` or `..`";

/// A create request that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NewOrder {
    pub(crate) product: Product,
    /// Without the leading `@`.
    pub(crate) recipient_username: String,
    pub(crate) payment_method: PaymentMethod,
    pub(crate) client_reference: Option<String>,
}

/// One field's outcome: its value, or the problem (`"quantity must be …"`) that names it.
type Checked<T> = Result<T, String>;

fn problem<T>(field: &str, rule: impl std::fmt::Display) -> Checked<T> {
    Err(format!("{field} {rule}"))
}

/// `POST /orders/stars`.
pub(crate) fn stars_order(body: &Map<String, Value>) -> Result<NewOrder, ErrorReply> {
    let quantity = match body.get("quantity") {
        None => problem("quantity", "is required"),
        Some(value) => match integer(value) {
            None => problem("quantity", stars_rule("must be an integer")),
            Some(q) => match u32::try_from(q) {
                Ok(q) if (MIN_STARS..=MAX_STARS).contains(&q) => Ok(Product::Stars(q)),
                _ => problem("quantity", stars_rule("must be")),
            },
        },
    };
    new_order(quantity, common_fields(body))
}

/// `POST /orders/premium`.
pub(crate) fn premium_order(body: &Map<String, Value>) -> Result<NewOrder, ErrorReply> {
    let months = match body.get("months") {
        None => problem("months", "is required"),
        Some(value) => match integer(value).and_then(premium_months) {
            Some(months) => Ok(Product::Premium(months)),
            None => problem("months", "must be 3, 6 or 12"),
        },
    };
    new_order(months, common_fields(body))
}

fn stars_rule(prefix: &str) -> String {
    format!("{prefix} between {MIN_STARS} and {MAX_STARS}")
}

/// The fields both create bodies share, each checked.
#[derive(Debug)]
struct CommonFields {
    recipient_username: Checked<String>,
    payment_method: Checked<PaymentMethod>,
    payment_currency: Checked<()>,
    client_reference: Checked<Option<String>>,
}

/// The order when every field is valid; otherwise one `422` naming every problem, in the
/// order of the fields.
fn new_order(product: Checked<Product>, common: CommonFields) -> Result<NewOrder, ErrorReply> {
    let CommonFields {
        recipient_username,
        payment_method,
        payment_currency,
        client_reference,
    } = common;
    match (
        product,
        recipient_username,
        payment_method,
        payment_currency,
        client_reference,
    ) {
        (Ok(product), Ok(recipient_username), Ok(payment_method), Ok(()), Ok(client_reference)) => {
            Ok(NewOrder {
                product,
                recipient_username,
                payment_method,
                client_reference,
            })
        }
        (product, recipient_username, payment_method, payment_currency, client_reference) => {
            let problems: Vec<String> = [
                product.err(),
                recipient_username.err(),
                payment_method.err(),
                payment_currency.err(),
                client_reference.err(),
            ]
            .into_iter()
            .flatten()
            .collect();
            Err(ErrorReply::validation(problems.join("; ")))
        }
    }
}

fn common_fields(body: &Map<String, Value>) -> CommonFields {
    CommonFields {
        recipient_username: match body.get("recipient_username") {
            None => problem("recipient_username", "is required"),
            Some(Value::String(name)) => {
                username(name).ok_or_else(|| format!("recipient_username {USERNAME_RULE}"))
            }
            Some(_) => problem("recipient_username", format!("{USERNAME_RULE} (a string)")),
        },
        payment_method: match body.get("payment_method").map(Value::as_str) {
            None => problem("payment_method", "is required"),
            Some(Some(method @ ("ton_memo" | "balance"))) => Ok(PaymentMethod::from(method)),
            Some(_) => problem("payment_method", "must be \"ton_memo\" or \"balance\""),
        },
        payment_currency: match body.get("payment_currency").map(Value::as_str) {
            None => problem("payment_currency", "is required"),
            Some(Some("TON")) => Ok(()),
            Some(_) => problem("payment_currency", "must be \"TON\""),
        },
        client_reference: match body.get("client_reference") {
            None => Ok(None),
            Some(Value::String(reference)) => client_reference(reference)
                .map(Some)
                .ok_or_else(|| format!("client_reference {CLIENT_REFERENCE_RULE}")),
            Some(_) => problem("client_reference", CLIENT_REFERENCE_RULE),
        },
    }
}

/// A username as stored: checked against the spec's pattern, without the leading `@`.
pub(crate) fn username(raw: &str) -> Option<String> {
    RecipientUsername::try_from(raw)
        .ok()
        .map(|name| name.trim_start_matches('@').to_owned())
}

/// A `client_reference` checked against the spec's rules.
pub(crate) fn client_reference(raw: &str) -> Option<String> {
    ClientReference::try_from(raw).ok().map(String::from)
}

/// The value of an integral JSON number (`100`, `100.0` and `1e2` alike: JSON Schema counts all
/// three as integers); `None` for anything else.
fn integer(value: &Value) -> Option<i64> {
    let Value::Number(number) = value else {
        return None;
    };
    if let Some(n) = number.as_i64() {
        return Some(n);
    }
    let text = number.to_string();
    let decimal = if text.contains(['e', 'E']) {
        Decimal::from_scientific(&text).ok()?
    } else {
        Decimal::from_str(&text).ok()?
    };
    if decimal.fract().is_zero() {
        i64::try_from(decimal).ok()
    } else {
        None
    }
}

fn premium_months(months: i64) -> Option<PremiumMonths> {
    u32::try_from(months)
        .ok()
        .and_then(|m| PremiumMonths::try_from(m).ok())
}

/// A decimal integer parameter (digits only, an optional leading `-`) within `min..=max`.
fn integer_param(raw: &str, min: i64, max: i64) -> Option<i64> {
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse::<i64>().ok().filter(|n| (min..=max).contains(n))
}

/// `limit` and `offset`.
pub(crate) fn page(query: &QueryParams) -> Result<Page, ErrorReply> {
    let limit = match query.get("limit") {
        None => DEFAULT_LIMIT,
        Some(raw) => integer_param(raw, MIN_LIMIT, MAX_LIMIT).ok_or_else(|| {
            ErrorReply::validation(format!(
                "limit must be an integer between {MIN_LIMIT} and {MAX_LIMIT}"
            ))
        })?,
    };
    let offset = match query.get("offset") {
        None => 0,
        Some(raw) => integer_param(raw, 0, i64::MAX)
            .ok_or_else(|| ErrorReply::validation("offset must be an integer of at least 0"))?,
    };
    Ok(Page { limit, offset })
}

/// `?quantity=` of the Stars estimate.
pub(crate) fn quantity_param(query: &QueryParams) -> Result<u32, ErrorReply> {
    let raw = query
        .get("quantity")
        .ok_or_else(|| ErrorReply::validation("quantity is required"))?;
    integer_param(raw, i64::from(MIN_STARS), i64::from(MAX_STARS))
        .and_then(|q| u32::try_from(q).ok())
        .ok_or_else(|| {
            ErrorReply::validation(format!("quantity {}", stars_rule("must be an integer")))
        })
}

/// `?months=` of the Premium estimate.
pub(crate) fn months_param(query: &QueryParams) -> Result<PremiumMonths, ErrorReply> {
    let raw = query
        .get("months")
        .ok_or_else(|| ErrorReply::validation("months is required"))?;
    integer_param(raw, 0, i64::MAX)
        .and_then(premium_months)
        .ok_or_else(|| ErrorReply::validation("months must be 3, 6 or 12"))
}

/// `?username=` of the recipient checks, without the leading `@`.
pub(crate) fn username_param(query: &QueryParams) -> Result<String, ErrorReply> {
    let raw = query
        .get("username")
        .ok_or_else(|| ErrorReply::validation("username is required"))?;
    username(raw).ok_or_else(|| ErrorReply::validation(format!("username {USERNAME_RULE}")))
}

/// An order id from the path: `1` to `2⁶³−1`.
pub(crate) fn order_id(raw: &str) -> Result<i64, ErrorReply> {
    integer_param(raw, 1, i64::MAX).ok_or_else(|| {
        ErrorReply::validation(format!(
            "id must be a positive integer order id, not {:?}",
            truncated(raw)
        ))
    })
}

/// The `memo` path parameter: 1–64 characters.
pub(crate) fn memo(raw: &str) -> Result<&str, ErrorReply> {
    let chars = raw.chars().count();
    if (1..=64).contains(&chars) {
        Ok(raw)
    } else {
        Err(ErrorReply::validation("memo must be 1–64 characters"))
    }
}

/// The `ref` path parameter, with the rules of `client_reference`.
pub(crate) fn reference(raw: &str) -> Result<String, ErrorReply> {
    client_reference(raw)
        .ok_or_else(|| ErrorReply::validation(format!("ref {CLIENT_REFERENCE_RULE}")))
}

/// The optional `Idempotency-Key` header.
pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<Option<IdempotencyKey>, ErrorReply> {
    let mut values = headers.get_all("idempotency-key").iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(ErrorReply::validation(
            "Idempotency-Key must be sent at most once",
        ));
    }
    value
        .to_str()
        .ok()
        .and_then(|key| IdempotencyKey::new(key).ok())
        .map(Some)
        .ok_or_else(|| {
            ErrorReply::validation(
                "Idempotency-Key must be 1–255 printable ASCII characters \
                 with no leading or trailing space",
            )
        })
}

/// At most 64 characters of client input, for echoing in a message.
fn truncated(raw: &str) -> String {
    raw.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    fn message(result: Result<NewOrder, ErrorReply>) -> String {
        let error = result.unwrap_err();
        serde_json::to_value(error.envelope()).unwrap()["error_message"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn a_valid_stars_order_is_normalised() {
        let order = stars_order(&object(json!({
            "recipient_username": "@pandus", "quantity": 100, "payment_method": "balance",
            "payment_currency": "TON", "client_reference": "invoice-42", "extra": true
        })))
        .unwrap();
        assert_eq!(order.product, Product::Stars(100));
        assert_eq!(order.recipient_username, "pandus");
        assert_eq!(order.payment_method, PaymentMethod::Balance);
        assert_eq!(order.client_reference.as_deref(), Some("invoice-42"));
    }

    #[test]
    fn integral_numbers_in_any_notation_are_integers() {
        for wire in ["100", "100.0", "1e2", "1.00E+2"] {
            let value: Value = serde_json::from_str(wire).unwrap();
            assert_eq!(integer(&value), Some(100), "{wire}");
        }
        for wire in ["100.5", "\"100\"", "true", "1e400"] {
            let value: Value = serde_json::from_str(wire).unwrap_or(Value::Null);
            assert_eq!(integer(&value), None, "{wire}");
        }
    }

    #[test]
    fn every_problem_is_named() {
        let text = message(stars_order(&object(json!({
            "recipient_username": "ab", "quantity": 49, "payment_method": "card",
            "payment_currency": "USD", "client_reference": "has space"
        }))));
        for field in [
            "recipient_username",
            "quantity must be between 50 and 10000",
            "payment_method",
            "payment_currency",
            "client_reference",
        ] {
            assert!(text.contains(field), "{text}");
        }
        assert_eq!(
            message(premium_order(&object(json!({})))),
            "months is required; recipient_username is required; \
             payment_method is required; payment_currency is required"
        );
    }

    #[test]
    fn client_references_are_never_dot_segments() {
        for good in ["a", ".a", "a.", "...", "invoice-42", &"x".repeat(128)] {
            assert_eq!(client_reference(good).as_deref(), Some(good), "{good:?}");
        }
        for bad in [".", "..", "", "has space", &"x".repeat(129)] {
            assert_eq!(client_reference(bad), None, "{bad:?}");
        }
        let body = |reference: &str| {
            object(json!({"recipient_username": "pandus", "quantity": 100,
                          "payment_method": "ton_memo", "payment_currency": "TON",
                          "client_reference": reference}))
        };
        assert_eq!(
            message(stars_order(&body(".."))),
            "client_reference must be 1–128 printable ASCII characters without spaces, \
             and not `.` or `..`"
        );
        assert!(
            reference(".")
                .unwrap_err()
                .envelope()
                .error_message
                .contains("not `.` or `..`")
        );
    }

    #[test]
    fn quantity_bounds_are_inclusive() {
        let body = |q: i64| {
            object(json!({"recipient_username": "pandus", "quantity": q,
                          "payment_method": "ton_memo", "payment_currency": "TON"}))
        };
        assert!(stars_order(&body(50)).is_ok());
        assert!(stars_order(&body(10_000)).is_ok());
        assert!(stars_order(&body(49)).is_err());
        assert!(stars_order(&body(10_001)).is_err());
        assert!(stars_order(&body(-100)).is_err());
    }

    #[test]
    fn path_ids_are_positive_decimal_integers() {
        assert_eq!(order_id("10421").unwrap(), 10421);
        assert_eq!(order_id("007").unwrap(), 7);
        for bad in ["0", "-1", "+1", "1.0", "abc", "", "99999999999999999999"] {
            assert!(order_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn idempotency_keys_follow_the_spec() {
        let mut headers = HeaderMap::new();
        assert_eq!(idempotency_key(&headers).unwrap(), None);
        headers.insert("idempotency-key", "abc".parse().unwrap());
        assert_eq!(idempotency_key(&headers).unwrap().unwrap().as_str(), "abc");
        headers.insert("idempotency-key", "".parse().unwrap());
        assert!(idempotency_key(&headers).is_err());
        headers.insert("idempotency-key", "a".repeat(256).parse().unwrap());
        assert!(idempotency_key(&headers).is_err());
        headers.insert("idempotency-key", "a".parse().unwrap());
        headers.append("idempotency-key", "b".parse().unwrap());
        assert!(idempotency_key(&headers).is_err());
    }
}
