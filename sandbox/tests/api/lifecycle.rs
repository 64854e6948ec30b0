//! Order lifecycles, the control surface, money and listings.

use std::str::FromStr;
use std::time::Duration;

use serde_json::{Value, json};
use theopenmoney::{Decimal, Percent, UsdAmount};
use theopenmoney_sandbox::{Pricing, Sandbox};

use crate::support::{ALPHA, Api, BETA, number, premium, stars};

fn dec(value: &Value) -> Decimal {
    Decimal::from_str(&number(value)).unwrap()
}

#[tokio::test]
async fn an_unpaid_order_expires_after_its_ttl() {
    let api = Api::start_with(Sandbox::builder().order_ttl(Duration::from_millis(400))).await;
    let order = api.create_stars(ALPHA, &stars(100, "ttl"), None).await;
    assert_eq!(order["status"], "pending_payment");
    let created =
        chrono::DateTime::parse_from_rfc3339(order["created_at"].as_str().unwrap()).unwrap();
    let expires =
        chrono::DateTime::parse_from_rfc3339(order["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!((expires - created).num_milliseconds(), 400);

    tokio::time::sleep(Duration::from_millis(500)).await;
    let id = order["id"].as_i64().unwrap();
    let read = api.get(ALPHA, &format!("/api/v1/orders/{id}")).await;
    assert_eq!(read.data()["status"], "expired");
    let cancel = api
        .post_empty(Some(ALPHA), &format!("/api/v1/orders/{id}/cancel"), None)
        .await;
    assert!(
        cancel
            .expect_error(409, "ORDER_NOT_CANCELLABLE")
            .contains("expired")
    );
    let pay = api
        .post_empty(None, &format!("/_sandbox/orders/{id}/pay"), None)
        .await;
    pay.expect_error(409, "INVALID_STATE");
    let expired = api.get(ALPHA, "/api/v1/orders?status=expired").await;
    assert_eq!(expired.data()["total"], 1);
    let pending = api
        .get(ALPHA, "/api/v1/orders?status=pending_payment")
        .await;
    assert_eq!(pending.data()["total"], 0);
}

#[tokio::test]
async fn the_default_ttl_is_fifteen_minutes() {
    let api = Api::start().await;
    let order = api.create_stars(ALPHA, &stars(100, "ttl15"), None).await;
    let created =
        chrono::DateTime::parse_from_rfc3339(order["created_at"].as_str().unwrap()).unwrap();
    let expires =
        chrono::DateTime::parse_from_rfc3339(order["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!((expires - created).num_seconds(), 15 * 60);
}

#[tokio::test]
async fn pending_orders_cancel_and_the_control_surface_moves_the_rest() {
    let api = Api::start().await;
    let cancelled = api.create_stars(ALPHA, &stars(100, "x"), None).await;
    let id = cancelled["id"].as_i64().unwrap();
    let reply = api
        .post_empty(Some(ALPHA), &format!("/api/v1/orders/{id}/cancel"), None)
        .await;
    assert_eq!(reply.data()["status"], "cancelled");
    api.post_empty(Some(ALPHA), &format!("/api/v1/orders/{id}/cancel"), None)
        .await
        .expect_error(409, "ORDER_NOT_CANCELLABLE");

    let order = api.create_stars(ALPHA, &stars(100, "y"), None).await;
    let id = order["id"].as_i64().unwrap();
    let control = |action: &str| format!("/_sandbox/orders/{id}/{action}");
    assert_eq!(
        api.post_empty(None, &control("pay"), None).await.data()["status"],
        "paid"
    );
    api.post_empty(None, &control("pay"), None)
        .await
        .expect_error(409, "INVALID_STATE");
    assert_eq!(
        api.post_empty(None, &control("complete"), None)
            .await
            .data()["status"],
        "completed"
    );
    assert_eq!(
        api.get(ALPHA, &format!("/api/v1/orders/{id}")).await.data()["status"],
        "completed"
    );
    api.post_empty(None, &control("fail"), None)
        .await
        .expect_error(409, "INVALID_STATE");
    api.post_empty(None, "/_sandbox/orders/999999/pay", None)
        .await
        .expect_error(404, "NOT_FOUND");
}

#[tokio::test]
async fn the_control_surface_can_be_switched_off() {
    let api = Api::start_with(Sandbox::builder().control_api(false)).await;
    let order = api.create_stars(ALPHA, &stars(100, "off"), None).await;
    let pay = api
        .post_empty(None, &format!("/_sandbox/orders/{}/pay", order["id"]), None)
        .await;
    pay.expect_error(404, "NOT_FOUND");
    api.send(api.client.get(api.url("/_sandbox/orders")))
        .await
        .expect_error(404, "NOT_FOUND");
}

#[tokio::test]
async fn estimates_equal_order_prices_exactly() {
    let pricing = Pricing {
        ton_usd: UsdAmount::from_str("3.1").unwrap(),
        fee_percent: Percent::from_str("3.3").unwrap(),
        ..Pricing::default()
    };
    let api = Api::start_with(Sandbox::builder().pricing(pricing)).await;
    let rate = api.get(ALPHA, "/api/v1/pricing/ton-rate").await;
    assert_eq!(number(&rate.data()["ton_usd"]), "3.1");
    let fee = api.get(ALPHA, "/api/v1/pricing/fee").await;
    assert_eq!(
        fee.data(),
        &exact(r#"{"fee_percent":3.3,"max_stars":10000,"min_stars":50,"premium_months":[3,6,12]}"#)
    );

    for quantity in [50, 100, 777, 10_000] {
        let estimate = api
            .get(
                ALPHA,
                &format!("/api/v1/pricing/estimate/stars?quantity={quantity}"),
            )
            .await;
        let order = api.create_stars(ALPHA, &stars(quantity, "est"), None).await;
        assert_eq!(
            number(&order["price_ton"]),
            number(&estimate.data()["price_ton"])
        );
        // price_usd = quantity × 0.015 × 1.033, exactly; price_ton = that / 3.1, rounded up
        // to the nanoton.
        let usd = Decimal::from(quantity) * Decimal::from_str("0.015495").unwrap();
        assert_eq!(dec(&estimate.data()["price_usd"]), usd);
        let ton = dec(&order["price_ton"]);
        assert!(ton.scale() <= 9);
        let nano = Decimal::from_str("0.000000001").unwrap();
        assert!(ton * Decimal::from_str("3.1").unwrap() >= usd);
        assert!((ton - nano) * Decimal::from_str("3.1").unwrap() < usd);
    }
    for months in [3, 6, 12] {
        let estimate = api
            .get(
                ALPHA,
                &format!("/api/v1/pricing/estimate/premium?months={months}"),
            )
            .await;
        let order = api
            .post(ALPHA, "/api/v1/orders/premium", &premium(months, "p"), None)
            .await;
        assert_eq!(
            number(&order.data()["price_ton"]),
            number(&estimate.data()["price_ton"])
        );
        assert_eq!(order.data()["premium_months"], months);
        assert_eq!(order.data()["order_type"], "premium");
        assert_eq!(order.data()["recipient_username"], "pandus");
        assert!(
            order.data()["payment_memo"]
                .as_str()
                .unwrap()
                .starts_with("PREMIUM-")
        );
    }
}

#[tokio::test]
async fn balance_payments_debit_exactly_and_refunds_credit_back() {
    let api = Api::start().await;
    let mut body = stars(777, "by-balance");
    body["payment_method"] = json!("balance");
    let order = api.create_stars(BETA, &body, None).await;
    assert_eq!(order["status"], "paid");
    assert_eq!(order["payment_method"], "balance");
    let price = dec(&order["price_ton"]);

    let balance = api.get(BETA, "/api/v1/balance").await;
    assert_eq!(dec(&balance.data()["balance_ton"]), Decimal::TEN - price);
    let transactions = api.get(BETA, "/api/v1/balance/transactions").await;
    let items = transactions.data()["items"].as_array().unwrap();
    assert_eq!(transactions.data()["total"], 2);
    assert_eq!(items[0]["kind"], "order_payment");
    assert_eq!(dec(&items[0]["amount_ton"]), -price);
    assert_eq!(items[0]["order_id"], order["id"]);
    assert_eq!(items[1]["kind"], "top_up");

    // A failed delivery refunds.
    let failed = api
        .post_empty(
            None,
            &format!("/_sandbox/orders/{}/fail", order["id"]),
            None,
        )
        .await;
    assert_eq!(failed.data()["status"], "failed");
    let balance = api.get(BETA, "/api/v1/balance").await;
    assert_eq!(number(&balance.data()["balance_ton"]), "10");
    let transactions = api.get(BETA, "/api/v1/balance/transactions?limit=1").await;
    assert_eq!(transactions.data()["items"][0]["kind"], "refund");
    assert_eq!(dec(&transactions.data()["items"][0]["amount_ton"]), price);
}

/// A JSON value parsed from its exact text (numbers keep every digit: no binary float on the
/// way, so `0.0000000001` is sent as written, not as `1e-10`).
fn exact(text: &str) -> Value {
    let value: Value = serde_json::from_str(text).unwrap();
    assert_eq!(value.to_string(), text, "not kept digit for digit");
    value
}

#[tokio::test]
async fn top_ups_arrive_through_the_control_surface() {
    let api = Api::start().await;
    let top_up = |amount: &str| {
        api.client
            .post(api.url("/_sandbox/partners/beta/top-up"))
            .header("content-type", "application/json")
            .body(json!({ "amount_ton": exact(amount) }).to_string())
    };
    let reply = api.send(top_up("0.000000001")).await;
    assert_eq!(number(&reply.data()["balance_ton"]), "10.000000001");
    for (bad, rule) in [
        ("0", "amount_ton must be positive"),
        ("-1", "amount_ton must be positive"),
        (
            "0.0000000001",
            "amount_ton must have at most 9 decimals (whole nanotons)",
        ),
        (
            "1.0000000001",
            "amount_ton must have at most 9 decimals (whole nanotons)",
        ),
        (
            "\"1\"",
            "amount_ton must be a JSON number of TON, such as 12.5",
        ),
    ] {
        let message = api
            .send(top_up(bad))
            .await
            .expect_error(422, "VALIDATION_ERROR")
            .to_owned();
        assert_eq!(message, rule, "{bad}");
    }
    // Nothing was credited by the refused ones.
    let balance = api.get(BETA, "/api/v1/balance").await;
    assert_eq!(number(&balance.data()["balance_ton"]), "10.000000001");
    let nobody = api
        .client
        .post(api.url("/_sandbox/partners/nobody/top-up"))
        .json(&json!({"amount_ton": 1}));
    api.send(nobody).await.expect_error(404, "NOT_FOUND");
}

#[tokio::test]
async fn lists_page_filter_and_sum_exactly() {
    let api = Api::start().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let order = api.create_stars(ALPHA, &stars(100 + i, "list"), None).await;
        ids.push(order["id"].as_i64().unwrap());
    }
    api.post(ALPHA, "/api/v1/orders/premium", &premium(6, "other"), None)
        .await;

    let page = api
        .get(ALPHA, "/api/v1/orders?order_type=stars&limit=2&offset=1")
        .await;
    let data = page.data();
    assert_eq!(
        (
            data["total"].as_i64(),
            data["limit"].as_i64(),
            data["offset"].as_i64()
        ),
        (Some(5), Some(2), Some(1))
    );
    let listed: Vec<_> = data["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect();
    assert_eq!(listed, [ids[3], ids[2]]);
    let default_page = api.get(ALPHA, "/api/v1/orders").await;
    assert_eq!(default_page.data()["limit"], 20);
    assert_eq!(default_page.data()["items"].as_array().unwrap().len(), 6);
    let unknown = api.get(ALPHA, "/api/v1/orders?status=refunded").await;
    assert_eq!(unknown.data()["total"], 0);

    let by_reference = api.get(ALPHA, "/api/v1/orders/by-reference/list").await;
    let newest_first: Vec<_> = by_reference
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect();
    assert_eq!(newest_first, ids.iter().rev().copied().collect::<Vec<_>>());

    let stats = api.get(ALPHA, "/api/v1/orders/stats/summary").await;
    let data = stats.data();
    assert_eq!(data["total_orders"], 6);
    assert_eq!(data["total_stars"], 510);
    assert_eq!(data["total_premium_months"], 6);
    assert_eq!(data["by_status"], json!({"pending_payment": 6}));
    let orders = api.get(ALPHA, "/api/v1/orders").await;
    let sum: Decimal = orders.data()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| dec(&o["price_ton"]))
        .sum();
    assert_eq!(dec(&data["total_ton"]), sum);
}
