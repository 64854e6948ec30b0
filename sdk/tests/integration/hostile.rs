//! The sdk against servers that misbehave: an endless body, a huge `Content-Length`, huge error
//! messages and pages, a body that stalls, pages that contradict each other. Memory is bounded
//! by what the server managed to send and what the error holds, never by timing.

use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use theopenmoney::{Client, ErrorKind, OrderQuery, PageRequest, RetryPolicy};

use crate::support::hostile_server::{HostileServer, Misbehaviour};
use crate::support::log_capture::capture_logs;
use crate::support::scripted_server::{ScriptedServer, Step};
use crate::support::{API_KEY, envelope, fast_policy, order_json};

const MIB: u64 = 1024 * 1024;
/// The sdk's default `max_response_bytes`.
const DEFAULT_LIMIT: u64 = 4 * MIB;
/// What loopback socket buffers may hold on top of what the client read: the server counts a
/// write as sent once the kernel takes it.
const SOCKET_SLACK: u64 = 28 * MIB;
/// Far more than the client may read; the endless server gives up here, so a client that does
/// not stop fails the test instead of hanging it.
const GIVE_UP_AFTER: u64 = 512 * MIB;

/// A client with default settings but for fast retries.
fn default_client(base_url: &str) -> Client {
    Client::builder(API_KEY)
        .base_url(base_url)
        .retry_policy(fast_policy())
        .build()
        .unwrap()
}

/// A server misbehaving so, and the error of one default `get_order` against it.
async fn get_order_from(misbehaviour: Misbehaviour) -> (HostileServer, theopenmoney::Error) {
    let server = HostileServer::start(misbehaviour).await;
    let error = default_client(&server.base_url)
        .get_order(1)
        .await
        .expect_err("a misbehaving server cannot give an order");
    (server, error)
}

async fn assert_server_stopped_early(server: &HostileServer, limit: u64) {
    assert!(
        server.wait_until_idle(Duration::from_secs(60)).await,
        "the client never hung up: {} bytes sent",
        server.body_bytes_sent()
    );
    let sent = server.body_bytes_sent();
    assert!(
        sent <= limit + SOCKET_SLACK,
        "the server sent {sent} bytes against a {limit}-byte limit"
    );
}

fn assert_too_large(error: &theopenmoney::Error, status: u16, content_length: Option<u64>) {
    match error.kind() {
        ErrorKind::ResponseTooLarge {
            status: got_status,
            limit,
            content_length: got_length,
            ..
        } => {
            assert_eq!(got_status.map(|s| s.as_u16()), Some(status));
            assert_eq!(*limit, DEFAULT_LIMIT);
            assert_eq!(*got_length, content_length);
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
    let text = error.to_string();
    assert!(
        text.starts_with("get_order: ") && text.contains("max_response_bytes (4194304)"),
        "names the operation and the limit: {text}"
    );
    assert_eq!(error.attempts(), 1, "not retried");
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn an_endless_chunked_body_is_cut_at_the_limit() {
    let (server, error) = get_order_from(Misbehaviour::EndlessChunked {
        status: 200,
        give_up_after: GIVE_UP_AFTER,
    })
    .await;
    assert_too_large(&error, 200, None);
    assert_eq!(server.requests(), 1);
    assert_server_stopped_early(&server, DEFAULT_LIMIT).await;
    assert!(format!("{error:?}").len() < 1024, "{error:?}");
}

#[tokio::test]
async fn your_own_http_client_keeps_the_limit_and_the_deadline() {
    let server = HostileServer::start(Misbehaviour::EndlessChunked {
        status: 200,
        give_up_after: GIVE_UP_AFTER,
    })
    .await;
    let client = Client::builder(API_KEY)
        .base_url(&server.base_url)
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();
    let error = client.get_order(1).await.unwrap_err();
    assert_too_large(&error, 200, None);

    let stalled = HostileServer::start(Misbehaviour::Stall {
        status: 200,
        length: 1000,
        sent: 10,
    })
    .await;
    // A client without any timeout of its own.
    let client = Client::builder(API_KEY)
        .base_url(&stalled.base_url)
        .http_client(reqwest::Client::new())
        .retry_policy(RetryPolicy::default().deadline(Some(Duration::from_millis(500))))
        .build()
        .unwrap();
    let error = client.get_order(1).await.unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::DeadlineExceeded { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_huge_content_length_is_refused_before_reading() {
    let length = 2 * 1024 * MIB;
    let (server, error) = get_order_from(Misbehaviour::DeclaredLength {
        status: 200,
        length,
    })
    .await;
    assert_too_large(&error, 200, Some(length));
    assert!(error.to_string().contains("Content-Length 2147483648"));
    // Whatever was sent sits in socket buffers; the client read none of it.
    assert_server_stopped_early(&server, 0).await;
}

#[tokio::test]
async fn bytes_past_a_content_length_within_the_limit_are_never_read() {
    let server = HostileServer::start(Misbehaviour::Overrun {
        status: 200,
        declared: 1000,
        give_up_after: GIVE_UP_AFTER,
    })
    .await;
    let client = default_client(&server.base_url);
    let error = client.get_order(1).await.unwrap_err();
    let ErrorKind::Decode { body_len, .. } = error.kind() else {
        panic!("expected Decode, got {error:?}");
    };
    assert_eq!(*body_len, 1000, "the declared length, not a byte more");
    drop(client);
    assert_server_stopped_early(&server, 1000).await;
}

#[tokio::test]
async fn the_limit_holds_on_error_responses_and_is_not_retried() {
    let (server, error) = get_order_from(Misbehaviour::EndlessChunked {
        status: 503,
        give_up_after: GIVE_UP_AFTER,
    })
    .await;
    assert_too_large(&error, 503, None);
    assert_eq!(server.requests(), 1, "a 503 is retryable, its size is not");
    assert_server_stopped_early(&server, DEFAULT_LIMIT).await;

    // A status the operation does not document goes through the same cap.
    let (server, error) = get_order_from(Misbehaviour::DeclaredLength {
        status: 418,
        length: 64 * MIB,
    })
    .await;
    assert_too_large(&error, 418, Some(64 * MIB));
    assert_server_stopped_early(&server, 0).await;
}

fn client_with_limit(base_url: &str, limit: u64) -> Client {
    Client::builder(API_KEY)
        .base_url(base_url)
        .max_response_bytes(limit)
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_limit_is_inclusive_and_configurable() {
    let body = envelope(&order_json("paid", "0.418"));
    let len = body.len() as u64;
    // With a `Content-Length`, and chunked (counted as it streams).
    for (step, declared) in [
        (Step::ok(&body), Some(len)),
        (Step::Chunked(body.clone(), 100), None),
    ] {
        let server = ScriptedServer::start(vec![step; 2]).await;
        let order = client_with_limit(&server.base_url, len)
            .get_order(10421)
            .await;
        assert_eq!(order.unwrap().id.0, 10421, "a body of exactly the limit");
        let error = client_with_limit(&server.base_url, len - 1)
            .get_order(10421)
            .await
            .unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::ResponseTooLarge { limit, content_length, .. }
                if *limit == len - 1 && *content_length == declared),
            "{error:?}"
        );
    }
    let zero = Client::builder(API_KEY)
        .max_response_bytes(0)
        .build()
        .unwrap_err();
    assert!(zero.to_string().contains("max_response_bytes"), "{zero}");
}

/// An error envelope whose message is `len` bytes of Cyrillic (two bytes a character, so a cut
/// in the middle of one would show).
fn huge_message_envelope(len: usize) -> String {
    let message = "ошибка ".repeat(len / "ошибка ".len());
    format!(
        r#"{{"ok":false,"error_code":"INTERNAL_ERROR","error_message":"{message}","data":null}}"#
    )
}

#[tokio::test]
async fn a_huge_error_message_is_cut_in_display_debug_and_logs_but_kept_whole() {
    let body = huge_message_envelope(MIB as usize);
    let server = ScriptedServer::start(vec![Step::Json(500, Vec::new(), body); 4]).await;
    let client = default_client(&server.base_url);
    let (error, logs) = capture_logs(client.get_order(1)).await;
    let error = error.unwrap_err();
    assert_eq!(error.attempts(), 4, "retried as any 500");
    let api = error.api_error().expect("the envelope decoded");
    assert!(api.message().len() > 1_000_000, "the whole message is kept");
    let display = error.to_string();
    assert!(display.len() < 1024, "{} bytes: {display}", display.len());
    assert!(
        display.contains("ошибка ошиб… (after 4 attempts)"),
        "cut at a character boundary, with an ellipsis: {display}"
    );
    let debug = format!("{error:?}");
    assert!(debug.len() < 2048, "{} bytes: {debug}", debug.len());
    // Three "retrying" events and one "giving up", each with the error's `Display`.
    let text = logs.text();
    assert!(
        text.contains("retrying") && text.contains("giving up"),
        "{text}"
    );
    assert!(logs.len() < 16 * 1024, "{} bytes logged", logs.len());
}

#[tokio::test]
async fn a_ten_megabyte_error_message_leaves_a_small_error_and_small_logs() {
    let body = huge_message_envelope(10 * MIB as usize);
    let steps = vec![Step::Json(500, Vec::new(), body); 4];
    // With the default limit it is refused.
    let server = ScriptedServer::start(steps.clone()).await;
    let client = default_client(&server.base_url);
    let (error, logs) = capture_logs(client.get_order(1)).await;
    let error = error.unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::ResponseTooLarge { .. }));
    assert!(error.to_string().len() < 1024, "{error}");
    assert!(logs.len() < 16 * 1024, "{} bytes logged", logs.len());
    // A caller who raised the limit gets it, cut in everything printed.
    let server = ScriptedServer::start(steps).await;
    let client = Client::builder(API_KEY)
        .base_url(&server.base_url)
        .retry_policy(fast_policy())
        .max_response_bytes(16 * MIB)
        .build()
        .unwrap();
    let (error, logs) = capture_logs(client.get_order(1)).await;
    let error = error.unwrap_err();
    assert_eq!(error.attempts(), 4);
    assert!(error.api_error().unwrap().message().len() > 10_000_000);
    assert!(error.to_string().len() < 1024, "{error}");
    assert!(format!("{error:?}").len() < 2048);
    assert!(logs.text().contains("retrying"));
    assert!(logs.len() < 16 * 1024, "{} bytes logged", logs.len());
}

#[tokio::test]
async fn a_huge_html_page_is_kept_as_an_excerpt_with_its_length() {
    let page = format!("<html>{}</html>", "<p>proxy error</p>".repeat(200_000));
    let steps = vec![Step::Html(502, page.clone()); 4];
    let server = ScriptedServer::start(steps).await;
    let error = default_client(&server.base_url)
        .get_order(1)
        .await
        .unwrap_err();
    let ErrorKind::Decode { body, body_len, .. } = error.kind() else {
        panic!("expected Decode, got {error:?}");
    };
    assert_eq!(*body_len, page.len() as u64);
    assert_eq!(body.len(), 4096);
    assert_eq!(&body[..], &page.as_bytes()[..4096]);
    assert!(format!("{error:?}").len() < 16 * 1024);
    assert!(error.is_retryable(), "an HTML 502 is still retried");

    // An undocumented status with a body that is not the envelope.
    let server = ScriptedServer::start(vec![Step::Html(418, page.clone())]).await;
    let error = default_client(&server.base_url)
        .get_order(1)
        .await
        .unwrap_err();
    let ErrorKind::UnexpectedStatus { body, body_len, .. } = error.kind() else {
        panic!("expected UnexpectedStatus, got {error:?}");
    };
    assert_eq!((body.len(), *body_len), (4096, page.len() as u64));
}

#[tokio::test]
async fn a_huge_value_in_the_wrong_place_leaves_a_small_decode_error() {
    // serde quotes the offending value in its message: 3 MB of it, in place of the order's id.
    let value = "A".repeat(3_000_000);
    let body = format!(r#"{{"ok":true,"data":{{"id":"{value}"}}}}"#);
    let server = ScriptedServer::start(vec![Step::ok(&body)]).await;
    let error = default_client(&server.base_url)
        .get_order(1)
        .await
        .unwrap_err();
    let ErrorKind::Decode { source, .. } = error.kind() else {
        panic!("expected Decode, got {error:?}");
    };
    let cause = source.to_string();
    assert!(cause.len() < 1024, "{} bytes of cause", cause.len());
    // The head names what came, the tail what was expected and where.
    assert!(cause.starts_with("invalid type: string \"AAAA"), "{cause}");
    assert!(cause.contains("expected"), "{cause}");
    assert!(format!("{error:?}").len() < 8 * 1024);
    let mut chain = String::new();
    let mut next: Option<&dyn std::error::Error> = Some(&error);
    while let Some(e) = next {
        chain.push_str(&e.to_string());
        next = e.source();
    }
    assert!(
        chain.len() < 2048,
        "{} bytes in the cause chain",
        chain.len()
    );
}

/// The error of one `get_order` against a `status` whose body stops after 10 of 1000 bytes.
async fn get_order_from_a_stalled_body(
    status: u16,
    timeout: Duration,
    policy: RetryPolicy,
) -> theopenmoney::Error {
    let server = HostileServer::start(Misbehaviour::Stall {
        status,
        length: 1000,
        sent: 10,
    })
    .await;
    let client = Client::builder(API_KEY)
        .base_url(&server.base_url)
        .timeout(timeout)
        .retry_policy(policy)
        .build()
        .unwrap();
    client.get_order(1).await.unwrap_err()
}

#[tokio::test]
async fn a_body_stalled_mid_way_ends_by_the_call_deadline_and_says_timed_out() {
    // The attempt timeout alone would let it run for a minute.
    // A documented status, decoded by the generated code, and an undocumented one, whose body
    // the error mapping reads.
    for status in [200, 418] {
        let policy = RetryPolicy::default().deadline(Some(Duration::from_millis(800)));
        let error = get_order_from_a_stalled_body(status, Duration::from_secs(60), policy).await;
        assert!(
            matches!(
                error.kind(),
                ErrorKind::DeadlineExceeded { status: Some(s), deadline, .. }
                    if s.as_u16() == status && *deadline == Duration::from_millis(800)
            ),
            "{error:?}"
        );
        assert!(error.to_string().contains("timed out"), "{error}");
        assert!(error.is_outcome_unknown());
    }
}

#[tokio::test]
async fn an_attempt_timeout_mid_body_says_timed_out() {
    let error =
        get_order_from_a_stalled_body(200, Duration::from_millis(300), RetryPolicy::no_retries())
            .await;
    assert!(
        matches!(error.kind(), ErrorKind::Transport { status: Some(s), .. } if s.as_u16() == 200),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("200 OK response timed out mid-body"),
        "{error}"
    );
}

fn page(ids: &[u64], total: usize, offset: usize) -> Step {
    let items: Vec<String> = ids
        .iter()
        .map(|id| order_json("paid", "1").replace("10421", &id.to_string()))
        .collect();
    Step::ok(&envelope(&format!(
        r#"{{"items":[{}],"total":{total},"limit":2,"offset":{offset}}}"#,
        items.join(",")
    )))
}

#[tokio::test]
async fn a_server_that_ignores_offset_ends_the_stream_instead_of_looping() {
    // Always the first page, with a total that promises more.
    let server = ScriptedServer::start(vec![page(&[5, 4], 1000, 0); 3]).await;
    let query = OrderQuery::default().page(PageRequest::default().limit(2));
    let items: Vec<_> = default_client(&server.base_url)
        .orders(query)
        .collect()
        .await;
    let ids: Vec<u64> = items
        .iter()
        .filter_map(|item| item.as_ref().ok())
        .map(|order| order.id.0)
        .collect();
    assert_eq!(ids, [5, 4], "each item once");
    let error = items.last().unwrap().as_ref().unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::InconsistentPage { offset: 2, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("same 2 items"), "{error}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_non_empty_page_past_the_total_ends_the_stream_with_an_error() {
    let server = ScriptedServer::start(vec![page(&[5, 4], 4, 0), page(&[3, 2], 2, 2)]).await;
    let query = OrderQuery::default().page(PageRequest::default().limit(2));
    let result: Result<Vec<_>, _> = default_client(&server.base_url)
        .orders(query)
        .try_collect()
        .await;
    let error = result.unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::InconsistentPage { offset: 2, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("past the total of 2"), "{error}");
}
