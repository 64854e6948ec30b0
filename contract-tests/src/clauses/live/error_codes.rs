//! Error codes, server side: 401 for a missing or invalid bearer on every operation that needs
//! one; 404 for an unknown id or memo and for another partner's order (which must not leak
//! anywhere); 409 for cancelling a cancelled order; 422 `VALIDATION_ERROR` for each validation
//! rule (a message that does not name the field is a note: free text is not contract); 429
//! with `Retry-After` on every operation once a key is throttled.

use super::expect::{data, expect};
use super::requests::{
    Made, UNKNOWN_ORDER_ID, encode, example, fresh_key, make_order, premium_body, second_key,
    stars_body,
};
use crate::envelope::WireResponse;
use crate::failure::{Clause, ClauseResult};
use crate::live::{Auth, Live, Raw};
use crate::notes::unnamed_field;
use crate::runtime::block_on;
use crate::spec::spec;

pub(crate) fn unauthorized_401(live: &Live) -> ClauseResult {
    const CLAUSE: Clause = Clause("error-codes/401");
    block_on(async {
        let made = make_order(live, CLAUSE, Auth::Primary, "401").await?;
        for op in &spec().operations {
            let auths = if op.id == "get_balance" {
                vec![Auth::Missing, Auth::Invalid, Auth::NotBearer]
            } else {
                vec![Auth::Missing, Auth::Invalid]
            };
            for auth in auths {
                let response = live.send(example(&op.id, &made, auth.clone())).await;
                if op.needs_auth {
                    expect(CLAUSE, &op.id, &response, 401, Some("UNAUTHORIZED")).map_err(
                        |mut f| {
                            f.seen = format!("with {auth:?} bearer: {}", f.seen);
                            f
                        },
                    )?;
                } else {
                    expect(CLAUSE, &op.id, &response, 200, None)?;
                }
            }
        }
        Ok(())
    })
}

pub(crate) fn not_found_404(live: &Live) -> ClauseResult {
    const CLAUSE: Clause = Clause("error-codes/404");
    block_on(async {
        let get = live
            .send(Raw::get(format!("/api/v1/orders/{UNKNOWN_ORDER_ID}")))
            .await;
        expect(CLAUSE, "get_order", &get, 404, Some("NOT_FOUND"))?;
        let cancel = live
            .send(
                Raw::post(format!("/api/v1/orders/{UNKNOWN_ORDER_ID}/cancel"))
                    .idempotency_key(fresh_key()),
            )
            .await;
        expect(CLAUSE, "cancel_order", &cancel, 404, Some("NOT_FOUND"))?;
        let memo = format!("CT-NO-SUCH-MEMO-{}", &fresh_key()[..8]);
        let by_memo = live
            .send(Raw::get(format!("/api/v1/orders/by-memo/{memo}")))
            .await;
        expect(
            CLAUSE,
            "get_order_by_memo",
            &by_memo,
            404,
            Some("NOT_FOUND"),
        )?;
        let reference = live.run.reference("never-used");
        let by_reference = live
            .send(Raw::get(format!("/api/v1/orders/by-reference/{reference}")))
            .await;
        expect(CLAUSE, "list_orders_by_reference", &by_reference, 200, None)?;
        CLAUSE.ensure(
            data(&by_reference) == serde_json::json!([]),
            "list_orders_by_reference",
            || {
                format!(
                    "an unused reference should give 200 [], saw {}",
                    by_reference.describe()
                )
            },
        )
    })
}

pub(crate) fn other_partners_order_404(live: &Live) -> ClauseResult {
    const CLAUSE: Clause = Clause("error-codes/404-other-partner");
    block_on(async {
        let other = Auth::Key(second_key(live, CLAUSE)?);
        let theirs = make_order(live, CLAUSE, other.clone(), "other-partner").await?;
        let leaks = [
            (
                "get_order",
                live.send(Raw::get(format!("/api/v1/orders/{}", theirs.id)))
                    .await,
            ),
            (
                "cancel_order",
                live.send(
                    Raw::post(format!("/api/v1/orders/{}/cancel", theirs.id))
                        .idempotency_key(fresh_key()),
                )
                .await,
            ),
            (
                "get_order_by_memo",
                live.send(Raw::get(format!(
                    "/api/v1/orders/by-memo/{}",
                    encode(&theirs.memo)
                )))
                .await,
            ),
        ];
        for (op, response) in &leaks {
            expect(CLAUSE, op, response, 404, Some("NOT_FOUND"))?;
        }
        let by_reference = live
            .send(example("list_orders_by_reference", &theirs, Auth::Primary))
            .await;
        expect(CLAUSE, "list_orders_by_reference", &by_reference, 200, None)?;
        CLAUSE.ensure(
            data(&by_reference) == serde_json::json!([]),
            "list_orders_by_reference",
            || {
                format!(
                    "another partner's order leaked: {}",
                    by_reference.describe()
                )
            },
        )?;
        let list = live.send(Raw::get("/api/v1/orders?limit=100")).await;
        expect(CLAUSE, "list_orders", &list, 200, None)?;
        let leaked = data(&list)["items"]
            .as_array()
            .is_some_and(|items| items.iter().any(|o| o["id"].as_u64() == Some(theirs.id)));
        CLAUSE.ensure(!leaked, "list_orders", || {
            format!("another partner's order {} is listed", theirs.id)
        })?;
        let still = live.send(example("get_order", &theirs, other)).await;
        expect(CLAUSE, "get_order", &still, 200, None)?;
        CLAUSE.ensure(
            data(&still)["status"] == "pending_payment",
            "cancel_order",
            || {
                format!(
                    "another partner's cancel changed the order: {}",
                    still.describe()
                )
            },
        )
    })
}

pub(crate) fn conflict_409(live: &Live) -> ClauseResult {
    const CLAUSE: Clause = Clause("error-codes/409");
    block_on(async {
        let made = make_order(live, CLAUSE, Auth::Primary, "409").await?;
        let first = live
            .send(example("cancel_order", &made, Auth::Primary))
            .await;
        expect(CLAUSE, "cancel_order", &first, 200, None)?;
        CLAUSE.ensure(
            data(&first)["status"] == "cancelled",
            "cancel_order",
            || {
                format!(
                    "a cancelled order should say `cancelled`: {}",
                    first.describe()
                )
            },
        )?;
        let second = live
            .send(example("cancel_order", &made, Auth::Primary))
            .await;
        expect(
            CLAUSE,
            "cancel_order",
            &second,
            409,
            Some("ORDER_NOT_CANCELLABLE"),
        )
    })
}

/// (operation, request, field at fault)
fn validation_rules(live: &Live) -> Vec<(&'static str, Raw, &'static str)> {
    let r = live.run.reference("422");
    let stars = |body| {
        Raw::post("/api/v1/orders/stars")
            .idempotency_key(fresh_key())
            .json(body)
    };
    let premium = |body| {
        Raw::post("/api/v1/orders/premium")
            .idempotency_key(fresh_key())
            .json(body)
    };
    let mut no_quantity = stars_body("pandus", 100, &r);
    no_quantity
        .as_object_mut()
        .expect("an object")
        .remove("quantity");
    let mut bad_method = stars_body("pandus", 100, &r);
    bad_method["payment_method"] = "card".into();
    let mut bad_currency = stars_body("pandus", 100, &r);
    bad_currency["payment_currency"] = "USD".into();
    vec![
        (
            "create_stars_order",
            stars(stars_body("pandus", 49, &r)),
            "quantity",
        ),
        (
            "create_stars_order",
            stars(stars_body("pandus", 10001, &r)),
            "quantity",
        ),
        ("create_stars_order", stars(no_quantity), "quantity"),
        (
            "create_stars_order",
            stars(stars_body("ab", 100, &r)),
            "recipient_username",
        ),
        (
            "create_stars_order",
            stars(stars_body("bad-name!", 100, &r)),
            "recipient_username",
        ),
        (
            "create_stars_order",
            stars(stars_body(&"a".repeat(33), 100, &r)),
            "recipient_username",
        ),
        ("create_stars_order", stars(bad_method), "payment_method"),
        (
            "create_stars_order",
            stars(bad_currency),
            "payment_currency",
        ),
        (
            "create_stars_order",
            stars(stars_body("pandus", 100, &"x".repeat(129))),
            "client_reference",
        ),
        (
            "create_stars_order",
            stars(stars_body("pandus", 100, "has space")),
            "client_reference",
        ),
        (
            "create_premium_order",
            premium(premium_body("pandus", 4, &r)),
            "months",
        ),
        (
            "create_premium_order",
            premium(premium_body("ab", 3, &r)),
            "recipient_username",
        ),
        ("get_order", Raw::get("/api/v1/orders/0"), "id"),
        ("get_order", Raw::get("/api/v1/orders/abc"), "id"),
        (
            "cancel_order",
            Raw::post("/api/v1/orders/0/cancel").idempotency_key(fresh_key()),
            "id",
        ),
        (
            "get_order_by_memo",
            Raw::get(format!("/api/v1/orders/by-memo/{}", "m".repeat(65))),
            "memo",
        ),
        (
            "list_orders_by_reference",
            Raw::get(format!("/api/v1/orders/by-reference/{}", "r".repeat(129))),
            "ref",
        ),
        (
            "list_orders_by_reference",
            Raw::get("/api/v1/orders/by-reference/has%20space"),
            "ref",
        ),
        ("list_orders", Raw::get("/api/v1/orders?limit=0"), "limit"),
        ("list_orders", Raw::get("/api/v1/orders?limit=101"), "limit"),
        (
            "list_orders",
            Raw::get("/api/v1/orders?offset=-1"),
            "offset",
        ),
        (
            "list_balance_transactions",
            Raw::get("/api/v1/balance/transactions?limit=101"),
            "limit",
        ),
        (
            "list_balance_transactions",
            Raw::get("/api/v1/balance/transactions?offset=-1"),
            "offset",
        ),
        (
            "estimate_stars_price",
            Raw::get("/api/v1/pricing/estimate/stars?quantity=49"),
            "quantity",
        ),
        (
            "estimate_stars_price",
            Raw::get("/api/v1/pricing/estimate/stars"),
            "quantity",
        ),
        (
            "estimate_premium_price",
            Raw::get("/api/v1/pricing/estimate/premium?months=5"),
            "months",
        ),
        (
            "check_stars_recipient",
            Raw::get("/api/v1/recipients/stars?username=ab"),
            "username",
        ),
        (
            "check_premium_recipient",
            Raw::get("/api/v1/recipients/premium?username=no%20spaces"),
            "username",
        ),
    ]
}

/// Checks a 422 `VALIDATION_ERROR` (the contract); a message that does not name `field` is
/// noted, not failed (free text is for people).
pub(crate) fn rejected_as_invalid(
    live: &Live,
    clause: Clause,
    operation: &str,
    response: &WireResponse,
    field: &str,
) -> ClauseResult {
    expect(clause, operation, response, 422, Some("VALIDATION_ERROR"))?;
    let body = response.json();
    let message = body["error_message"].as_str().unwrap_or_default();
    unnamed_field(&live.run.notes, clause, operation, field, message);
    Ok(())
}

pub(crate) fn validation_422(live: &Live) -> ClauseResult {
    const CLAUSE: Clause = Clause("error-codes/422");
    block_on(async {
        for (op, request, field) in validation_rules(live) {
            let response = live.send(request).await;
            rejected_as_invalid(live, CLAUSE, op, &response, field)?;
        }
        Ok(())
    })
}

pub(crate) fn rate_limited_429(live: &Live) -> ClauseResult {
    const CLAUSE: Clause = Clause("error-codes/429");
    const MAX_PROBES: usize = 30;
    block_on(async {
        let key = live
            .config
            .rate_limit_key
            .clone()
            .ok_or_else(|| CLAUSE.fail("-", "this clause needs CONTRACT_RATE_LIMIT_API_KEY"))?;
        let auth = Auth::Key(key);
        let mut throttled = None;
        for _ in 0..MAX_PROBES {
            let response = live
                .send(
                    Raw::get("/api/v1/pricing/ton-rate")
                        .auth(auth.clone())
                        .keep_429(),
                )
                .await;
            if response.status == 429 {
                throttled = Some(response);
                break;
            }
            expect(CLAUSE, "get_ton_rate", &response, 200, None)?;
        }
        let throttled = throttled.ok_or_else(|| {
            CLAUSE.fail(
                "get_ton_rate",
                format!("{MAX_PROBES} requests with the rate-limited key never got a 429"),
            )
        })?;
        let made = Made {
            id: UNKNOWN_ORDER_ID,
            memo: "CT-THROTTLED".to_owned(),
            reference: live.run.reference("429"),
            response: throttled.clone(),
        };
        let mut responses = vec![("get_ton_rate".to_owned(), throttled)];
        for op in spec()
            .operations
            .iter()
            .filter(|o| o.needs_auth && o.id != "get_ton_rate")
        {
            let response = live
                .send(example(&op.id, &made, auth.clone()).keep_429())
                .await;
            responses.push((op.id.clone(), response));
        }
        for (op, response) in responses {
            expect(CLAUSE, &op, &response, 429, Some("RATE_LIMITED"))?;
            let retry_after = response.header("retry-after").map(str::to_owned);
            CLAUSE.ensure(
                retry_after
                    .as_deref()
                    .is_some_and(|v| v.trim().parse::<u64>().is_ok()),
                &op,
                || format!("a 429 without a delta-seconds Retry-After: {retry_after:?}"),
            )?;
        }
        Ok(())
    })
}
