//! Order invariants the spec states in prose (the `Order` schema's description): a new order
//! has `expires_at` after `created_at` and a positive `price_ton`; its quantity or months,
//! recipient (without the `@`) and `client_reference` are the ones sent; it reads back
//! identical through `get_order`, `get_order_by_memo` and `list_orders_by_reference`.

use serde_json::Value;

use super::expect::{data, expect};
use super::requests::{encode, fresh_key, premium_body, stars_body};
use crate::failure::{Clause, ClauseResult};
use crate::live::{Live, Raw};
use crate::runtime::block_on;

const CLAUSE: Clause = Clause("invariants/order");

pub(crate) fn orders_read_back_as_created(live: &Live) -> ClauseResult {
    block_on(async {
        let creates = [
            (
                "create_stars_order",
                "/api/v1/orders/stars",
                stars_body("pandus", 250, &live.run.reference("invariant-stars")),
                ("stars_amount", "quantity"),
            ),
            (
                "create_premium_order",
                "/api/v1/orders/premium",
                premium_body("@pandus", 12, &live.run.reference("invariant-premium")),
                ("premium_months", "months"),
            ),
        ];
        for (operation, path, body, (amount, sent_amount)) in creates {
            let response = live
                .send(
                    Raw::post(path)
                        .idempotency_key(fresh_key())
                        .json(body.clone()),
                )
                .await;
            expect(CLAUSE, operation, &response, 200, None)?;
            let order = data(&response);
            as_sent(operation, &order, &body, amount, sent_amount)?;
            reads_back(live, &order).await?;
        }
        live.run.coverage.record_meaning(CLAUSE.0, "Order");
        Ok(())
    })
}

fn as_sent(
    operation: &str,
    order: &Value,
    body: &Value,
    amount: &str,
    sent_amount: &str,
) -> ClauseResult {
    let time = |field: &str| {
        order[field]
            .as_str()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
    };
    let (created, expires) = (time("created_at"), time("expires_at"));
    CLAUSE.ensure(
        matches!((created, expires), (Some(c), Some(e)) if e > c),
        operation,
        || {
            format!(
                "a new order expires at {} but was created at {}",
                order["expires_at"], order["created_at"]
            )
        },
    )?;
    let price: Option<f64> = order["price_ton"].to_string().parse().ok();
    CLAUSE.ensure(price.is_some_and(|p| p > 0.0), operation, || {
        format!("`price_ton` is {}, not positive", order["price_ton"])
    })?;
    let sent_username = body["recipient_username"].as_str().unwrap_or_default();
    for (field, expected) in [
        (amount, body[sent_amount].clone()),
        (
            "recipient_username",
            Value::from(sent_username.trim_start_matches('@')),
        ),
        ("client_reference", body["client_reference"].clone()),
    ] {
        let same = match (&order[field], &expected) {
            (Value::Number(a), Value::Number(b)) => a.as_i64() == b.as_i64(),
            (a, b) => a == b,
        };
        CLAUSE.ensure(same, operation, || {
            format!("sent {expected} became `{field}` {}", order[field])
        })?;
    }
    Ok(())
}

/// The order reads back identical by id, by memo and (alone) by reference.
async fn reads_back(live: &Live, order: &Value) -> ClauseResult {
    let id = order["id"].to_string();
    let memo = order["payment_memo"].as_str().unwrap_or_default();
    let reference = order["client_reference"].as_str().unwrap_or_default();
    for (operation, path) in [
        ("get_order", format!("/api/v1/orders/{id}")),
        (
            "get_order_by_memo",
            format!("/api/v1/orders/by-memo/{}", encode(memo)),
        ),
    ] {
        let response = live.send(Raw::get(path)).await;
        expect(CLAUSE, operation, &response, 200, None)?;
        let read = data(&response);
        CLAUSE.ensure(read == *order, operation, || {
            format!("order {id} reads back as {read}, was created as {order}")
        })?;
    }
    let operation = "list_orders_by_reference";
    let response = live
        .send(Raw::get(format!(
            "/api/v1/orders/by-reference/{}",
            encode(reference)
        )))
        .await;
    expect(CLAUSE, operation, &response, 200, None)?;
    let listed = data(&response);
    CLAUSE.ensure(listed.as_array().is_some_and(|l| l.len() == 1 && l[0] == *order), operation, || {
        format!("the only order with reference {reference} was created as {order}, is listed as {listed}")
    })
}
