//! `Idempotency-Key` exactly as the contract notes say, including under concurrency.

use std::time::Duration;

use futures_util::StreamExt as _;
use futures_util::stream::FuturesUnordered;
use serde_json::json;
use theopenmoney_sandbox::Sandbox;

use crate::support::{ALPHA, Api, BETA, key, stars};

#[tokio::test]
async fn a_retry_replays_the_first_answer_byte_for_byte() {
    let api = Api::start().await;
    let key = key();
    let body = stars(100, "invoice-1");
    let first = api
        .post(ALPHA, "/api/v1/orders/stars", &body, Some(&key))
        .await;
    assert_eq!(first.status, 200);
    assert_eq!(first.header("idempotent-replayed"), None);
    let again = api
        .post(ALPHA, "/api/v1/orders/stars", &body, Some(&key))
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.text, first.text);
    // Key order and whitespace do not make a different request.
    let reordered = json!({
        "client_reference": "invoice-1", "payment_currency": "TON",
        "payment_method": "ton_memo", "quantity": 100, "recipient_username": "pandus",
    });
    let third = api
        .post(ALPHA, "/api/v1/orders/stars", &reordered, Some(&key))
        .await;
    assert_eq!(third.text, first.text);
    assert_eq!(api.all_orders(Some("invoice-1")).await.len(), 1);
}

#[tokio::test]
async fn the_same_key_with_another_request_is_422_reused() {
    let api = Api::start().await;
    let key = key();
    api.create_stars(ALPHA, &stars(100, "a"), Some(&key)).await;
    let other_body = api
        .post(ALPHA, "/api/v1/orders/stars", &stars(101, "a"), Some(&key))
        .await;
    other_body.expect_error(422, "IDEMPOTENCY_KEY_REUSED");
    let other_path = api
        .post(
            ALPHA,
            "/api/v1/orders/premium",
            &crate::support::premium(3, "a"),
            Some(&key),
        )
        .await;
    other_path.expect_error(422, "IDEMPOTENCY_KEY_REUSED");
    assert_eq!(api.all_orders(Some("a")).await.len(), 1);
}

#[tokio::test]
async fn rejected_requests_are_not_stored_so_the_key_can_be_reused() {
    let api = Api::start().await;
    let key = key();
    let invalid = api
        .post(ALPHA, "/api/v1/orders/stars", &stars(10, "fix"), Some(&key))
        .await;
    invalid.expect_error(422, "VALIDATION_ERROR");
    // Insufficient balance changes nothing either.
    let mut by_balance = stars(10_000, "fix");
    by_balance["payment_method"] = json!("balance");
    let poor = api
        .post(BETA, "/api/v1/orders/stars", &by_balance, Some(&key))
        .await;
    poor.expect_error(409, "INSUFFICIENT_BALANCE");

    let fixed = api
        .post(
            ALPHA,
            "/api/v1/orders/stars",
            &stars(100, "fix"),
            Some(&key),
        )
        .await;
    assert_eq!(fixed.status, 200, "{}", fixed.text);
    assert_eq!(fixed.header("idempotent-replayed"), None);
}

#[tokio::test]
async fn keys_are_scoped_per_partner() {
    let api = Api::start().await;
    let key = key();
    let body = stars(100, "shared-key");
    let a = api.create_stars(ALPHA, &body, Some(&key)).await;
    let b = api.create_stars(BETA, &body, Some(&key)).await;
    assert_ne!(a["id"], b["id"]);
    let orders = api.all_orders(Some("shared-key")).await;
    let partners: Vec<_> = orders
        .iter()
        .map(|o| o["partner"].as_str().unwrap())
        .collect();
    assert_eq!(partners, ["alpha", "beta"]);
    assert!(orders.iter().all(|o| o["idempotency_key"] == json!(key)));
}

#[tokio::test]
async fn creates_without_a_key_are_not_deduplicated() {
    let api = Api::start().await;
    let body = stars(100, "no-key");
    let a = api.create_stars(ALPHA, &body, None).await;
    let b = api.create_stars(ALPHA, &body, None).await;
    assert_ne!(a["id"], b["id"]);
    assert_eq!(api.all_orders(Some("no-key")).await.len(), 2);
}

/// 64 simultaneous creates with one key make exactly one order; every other answer is the same
/// order (a replay) or `409 IDEMPOTENCY_IN_PROGRESS`. Run without and with a processing delay,
/// so both the registry of keys in flight and the database constraint are exercised.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_simultaneous_creates_make_exactly_one_order() {
    let api = Api::start().await;
    for (round, held) in [(0, false), (1, true)] {
        // Held: the one request that takes the key keeps it until every other one has been
        // answered (the delay is lifted only then), so all 63 overlap it, whatever the load.
        api.set_processing_delay(if held { 60_000 } else { 0 })
            .await;
        let key = key();
        let reference = format!("race-{round}");
        let body = stars(100, &reference);
        let mut pending: FuturesUnordered<_> = (0..64)
            .map(|_| api.post(ALPHA, "/api/v1/orders/stars", &body, Some(&key)))
            .collect();
        let mut replies = Vec::new();
        while replies.len() < 63 {
            replies.push(pending.next().await.unwrap());
        }
        api.set_processing_delay(0).await;
        replies.push(pending.next().await.unwrap());
        let mut ids = std::collections::BTreeSet::new();
        let mut in_progress = 0;
        for reply in &replies {
            match reply.status {
                200 => {
                    ids.insert(reply.data()["id"].as_i64().unwrap());
                }
                409 => {
                    reply.expect_error(409, "IDEMPOTENCY_IN_PROGRESS");
                    in_progress += 1;
                }
                other => panic!("unexpected {other}: {}", reply.text),
            }
        }
        assert_eq!(ids.len(), 1, "round {round}: {ids:?}");
        let orders = api.all_orders(Some(&reference)).await;
        assert_eq!(orders.len(), 1, "round {round}");
        assert_eq!(orders[0]["order"]["id"].as_i64(), ids.first().copied());
        if held {
            // Every duplicate overlapped the holder and was told to retry.
            assert_eq!(in_progress, 63, "round {round}");
            assert_eq!(replies[63].status, 200, "round {round}");
        }
        // After the race, a retry replays the one order.
        let retry = api
            .post(ALPHA, "/api/v1/orders/stars", &body, Some(&key))
            .await;
        assert_eq!(retry.header("idempotent-replayed"), Some("true"));
        assert_eq!(retry.data()["id"].as_i64(), ids.first().copied());
    }
}

#[tokio::test]
async fn cancel_is_idempotent_per_order() {
    let api = Api::start().await;
    let first = api.create_stars(ALPHA, &stars(100, "c1"), None).await;
    let second = api.create_stars(ALPHA, &stars(100, "c2"), None).await;
    let key = key();
    let path = |order: &serde_json::Value| format!("/api/v1/orders/{}/cancel", order["id"]);
    let cancelled = api.post_empty(Some(ALPHA), &path(&first), Some(&key)).await;
    assert_eq!(cancelled.data()["status"], "cancelled");
    let again = api.post_empty(Some(ALPHA), &path(&first), Some(&key)).await;
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.text, cancelled.text);
    // Without the key, a second cancel is a state conflict.
    let unkeyed = api.post_empty(Some(ALPHA), &path(&first), None).await;
    unkeyed.expect_error(409, "ORDER_NOT_CANCELLABLE");
    // The same key on another order is another request.
    let other = api
        .post_empty(Some(ALPHA), &path(&second), Some(&key))
        .await;
    other.expect_error(422, "IDEMPOTENCY_KEY_REUSED");
}

#[tokio::test]
async fn keys_are_honoured_only_within_the_replay_window() {
    let api = Api::start_with(Sandbox::builder().idempotency_ttl(Duration::from_secs(1))).await;
    let key = key();
    let body = stars(100, "window");
    let first = api.create_stars(ALPHA, &body, Some(&key)).await;
    let replay = api.create_stars(ALPHA, &body, Some(&key)).await;
    assert_eq!(first["id"], replay["id"]);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let after = api
        .post(ALPHA, "/api/v1/orders/stars", &body, Some(&key))
        .await;
    assert_eq!(after.header("idempotent-replayed"), None);
    assert_ne!(after.data()["id"], first["id"]);
}
