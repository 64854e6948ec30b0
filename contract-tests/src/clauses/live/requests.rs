//! The live clauses' requests: order bodies, fresh keys, an order to work on (tagged with the
//! run's reference), and a valid example request of every operation.

use serde_json::{Value, json};

use super::expect::{data, expect};
use crate::config::Secret;
use crate::envelope::WireResponse;
use crate::failure::{Clause, ClauseFailure};
use crate::live::{Auth, Live, Raw};

/// An order id no server has issued (valid int64, far above any real id).
pub(crate) const UNKNOWN_ORDER_ID: u64 = 9_007_199_254_740_000;

/// A Stars order body carrying `reference`.
pub(crate) fn stars_body(username: &str, quantity: i64, reference: &str) -> Value {
    json!({
        "recipient_username": username,
        "quantity": quantity,
        "payment_method": "ton_memo",
        "payment_currency": "TON",
        "client_reference": reference
    })
}

/// A Premium order body carrying `reference`.
pub(crate) fn premium_body(username: &str, months: i64, reference: &str) -> Value {
    json!({
        "recipient_username": username,
        "months": months,
        "payment_method": "ton_memo",
        "payment_currency": "TON",
        "client_reference": reference
    })
}

/// A fresh `Idempotency-Key`.
pub(crate) fn fresh_key() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Percent-encodes a path segment or query value.
pub(crate) fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// An order a clause made, with what finds it.
#[derive(Debug, Clone)]
pub(crate) struct Made {
    pub(crate) id: u64,
    pub(crate) memo: String,
    pub(crate) reference: String,
    pub(crate) response: WireResponse,
}

/// Creates a Stars order under `auth` with a reference unique to the run.
pub(crate) async fn make_order(
    live: &Live,
    clause: Clause,
    auth: Auth,
    suffix: &str,
) -> Result<Made, ClauseFailure> {
    let reference = live
        .run
        .reference(&format!("{suffix}-{}", &fresh_key()[..8]));
    let response = live
        .send(
            Raw::post("/api/v1/orders/stars")
                .auth(auth)
                .idempotency_key(fresh_key())
                .json(stars_body("pandus", 100, &reference)),
        )
        .await;
    expect(clause, "create_stars_order", &response, 200, None)?;
    let order = data(&response);
    let id = order["id"]
        .as_u64()
        .ok_or_else(|| clause.fail("create_stars_order", "no integer `id` in the order"))?;
    let memo = order["payment_memo"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    Ok(Made {
        id,
        memo,
        reference,
        response,
    })
}

/// A valid request of `operation` on `made`, under `auth`.
pub(crate) fn example(operation: &str, made: &Made, auth: Auth) -> Raw {
    let raw = match operation {
        "create_stars_order" => Raw::post("/api/v1/orders/stars")
            .idempotency_key(fresh_key())
            .json(stars_body("pandus", 100, &made.reference)),
        "create_premium_order" => Raw::post("/api/v1/orders/premium")
            .idempotency_key(fresh_key())
            .json(premium_body("pandus", 3, &made.reference)),
        "get_order" => Raw::get(format!("/api/v1/orders/{}", made.id)),
        "cancel_order" => {
            Raw::post(format!("/api/v1/orders/{}/cancel", made.id)).idempotency_key(fresh_key())
        }
        "list_orders" => Raw::get("/api/v1/orders?limit=5"),
        "get_order_by_memo" => Raw::get(format!("/api/v1/orders/by-memo/{}", encode(&made.memo))),
        "list_orders_by_reference" => Raw::get(format!(
            "/api/v1/orders/by-reference/{}",
            encode(&made.reference)
        )),
        "get_order_stats" => Raw::get("/api/v1/orders/stats/summary"),
        "get_ton_rate" => Raw::get("/api/v1/pricing/ton-rate"),
        "get_fee_schedule" => Raw::get("/api/v1/pricing/fee"),
        "estimate_stars_price" => Raw::get("/api/v1/pricing/estimate/stars?quantity=100"),
        "estimate_premium_price" => Raw::get("/api/v1/pricing/estimate/premium?months=3"),
        "check_stars_recipient" => Raw::get("/api/v1/recipients/stars?username=pandus"),
        "check_premium_recipient" => Raw::get("/api/v1/recipients/premium?username=pandus"),
        "get_balance" => Raw::get("/api/v1/balance"),
        "list_balance_transactions" => Raw::get("/api/v1/balance/transactions?limit=5"),
        "get_health" => Raw::get("/api/v1/health"),
        other => panic!("no example request for `{other}`"),
    };
    raw.auth(auth)
}

/// The second partner's key, or a failure saying it is needed.
pub(crate) fn second_key(live: &Live, clause: Clause) -> Result<Secret, ClauseFailure> {
    live.config
        .api_key_2
        .clone()
        .ok_or_else(|| clause.fail("-", "this clause needs CONTRACT_API_KEY_2"))
}
