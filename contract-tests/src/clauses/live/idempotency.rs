//! Idempotency, server side: the same key and body replay the same order with an identical
//! body and create nothing more; different keys make different orders; the same key with a
//! different request is `422 IDEMPOTENCY_KEY_REUSED`; concurrent requests with one key make
//! one order.

use std::collections::BTreeSet;

use futures_util::future::join_all;
use serde_json::Value;

use super::expect::{data, expect};
use super::requests::{fresh_key, make_order, premium_body, stars_body};
use crate::failure::{Clause, ClauseFailure, ClauseResult};
use crate::live::{Auth, Live, Raw};
use crate::runtime::block_on;

fn create(path: &str, key: &str, body: &Value) -> Raw {
    Raw::post(path).idempotency_key(key).json(body.clone())
}

async fn orders_with(
    live: &Live,
    clause: Clause,
    reference: &str,
) -> Result<Vec<u64>, ClauseFailure> {
    let response = live
        .send(Raw::get(format!("/api/v1/orders/by-reference/{reference}")))
        .await;
    expect(clause, "list_orders_by_reference", &response, 200, None)?;
    Ok(data(&response)
        .as_array()
        .map(|items| items.iter().filter_map(|o| o["id"].as_u64()).collect())
        .unwrap_or_default())
}

pub(crate) fn replay_same_key_same_order(live: &Live) -> ClauseResult {
    const CLAUSE: Clause = Clause("idempotency/replay");
    block_on(async {
        for (op, path, body) in [
            (
                "create_stars_order",
                "/api/v1/orders/stars",
                stars_body("pandus", 150, &live.run.reference("replay-stars")),
            ),
            (
                "create_premium_order",
                "/api/v1/orders/premium",
                premium_body("pandus", 6, &live.run.reference("replay-premium")),
            ),
        ] {
            let key = fresh_key();
            let first = live.send(create(path, &key, &body)).await;
            expect(CLAUSE, op, &first, 200, None)?;
            let replay = live.send(create(path, &key, &body)).await;
            expect(CLAUSE, op, &replay, 200, None)?;
            CLAUSE.ensure(first.json() == replay.json(), op, || {
                format!(
                    "a replay answered another body: first {}, replay {}",
                    first.describe(),
                    replay.describe()
                )
            })?;
            let reference = body["client_reference"].as_str().unwrap_or_default();
            let ids = orders_with(live, CLAUSE, reference).await?;
            CLAUSE.ensure(ids.len() == 1, op, || {
                format!("one key, two requests: {} orders exist: {ids:?}", ids.len())
            })?;
        }
        let made = make_order(live, CLAUSE, Auth::Primary, "replay-cancel").await?;
        let key = fresh_key();
        let cancel =
            || Raw::post(format!("/api/v1/orders/{}/cancel", made.id)).idempotency_key(key.clone());
        let first = live.send(cancel()).await;
        expect(CLAUSE, "cancel_order", &first, 200, None)?;
        let replay = live.send(cancel()).await;
        expect(CLAUSE, "cancel_order", &replay, 200, None)?;
        CLAUSE.ensure(first.json() == replay.json(), "cancel_order", || {
            format!(
                "a replayed cancel answered another body: {}",
                replay.describe()
            )
        })
    })
}

pub(crate) fn different_keys_different_orders(live: &Live) -> ClauseResult {
    const CLAUSE: Clause = Clause("idempotency/different-keys");
    block_on(async {
        let reference = live.run.reference("two-keys");
        let body = stars_body("pandus", 200, &reference);
        let a = live
            .send(create("/api/v1/orders/stars", &fresh_key(), &body))
            .await;
        expect(CLAUSE, "create_stars_order", &a, 200, None)?;
        let b = live
            .send(create("/api/v1/orders/stars", &fresh_key(), &body))
            .await;
        expect(CLAUSE, "create_stars_order", &b, 200, None)?;
        let (a, b) = (data(&a)["id"].clone(), data(&b)["id"].clone());
        CLAUSE.ensure(a != b, "create_stars_order", || {
            format!("two keys gave the same order {a}")
        })?;
        let ids = orders_with(live, CLAUSE, &reference).await?;
        CLAUSE.ensure(ids.len() == 2, "create_stars_order", || {
            format!("two keys should make two orders, {ids:?} exist")
        })
    })
}

pub(crate) fn same_key_different_body_422(live: &Live) -> ClauseResult {
    const CLAUSE: Clause = Clause("idempotency/key-reused");
    block_on(async {
        let reference = live.run.reference("reused");
        // Per create: the first request, then the same key with a different body.
        let creates = [
            (
                "create_stars_order",
                "/api/v1/orders/stars",
                stars_body("pandus", 300, &reference),
                stars_body("pandus", 301, &reference),
            ),
            (
                "create_premium_order",
                "/api/v1/orders/premium",
                premium_body("pandus", 3, &reference),
                premium_body("pandus", 12, &reference),
            ),
        ];
        for (operation, path, body, other_body) in &creates {
            let key = fresh_key();
            let first = live.send(create(path, &key, body)).await;
            expect(CLAUSE, operation, &first, 200, None)?;
            let other = live.send(create(path, &key, other_body)).await;
            expect(
                CLAUSE,
                operation,
                &other,
                422,
                Some("IDEMPOTENCY_KEY_REUSED"),
            )?;
        }
        let ids = orders_with(live, CLAUSE, &reference).await?;
        CLAUSE.ensure(ids.len() == 2, "create_stars_order", || {
            format!("a rejected reuse created an order: {ids:?}")
        })?;
        // One key on two different orders' cancels is two different requests.
        let (a, b) = (
            make_order(live, CLAUSE, Auth::Primary, "reuse-cancel-a").await?,
            make_order(live, CLAUSE, Auth::Primary, "reuse-cancel-b").await?,
        );
        let cancel_key = fresh_key();
        let first = live
            .send(Raw::post(format!("/api/v1/orders/{}/cancel", a.id)).idempotency_key(&cancel_key))
            .await;
        expect(CLAUSE, "cancel_order", &first, 200, None)?;
        let second = live
            .send(Raw::post(format!("/api/v1/orders/{}/cancel", b.id)).idempotency_key(&cancel_key))
            .await;
        expect(
            CLAUSE,
            "cancel_order",
            &second,
            422,
            Some("IDEMPOTENCY_KEY_REUSED"),
        )
    })
}

pub(crate) fn concurrent_same_key_one_order(live: &Live) -> ClauseResult {
    const CLAUSE: Clause = Clause("idempotency/concurrent");
    const CONCURRENT: usize = 8;
    block_on(async {
        let reference = live.run.reference("concurrent");
        let key = fresh_key();
        let body = stars_body("pandus", 500, &reference);
        let responses = join_all(
            (0..CONCURRENT).map(|_| live.send(create("/api/v1/orders/stars", &key, &body))),
        )
        .await;
        // Every distinct order the 200s answered.
        let mut ids = BTreeSet::new();
        for response in &responses {
            if response.status == 409 {
                expect(
                    CLAUSE,
                    "create_stars_order",
                    response,
                    409,
                    Some("IDEMPOTENCY_IN_PROGRESS"),
                )?;
            } else {
                expect(CLAUSE, "create_stars_order", response, 200, None)?;
                ids.insert(data(response)["id"].to_string());
            }
        }
        CLAUSE.ensure(ids.len() == 1, "create_stars_order", || {
            format!("{CONCURRENT} concurrent requests with one key answered orders {ids:?}")
        })?;
        let existing = orders_with(live, CLAUSE, &reference).await?;
        CLAUSE.ensure(existing.len() == 1, "create_stars_order", || {
            format!(
                "{CONCURRENT} concurrent requests with one key made {} orders",
                existing.len()
            )
        })
    })
}
