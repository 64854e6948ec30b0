//! Response and request rewrites for the proxy, to prove the suite: each `Break` turns a
//! correct server into one that breaks one clause in one way; `Additions` makes only changes
//! the spec allows (new fields, new enum values, keys in another order), and `Reword` changes
//! only free text (every error message): both must pass.

use serde_json::{Value, json};
use test_proxy::{ProxiedRequest, ProxiedResponse, Verdict};

use crate::config::Secret;
use crate::fixtures::exact;
use crate::intercept::Interceptor;
pub use crate::meaning_breaks::Meaning;

/// One way of breaking the contract.
#[derive(Debug, Clone)]
pub enum Break {
    /// Errors lose their `error_code`.
    DropErrorCode,
    /// Errors carry `data: {}` instead of `null`.
    NonNullDataOnError,
    /// `429`s lose `Retry-After`.
    StripRetryAfter,
    /// `get_order`'s `404` becomes this status.
    NotFoundBecomes(u16),
    /// Creates lose their `Idempotency-Key` on the way, so a replay makes a second order.
    ForgetIdempotencyKey,
    /// `get_order` runs under this `Authorization` value (another partner's bearer), leaking
    /// its orders. A [`Secret`]: `Debug` of the break never shows the key.
    ServeAs(Secret),
    /// Orders carry `price_ton` as a string.
    PriceAsString,
    /// Every shape and status right, one meaning wrong.
    Meaning(Meaning),
}

impl Interceptor for Break {
    fn on_request(&self, operation: Option<&str>, request: &mut ProxiedRequest) -> Verdict {
        match (self, operation) {
            (Self::Meaning(meaning), _) => meaning.on_request(operation, request),
            (Self::ForgetIdempotencyKey, Some("create_stars_order" | "create_premium_order")) => {
                request.headers.remove("idempotency-key");
            }
            (Self::ServeAs(authorization), Some("get_order")) => {
                if let Ok(mut value) = http::HeaderValue::from_str(authorization.expose()) {
                    value.set_sensitive(true);
                    request.headers.insert(http::header::AUTHORIZATION, value);
                }
            }
            _ => {}
        }
        Verdict::Forward
    }

    fn on_response(
        &self,
        operation: Option<&str>,
        request: &ProxiedRequest,
        response: &mut ProxiedResponse,
    ) {
        if let Self::Meaning(meaning) = self {
            meaning.on_response(operation, request, response);
            return;
        }
        let Some(mut body) = response.json_body() else {
            return;
        };
        let error = response.status >= 400;
        match self {
            Self::DropErrorCode if error => {
                body.as_object_mut().map(|o| o.remove("error_code"));
            }
            Self::NonNullDataOnError if error => body["data"] = json!({}),
            Self::StripRetryAfter if response.status == 429 => {
                response.headers.remove(http::header::RETRY_AFTER);
                return;
            }
            Self::NotFoundBecomes(status)
                if response.status == 404 && operation == Some("get_order") =>
            {
                response.status = *status;
                return;
            }
            Self::PriceAsString if !error => {
                if let Some(price) = body.pointer_mut("/data/price_ton") {
                    *price = json!(price.to_string());
                }
            }
            _ => return,
        }
        *response = ProxiedResponse {
            body: body.to_string().into(),
            ..response.clone()
        };
    }
}

/// Only what the spec allows a server to add.
#[derive(Debug, Clone, Copy, Default)]
pub struct Additions;

/// Adds a field next to the fields of every object (counts by status excepted).
fn add_fields(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                // Counts by status take integers only; the new status is counted by the caller.
                if key != "by_status" {
                    add_fields(inner);
                }
            }
            map.insert(
                "added_later".to_owned(),
                json!({"nested": [1, "two", null]}),
            );
        }
        Value::Array(items) => items.iter_mut().for_each(add_fields),
        _ => {}
    }
}

fn order_with_new_enum_values() -> Value {
    json!({
        "id": ADDED_ID, "status": "on_hold_added_later", "order_type": "gift_added_later",
        "recipient_username": "someone_else", "price_ton": exact("1.5"),
        "payment_method": "card_added_later", "payment_currency": "USDT_added_later",
        "payment_address": "UQBFJTkJ5hZdH7i6rWQTnm43zn6h2dPBV9lFZ2e98WvWABy_",
        "payment_memo": "GIFT-1", "expires_at": "2026-04-16T12:15:00Z", "created_at": "2026-04-16T12:00:00Z"
    })
}

impl Interceptor for Additions {
    fn on_response(
        &self,
        operation: Option<&str>,
        request: &ProxiedRequest,
        response: &mut ProxiedResponse,
    ) {
        let Some(mut body) = response.json_body() else {
            return;
        };
        if response.status == 200 {
            let added = match operation {
                Some("list_orders") => Some(order_with_new_enum_values()),
                Some("list_balance_transactions") => Some(
                    json!({"id": ADDED_ID, "kind": "bonus_added_later", "amount_ton": exact("0.5"), "created_at": "2026-04-16T12:00:00Z"}),
                ),
                _ => None,
            };
            if let Some(added) = added {
                add_to_unfiltered_list(operation, request, &mut body["data"], added);
            }
            if operation == Some("get_order_stats") {
                // The added order, counted under its new status.
                let data = &mut body["data"];
                let total = data["total_orders"].as_u64().unwrap_or_default();
                data["total_orders"] = json!(total + 1);
                if let Some(counts) = data["by_status"].as_object_mut() {
                    counts.insert("on_hold_added_later".to_owned(), json!(1));
                }
            }
        }
        add_fields(&mut body);
        // serde_json's map is sorted: keys come out in another order than the server's.
        response.body = body.to_string().into();
    }
}

/// The id of the item [`Additions`] adds to a list: no server issued it.
const ADDED_ID: u64 = 9_007_199_254_740_991;

/// Puts `added` after the server's last item of an unfiltered list, as one more item the
/// server holds: on the page that covers that position, and in `total`. A filtered list
/// keeps it out (its status and type are no value a filter asks for).
fn add_to_unfiltered_list(
    operation: Option<&str>,
    request: &ProxiedRequest,
    data: &mut Value,
    added: Value,
) {
    let Some(op) = operation.map(|o| crate::spec::spec().operation(o)) else {
        return;
    };
    let Some(paging) = &op.pagination else {
        return;
    };
    let query = request
        .path_and_query
        .split_once('?')
        .map_or("", |(_, q)| q);
    let filtered = url::form_urlencoded::parse(query.as_bytes())
        .any(|(k, _)| op.filters.iter().any(|f| f.parameter == k));
    if filtered {
        return;
    }
    let number = |name: &str| data[name].as_u64().unwrap_or_default();
    let (total, limit, offset) = (
        number(&paging.total),
        number(&paging.limit),
        number(&paging.offset),
    );
    if offset <= total
        && total < offset + limit
        && let Some(items) = data[&paging.items].as_array_mut()
    {
        items.push(added);
    }
    data[&paging.total] = json!(total + 1);
}

/// What [`Reword`] says instead of every error message: names no field.
pub const REWORDED: &str = "Anfrage abgelehnt.";

/// Rewords every error message, as a server that rephrases or translates them would. The
/// message is free text for people; no clause may fail on it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reword;

impl Interceptor for Reword {
    fn on_response(&self, _: Option<&str>, _: &ProxiedRequest, response: &mut ProxiedResponse) {
        let Some(mut body) = response.json_body() else {
            return;
        };
        if let Some(message) = body.get_mut("error_message") {
            *message = json!(REWORDED);
            response.body = body.to_string().into();
        }
    }
}
