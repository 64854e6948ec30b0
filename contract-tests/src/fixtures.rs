//! Mock-mode response bodies: the `data` of every operation's success, built from the spec's
//! examples, and error envelopes. Ids, memos and timestamps vary per call so that snapshots
//! must redact them.

use serde_json::{Value, json};

use crate::sdk_client::{EXAMPLE_MEMO, EXAMPLE_ORDER_ID, EXAMPLE_REFERENCE, EXAMPLE_USERNAME};

/// The TON address of the spec's example.
pub(crate) const EXAMPLE_ADDRESS: &str = "UQBFJTkJ5hZdH7i6rWQTnm43zn6h2dPBV9lFZ2e98WvWABy_";

/// A JSON number kept digit for digit (`json!(0.000000001)` would go through an f64).
pub(crate) fn exact(digits: &str) -> Value {
    serde_json::from_str(digits).expect("a JSON number")
}

fn timestamp(offset_minutes: i64) -> String {
    let now = chrono::Utc::now() + chrono::Duration::minutes(offset_minutes);
    now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// An order like the spec's example, with the given type and status.
pub(crate) fn order(order_type: &str, status: &str) -> Value {
    let mut order = json!({
        "id": EXAMPLE_ORDER_ID,
        "status": status,
        "order_type": order_type,
        "recipient_username": EXAMPLE_USERNAME,
        "price_ton": exact("0.418"),
        "payment_method": "ton_memo",
        "payment_currency": "TON",
        "payment_address": EXAMPLE_ADDRESS,
        "payment_memo": EXAMPLE_MEMO,
        "client_reference": EXAMPLE_REFERENCE,
        "expires_at": timestamp(15),
        "created_at": timestamp(0)
    });
    if order_type == "premium" {
        order["premium_months"] = json!(3);
    } else {
        order["stars_amount"] = json!(100);
    }
    order
}

/// The `data` of a success of `operation`.
pub(crate) fn success_data(operation: &str) -> Value {
    match operation {
        "create_stars_order" | "get_order" | "get_order_by_memo" => {
            order("stars", "pending_payment")
        }
        "create_premium_order" => order("premium", "pending_payment"),
        "cancel_order" => order("stars", "cancelled"),
        "list_orders" => json!({
            "items": [order("stars", "pending_payment"), order("premium", "completed")],
            "total": 2, "limit": 20, "offset": 0
        }),
        "list_orders_by_reference" => json!([order("stars", "pending_payment")]),
        "get_order_stats" => json!({
            "total_orders": 3,
            "by_status": {"pending_payment": 1, "completed": 2},
            "total_stars": 300,
            "total_premium_months": 3,
            "total_ton": exact("123456789.123456789")
        }),
        "get_ton_rate" => json!({"ton_usd": exact("3.27"), "updated_at": timestamp(-1)}),
        "get_fee_schedule" => json!({
            "fee_percent": exact("2.5"), "min_stars": 50, "max_stars": 10000, "premium_months": [3, 6, 12]
        }),
        "estimate_stars_price" => {
            json!({"quantity": 100, "price_ton": exact("0.418"), "price_usd": exact("1.36")})
        }
        "estimate_premium_price" => {
            json!({"months": 3, "price_ton": exact("3.671"), "price_usd": exact("12.0")})
        }
        "check_stars_recipient" | "check_premium_recipient" => {
            json!({"username": EXAMPLE_USERNAME, "can_receive": true})
        }
        "get_balance" => {
            json!({"balance_ton": exact("0.000000001"), "top_up_address": EXAMPLE_ADDRESS})
        }
        "list_balance_transactions" => json!({
            "items": [
                {"id": 7, "kind": "order_payment", "amount_ton": exact("-0.418"), "order_id": EXAMPLE_ORDER_ID, "created_at": timestamp(-2)},
                {"id": 6, "kind": "top_up", "amount_ton": exact("10.5"), "created_at": timestamp(-60)}
            ],
            "total": 2, "limit": 20, "offset": 0
        }),
        "get_health" => json!({"status": "ok"}),
        other => panic!("no fixture for `{other}`"),
    }
}

/// A success envelope around `data`.
pub(crate) fn success(data: Value) -> Value {
    json!({"ok": true, "data": data})
}

/// An error envelope.
pub(crate) fn error(code: &str, message: &str) -> Value {
    json!({"ok": false, "error_code": code, "error_message": message, "data": null})
}

/// The same body with additions a server may legitimately make: a new field next to every
/// field, and a new value of the open enums.
pub(crate) fn with_additions(body: &Value) -> Value {
    fn add(value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map.iter_mut() {
                    if key == "by_status" {
                        // A map keyed by status: the addition is a new status with a count.
                        if let Value::Object(counts) = inner {
                            counts.insert("status_added_later".to_owned(), json!(1));
                        }
                        continue;
                    }
                    if matches!(key.as_str(), "status" | "kind" | "payment_method")
                        && inner.is_string()
                    {
                        *inner = json!(format!("{key}_added_later"));
                    } else {
                        add(inner);
                    }
                }
                map.insert("added_later".to_owned(), json!({"nested": [1, "two"]}));
            }
            Value::Array(items) => items.iter_mut().for_each(add),
            _ => {}
        }
    }
    let mut body = body.clone();
    add(&mut body);
    body
}
