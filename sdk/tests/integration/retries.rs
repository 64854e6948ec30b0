//! Idempotent retries as a partner sees them: the same key on every attempt, retries only for
//! transient failures, `Retry-After` honoured, the key handed back on failure.

use std::time::{Duration, Instant};

use crate::support::scripted_server::{ScriptedServer, Step, error_body};
use crate::support::{client, client_with_timeout, envelope, order_json};
use theopenmoney::{ErrorCode, IdempotencyKey, NewStarsOrder};

fn stars_order() -> NewStarsOrder {
    NewStarsOrder::new("pandus", 100).unwrap()
}

fn keys(server: &ScriptedServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| {
            r.header("idempotency-key")
                .expect("every POST carries a key")
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn every_retry_of_a_create_carries_the_same_key() {
    let ok = envelope(&order_json("pending_payment", "0.418"));
    let server = ScriptedServer::start(vec![
        Step::error(500, "INTERNAL_ERROR"),
        Step::Drop,
        Step::Html(502, "<html>bad gateway</html>".into()),
        Step::ok(&ok),
    ])
    .await;
    let created = client(&server.base_url)
        .create_stars_order(stars_order())
        .await
        .unwrap();
    let sent = keys(&server);
    assert_eq!(sent.len(), 4, "three transient failures, then success");
    assert!(
        sent.iter().all(|k| *k == sent[0]),
        "keys differ across retries: {sent:?}"
    );
    assert_eq!(created.idempotency_key.as_str(), sent[0]);
    assert_eq!(created.attempts, 4);
    assert!(
        uuid::Uuid::parse_str(&sent[0]).is_ok(),
        "the default key is a UUID"
    );
    for request in server.requests() {
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/api/v1/orders/stars");
        assert_eq!(
            request.body,
            server.requests()[0].body,
            "the body is identical on retries"
        );
    }
}

#[tokio::test]
async fn a_timed_out_attempt_is_retried_with_the_same_key() {
    let ok = envelope(&order_json("pending_payment", "0.418"));
    // The first answer comes long after the client's 300 ms timeout; later ones at once (more
    // than one, in case a loaded machine times out a second attempt too).
    let server = ScriptedServer::start(vec![
        Step::Delay(Duration::from_secs(3), 200, ok.clone()),
        Step::ok(&ok),
        Step::ok(&ok),
        Step::ok(&ok),
    ])
    .await;
    let key = IdempotencyKey::derived_from("invoice-42");
    let created = client_with_timeout(&server.base_url, Duration::from_millis(300))
        .create_stars_order(stars_order().idempotency_key(key.clone()))
        .await
        .unwrap();
    let sent = keys(&server);
    assert!(
        sent.len() >= 2,
        "the timed-out attempt was retried: {sent:?}"
    );
    assert!(sent.iter().all(|k| *k == key.to_string()), "{sent:?}");
    assert_eq!(created.idempotency_key, key);
}

#[tokio::test]
async fn in_progress_conflict_is_retried_but_state_conflicts_are_not() {
    let ok = envelope(&order_json("cancelled", "0.418"));
    let server = ScriptedServer::start(vec![
        Step::error(409, "IDEMPOTENCY_IN_PROGRESS"),
        Step::ok(&ok),
    ])
    .await;
    client(&server.base_url).cancel_order(10421).await.unwrap();
    assert_eq!(server.requests().len(), 2);

    let server = ScriptedServer::start(vec![Step::error(409, "ORDER_NOT_CANCELLABLE")]).await;
    let err = client(&server.base_url)
        .cancel_order(10421)
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert_eq!(err.code(), Some(&ErrorCode::OrderNotCancellable));
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn permanent_client_errors_are_never_retried() {
    for (status, code) in [
        (401, "UNAUTHORIZED"),
        (404, "NOT_FOUND"),
        (422, "VALIDATION_ERROR"),
        (422, "IDEMPOTENCY_KEY_REUSED"),
        (409, "INSUFFICIENT_BALANCE"),
    ] {
        let server = ScriptedServer::start(vec![Step::error(status, code)]).await;
        let err = client(&server.base_url)
            .create_stars_order(stars_order())
            .await
            .unwrap_err();
        assert_eq!(server.requests().len(), 1, "{status} {code} was retried");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.code().map(ErrorCode::as_str), Some(code));
        assert_eq!(err.attempts(), 1);
        assert!(
            err.idempotency_key().is_some(),
            "the key comes back on failure"
        );
        assert!(
            !err.is_outcome_unknown(),
            "{status} {code} is a definite answer"
        );
    }
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let ok = envelope(r#"{"balance_ton":12.5,"top_up_address":"UQtopup"}"#);
    let limited = Step::Json(
        429,
        vec![("retry-after", "1".into())],
        error_body("RATE_LIMITED"),
    );
    let server = ScriptedServer::start(vec![limited, Step::ok(&ok)]).await;
    let started = Instant::now();
    let balance = client(&server.base_url).get_balance().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "retried before Retry-After: {:?}",
        started.elapsed()
    );
    assert_eq!(balance.balance_ton.to_string(), "12.5");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_ends_the_call_with_the_429() {
    let limited = Step::Json(
        429,
        vec![("retry-after", "3600".into())],
        error_body("RATE_LIMITED"),
    );
    let server = ScriptedServer::start(vec![limited]).await;
    let err = client(&server.base_url).get_balance().await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(err.code(), Some(&ErrorCode::RateLimited));
}

#[tokio::test]
async fn exhausted_retries_return_the_last_error_with_its_status_and_key() {
    let server = ScriptedServer::start(vec![
        Step::Html(502, "<html>1</html>".into()),
        Step::Html(502, "<html>2</html>".into()),
        Step::Html(503, "<html>3</html>".into()),
        Step::Html(502, "<html>4</html>".into()),
        // The resumed call's answer: the server replays the order the lost attempts made.
        Step::Json(
            200,
            vec![("idempotent-replayed", "true".into())],
            envelope(&order_json("pending_payment", "0.418")),
        ),
    ])
    .await;
    let client = client(&server.base_url);
    let err = client.create_stars_order(stars_order()).await.unwrap_err();
    assert_eq!(server.requests().len(), 4, "max_attempts is 4");
    assert_eq!(
        err.status().map(|s| s.as_u16()),
        Some(502),
        "an HTML 502 keeps its status"
    );
    assert!(err.is_retryable());
    assert!(err.is_outcome_unknown());
    assert_eq!(err.attempts(), 4);
    assert!(
        std::error::Error::source(&err).is_some(),
        "the decode cause is kept"
    );
    // Resume with the returned key: the same key goes out, and the server's replay is seen.
    let key = err.idempotency_key().unwrap().clone();
    let resumed = client
        .create_stars_order(stars_order().idempotency_key(key.clone()))
        .await
        .unwrap();
    let sent = keys(&server);
    assert_eq!(sent.len(), 5);
    assert!(sent.iter().all(|k| *k == key.to_string()), "{sent:?}");
    assert!(resumed.replayed);
    assert_eq!(resumed.attempts, 1);
}

#[tokio::test]
async fn gets_carry_no_idempotency_key_and_are_retried_on_5xx() {
    let ok = envelope(&order_json("paid", "0.418"));
    let server = ScriptedServer::start(vec![Step::error(503, "UNAVAILABLE"), Step::ok(&ok)]).await;
    let order = client(&server.base_url).get_order(10421).await.unwrap();
    assert_eq!(order.id.0, 10421);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(
        requests
            .iter()
            .all(|r| r.header("idempotency-key").is_none())
    );
    assert!(requests.iter().all(|r| r.path == "/api/v1/orders/10421"));
}
