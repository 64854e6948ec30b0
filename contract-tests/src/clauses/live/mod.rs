//! Live mode: the server side, against `CONTRACT_BASE_URL` through the recording proxy. Every
//! order a clause creates carries a `client_reference` unique to the run and is cancelled at
//! the end of the run.

mod envelope;
mod error_codes;
mod idempotency;
mod properties;
mod state_machine;

use serde_json::{Value, json};

use super::{ClauseTest, Needs, Runner};
use crate::config::Secret;
use crate::envelope::WireResponse;
use crate::failure::{Clause, ClauseFailure, ClauseResult};
use crate::live::{Auth, Live, Raw};

pub(crate) fn tests() -> Vec<ClauseTest> {
    let t = |name, run, needs| ClauseTest {
        name,
        runner: Runner::Live(run),
        needs,
    };
    let n = Needs::Nothing;
    vec![
        t(
            "envelope::every_operation_and_status",
            envelope::every_operation_and_status,
            n,
        ),
        t(
            "error_codes::unauthorized_401",
            error_codes::unauthorized_401,
            n,
        ),
        t("error_codes::not_found_404", error_codes::not_found_404, n),
        t(
            "error_codes::other_partners_order_404",
            error_codes::other_partners_order_404,
            Needs::SecondKey,
        ),
        t("error_codes::conflict_409", error_codes::conflict_409, n),
        t(
            "error_codes::validation_422",
            error_codes::validation_422,
            n,
        ),
        t(
            "error_codes::rate_limited_429",
            error_codes::rate_limited_429,
            Needs::RateLimitKey,
        ),
        t(
            "idempotency::replay_same_key_same_order",
            idempotency::replay_same_key_same_order,
            n,
        ),
        t(
            "idempotency::different_keys_different_orders",
            idempotency::different_keys_different_orders,
            n,
        ),
        t(
            "idempotency::same_key_different_body_422",
            idempotency::same_key_different_body_422,
            n,
        ),
        t(
            "idempotency::concurrent_same_key_one_order",
            idempotency::concurrent_same_key_one_order,
            n,
        ),
        t(
            "properties::valid_orders_round_trip",
            properties::valid_orders_round_trip,
            n,
        ),
        t(
            "properties::invalid_inputs_rejected",
            properties::invalid_inputs_rejected,
            n,
        ),
        t(
            "state_machine::orders_and_idempotency",
            state_machine::orders_and_idempotency,
            n,
        ),
    ]
}

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

/// Checks status and code (for `clause`), then the envelope (the envelope clause).
pub(crate) fn expect(
    clause: Clause,
    operation: &str,
    response: &WireResponse,
    status: u16,
    code: Option<&str>,
) -> ClauseResult {
    let expected = format!(
        "{status}{}",
        code.map(|c| format!(" {c}")).unwrap_or_default()
    );
    clause.ensure(response.status == status, operation, || {
        format!("expected {expected}, saw {}", response.describe())
    })?;
    if let Some(code) = code {
        clause.ensure(
            response.error_code().as_deref() == Some(code),
            operation,
            || {
                format!(
                    "expected {expected}, saw error_code {:?}: {}",
                    response.error_code(),
                    response.describe()
                )
            },
        )?;
    }
    crate::envelope::check(operation, response)
}

/// The `data` of a success.
pub(crate) fn data(response: &WireResponse) -> Value {
    response.json().get("data").cloned().unwrap_or(Value::Null)
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
