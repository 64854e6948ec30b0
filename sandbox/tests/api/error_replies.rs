//! Every error status, each with the envelope and a message naming what is wrong.

use std::num::NonZeroU32;

use serde_json::json;
use theopenmoney_sandbox::{Partner, RateLimit, Sandbox};

use crate::support::{ALPHA, Api, THROTTLED, key, stars};

#[tokio::test]
async fn health_needs_no_key() {
    let api = Api::start().await;
    let reply = api.send(api.client.get(api.url("/api/v1/health"))).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, json!({"ok": true, "data": {"status": "ok"}}));
}

#[tokio::test]
async fn missing_malformed_and_unknown_keys_are_401() {
    let api = Api::start().await;
    let url = api.url("/api/v1/balance");
    let missing = api.send(api.client.get(&url)).await;
    assert!(missing.expect_error(401, "UNAUTHORIZED").contains("Bearer"));
    let basic = api
        .send(
            api.client
                .get(&url)
                .header("authorization", "Basic b3NrOng="),
        )
        .await;
    assert!(basic.expect_error(401, "UNAUTHORIZED").contains("Bearer"));
    let unknown = api.send(api.client.get(&url).bearer_auth("osk_nope")).await;
    let message = unknown.expect_error(401, "UNAUTHORIZED");
    assert!(
        !message.contains("osk_nope"),
        "the key is echoed: {message}"
    );
    let empty = api
        .send(api.client.get(&url).header("authorization", "Bearer "))
        .await;
    empty.expect_error(401, "UNAUTHORIZED");
}

#[tokio::test]
async fn unknown_paths_are_404_and_wrong_methods_405_with_allow() {
    let api = Api::start().await;
    let unknown = api.get(ALPHA, "/api/v1/nothing-here").await;
    assert!(
        unknown
            .expect_error(404, "NOT_FOUND")
            .contains("/api/v1/nothing-here")
    );
    let root = api.get(ALPHA, "/").await;
    root.expect_error(404, "NOT_FOUND");

    let wrong = api
        .send(
            api.client
                .delete(api.url("/api/v1/orders/stars"))
                .bearer_auth(ALPHA),
        )
        .await;
    wrong.expect_error(405, "METHOD_NOT_ALLOWED");
    assert_eq!(wrong.header("allow"), Some("POST"));
    let wrong = api
        .send(
            api.client
                .post(api.url("/api/v1/balance"))
                .bearer_auth(ALPHA),
        )
        .await;
    wrong.expect_error(405, "METHOD_NOT_ALLOWED");
    assert_eq!(wrong.header("allow"), Some("GET,HEAD"));
}

#[tokio::test]
async fn bodies_that_are_not_a_json_object_are_rejected_by_kind() {
    let api = Api::start().await;
    let url = api.url("/api/v1/orders/stars");
    let post = || api.client.post(&url).bearer_auth(ALPHA);

    let malformed = api
        .send(
            post()
                .header("content-type", "application/json")
                .body("{\"quantity\": 1"),
        )
        .await;
    assert!(
        malformed
            .expect_error(422, "VALIDATION_ERROR")
            .contains("not valid JSON")
    );

    let text = api
        .send(
            post()
                .header("content-type", "text/plain")
                .body(stars(100, "x").to_string()),
        )
        .await;
    assert!(
        text.expect_error(415, "VALIDATION_ERROR")
            .contains("application/json")
    );

    let no_type = api.send(post().body(stars(100, "x").to_string())).await;
    no_type.expect_error(415, "VALIDATION_ERROR");

    let empty = api
        .send(post().header("content-type", "application/json"))
        .await;
    assert!(
        empty
            .expect_error(422, "VALIDATION_ERROR")
            .contains("body is required")
    );

    let array = api
        .send(
            post()
                .header("content-type", "application/json")
                .body("[1, 2]"),
        )
        .await;
    assert!(
        array
            .expect_error(422, "VALIDATION_ERROR")
            .contains("JSON object")
    );

    let huge = format!(r#"{{"client_reference": "{}"}}"#, "x".repeat(70 * 1024));
    let oversized = api
        .send(post().header("content-type", "application/json").body(huge))
        .await;
    assert!(
        oversized
            .expect_error(413, "VALIDATION_ERROR")
            .contains("limit")
    );
}

#[tokio::test]
async fn invalid_parameters_are_422_naming_the_field() {
    let api = Api::start().await;
    let cases = [
        (
            json!({"quantity": 49}),
            "quantity must be between 50 and 10000",
        ),
        (
            json!({"quantity": 10001}),
            "quantity must be between 50 and 10000",
        ),
        (json!({"quantity": 100.5}), "quantity must be an integer"),
        (
            json!({"recipient_username": "abc"}),
            "recipient_username must be 5–32",
        ),
        (json!({"payment_method": "card"}), "payment_method must be"),
        (
            json!({"payment_currency": "USD"}),
            "payment_currency must be \"TON\"",
        ),
        (json!({"client_reference": ""}), "client_reference must be"),
        (
            json!({"client_reference": null}),
            "client_reference must be",
        ),
    ];
    for (change, expected) in cases {
        let mut body = stars(100, "ref");
        for (field, value) in change.as_object().unwrap() {
            body[field] = value.clone();
        }
        let reply = api.post(ALPHA, "/api/v1/orders/stars", &body, None).await;
        let message = reply.expect_error(422, "VALIDATION_ERROR");
        assert!(message.contains(expected), "{message:?} lacks {expected:?}");
    }
    let mut missing = stars(100, "ref");
    missing.as_object_mut().unwrap().remove("quantity");
    let reply = api
        .post(ALPHA, "/api/v1/orders/stars", &missing, None)
        .await;
    assert_eq!(
        reply.expect_error(422, "VALIDATION_ERROR"),
        "quantity is required"
    );

    let premium = json!({"recipient_username": "pandus", "months": 4,
                         "payment_method": "ton_memo", "payment_currency": "TON"});
    let reply = api
        .post(ALPHA, "/api/v1/orders/premium", &premium, None)
        .await;
    assert_eq!(
        reply.expect_error(422, "VALIDATION_ERROR"),
        "months must be 3, 6 or 12"
    );

    for (path, field) in [
        ("/api/v1/orders?limit=0", "limit"),
        ("/api/v1/orders?limit=101", "limit"),
        ("/api/v1/orders?offset=-1", "offset"),
        ("/api/v1/orders?limit=ten", "limit"),
        ("/api/v1/balance/transactions?limit=1&limit=2", "limit"),
        ("/api/v1/orders/0", "id"),
        ("/api/v1/orders/abc", "id"),
        ("/api/v1/pricing/estimate/stars?quantity=20", "quantity"),
        ("/api/v1/pricing/estimate/stars", "quantity"),
        ("/api/v1/pricing/estimate/premium?months=5", "months"),
        ("/api/v1/recipients/stars?username=no", "username"),
        ("/api/v1/recipients/premium", "username"),
        (
            &format!("/api/v1/orders/by-memo/{}", "m".repeat(65)),
            "memo",
        ),
        ("/api/v1/orders/by-reference/has%20space", "ref"),
    ] {
        let reply = api.get(ALPHA, path).await;
        let message = reply.expect_error(422, "VALIDATION_ERROR");
        assert!(
            message.starts_with(field) || message.contains(&format!(" {field} ")),
            "{path}: {message}"
        );
    }
}

#[tokio::test]
async fn bad_idempotency_keys_are_422_naming_the_header() {
    let api = Api::start().await;
    for bad in ["x".repeat(256), "clé".to_owned()] {
        let request = api
            .client
            .post(api.url("/api/v1/orders/stars"))
            .bearer_auth(ALPHA)
            .header("content-type", "application/json")
            .header("Idempotency-Key", bad.as_bytes())
            .body(stars(100, "k").to_string());
        let reply = api.send(request).await;
        assert!(
            reply
                .expect_error(422, "VALIDATION_ERROR")
                .contains("Idempotency-Key")
        );
    }
}

#[tokio::test]
async fn recipients_that_cannot_receive_are_refused_at_create() {
    let api = Api::start().await;
    let mut body = stars(100, "bot");
    body["recipient_username"] = json!("shop_bot");
    let reply = api.post(ALPHA, "/api/v1/orders/stars", &body, None).await;
    assert!(
        reply
            .expect_error(422, "VALIDATION_ERROR")
            .starts_with("recipient_username @shop_bot")
    );

    let check = api
        .get(ALPHA, "/api/v1/recipients/premium?username=%40Premium_Fan")
        .await;
    assert_eq!(
        check.data(),
        &json!({"username": "Premium_Fan", "can_receive": false,
                "reason": "the user already has Telegram Premium"})
    );
    let check = api
        .get(ALPHA, "/api/v1/recipients/stars?username=Premium_Fan")
        .await;
    assert_eq!(
        check.data(),
        &json!({"username": "Premium_Fan", "can_receive": true})
    );
}

#[tokio::test]
async fn a_throttled_key_gets_429_with_retry_after_and_others_do_not() {
    let api = Api::start().await;
    for _ in 0..3 {
        assert_eq!(api.get(THROTTLED, "/api/v1/balance").await.status, 200);
    }
    let limited = api.get(THROTTLED, "/api/v1/balance").await;
    limited.expect_error(429, "RATE_LIMITED");
    let retry_after: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=20).contains(&retry_after), "{retry_after}");
    // Per key: alpha is unaffected, and /health is never limited.
    assert_eq!(api.get(ALPHA, "/api/v1/balance").await.status, 200);
    assert_eq!(api.get(THROTTLED, "/api/v1/health").await.status, 200);
}

#[tokio::test]
async fn limits_are_configurable_per_partner() {
    let partner = Partner::new("tiny", "osk_tiny")
        .rate_limit(RateLimit::per_minute(NonZeroU32::new(1).unwrap()));
    let api = Api::start_with(Sandbox::builder().partners([partner])).await;
    assert_eq!(api.get("osk_tiny", "/api/v1/balance").await.status, 200);
    let limited = api.get("osk_tiny", "/api/v1/balance").await;
    limited.expect_error(429, "RATE_LIMITED");
    assert_eq!(limited.header("retry-after"), Some("60"));
    // The default partners are gone.
    api.get(ALPHA, "/api/v1/balance")
        .await
        .expect_error(401, "UNAUTHORIZED");
}

#[tokio::test]
async fn state_conflicts_are_409() {
    let api = Api::start().await;
    // A paid order cannot be cancelled.
    let order = api.create_stars(ALPHA, &stars(100, "paid"), None).await;
    let id = order["id"].as_i64().unwrap();
    let paid = api
        .post_empty(None, &format!("/_sandbox/orders/{id}/pay"), None)
        .await;
    assert_eq!(paid.data()["status"], "paid");
    let cancel = api
        .post_empty(Some(ALPHA), &format!("/api/v1/orders/{id}/cancel"), None)
        .await;
    assert!(
        cancel
            .expect_error(409, "ORDER_NOT_CANCELLABLE")
            .contains("paid")
    );

    // A balance payment larger than the balance (beta has 10 TON).
    let mut big = stars(10_000, "big");
    big["payment_method"] = json!("balance");
    let reply = api
        .post(crate::support::BETA, "/api/v1/orders/stars", &big, None)
        .await;
    assert!(
        reply
            .expect_error(409, "INSUFFICIENT_BALANCE")
            .contains("10 TON")
    );
}

#[tokio::test]
async fn a_key_still_in_flight_is_409_in_progress() {
    let api = Api::start().await;
    // The first request holds its key until the delay is lifted below: the second is sent only
    // once the server reports the key held, so it is refused whatever the machine's load.
    api.set_processing_delay(60_000).await;
    let key = key();
    let body = stars(100, "slow");
    let (first, second) = tokio::join!(
        api.post(ALPHA, "/api/v1/orders/stars", &body, Some(&key)),
        async {
            api.wait_until_in_flight("alpha", &key).await;
            let second = api
                .post(ALPHA, "/api/v1/orders/stars", &body, Some(&key))
                .await;
            // Lets the first finish.
            api.set_processing_delay(0).await;
            second
        }
    );
    assert!(
        second
            .expect_error(409, "IDEMPOTENCY_IN_PROGRESS")
            .contains("retry")
    );
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.header("idempotent-replayed"), None);
    // Once the first has finished, the same request replays it.
    let retry = api
        .post(ALPHA, "/api/v1/orders/stars", &body, Some(&key))
        .await;
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(retry.text, first.text);
    assert_eq!(api.all_orders(Some("slow")).await.len(), 1);
}

#[tokio::test]
async fn unknown_orders_and_memos_are_404() {
    let api = Api::start().await;
    let missing = api.get(ALPHA, "/api/v1/orders/999999").await;
    assert_eq!(
        missing.expect_error(404, "NOT_FOUND"),
        "order 999999 not found"
    );
    let memo = api.get(ALPHA, "/api/v1/orders/by-memo/STARS-nothing").await;
    memo.expect_error(404, "NOT_FOUND");
    let cancel = api
        .post_empty(Some(ALPHA), "/api/v1/orders/999999/cancel", Some(&key()))
        .await;
    cancel.expect_error(404, "NOT_FOUND");
}

#[tokio::test]
async fn a_database_failure_is_500_internal_error_without_details() {
    let dir = crate::support::TempDir::new();
    let path = dir.path().join("broken.sqlite3");
    let sandbox = Sandbox::builder()
        .database(theopenmoney_sandbox::Database::File(path.clone()))
        .start()
        .await
        .unwrap();
    let api = Api::connect(sandbox);
    assert_eq!(
        api.get(ALPHA, "/api/v1/balance/transactions").await.status,
        200
    );
    // Break the database under the running server.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("DROP TABLE balance_transactions")
        .unwrap();
    let reply = api.get(ALPHA, "/api/v1/balance/transactions").await;
    let message = reply.expect_error(500, "INTERNAL_ERROR");
    assert!(!message.contains("balance_transactions"), "{message}");
}

#[tokio::test]
async fn start_errors_name_what_failed_and_keep_the_cause() {
    use std::error::Error as _;

    use theopenmoney_sandbox::{Database, Pricing, StartError};

    let dir = crate::support::TempDir::new();
    // A directory cannot be created under a regular file.
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"").unwrap();
    let error = Sandbox::builder()
        .database(Database::File(file.join("sub").join("db.sqlite3")))
        .start()
        .await
        .unwrap_err();
    assert!(matches!(error, StartError::Database(_)), "{error:?}");
    assert_eq!(error.to_string(), "cannot open the sandbox database");
    let database = error.source().unwrap();
    assert!(
        database
            .to_string()
            .starts_with("cannot create the database directory"),
        "{database}"
    );
    assert!(
        database
            .source()
            .and_then(|cause| cause.downcast_ref::<std::io::Error>())
            .is_some(),
        "the I/O error is the cause: {database:?}"
    );

    // A file that is not a SQLite database: SQLite's own error is the cause.
    let garbage = dir.path().join("garbage.sqlite3");
    std::fs::write(&garbage, [0xA5_u8; 8192]).unwrap();
    let error = Sandbox::builder()
        .database(Database::File(garbage))
        .start()
        .await
        .unwrap_err();
    let database = error.source().unwrap();
    assert!(
        database
            .source()
            .and_then(|cause| cause.downcast_ref::<rusqlite::Error>())
            .is_some(),
        "SQLite's error is the cause: {database:?}"
    );

    // An address already taken.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let error = Sandbox::builder().bind(addr).start().await.unwrap_err();
    assert_eq!(error.to_string(), format!("cannot listen on {addr}"));
    let io = error
        .source()
        .and_then(|cause| cause.downcast_ref::<std::io::Error>())
        .unwrap();
    assert_eq!(io.kind(), std::io::ErrorKind::AddrInUse);

    // A configuration that contradicts itself names the field.
    let mut pricing = Pricing::default();
    pricing.premium_usd[2].0 = theopenmoney::PremiumMonths::Three;
    let error = Sandbox::builder()
        .pricing(pricing)
        .start()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid sandbox configuration: pricing.premium_usd must list 3 months exactly once"
    );
}
