//! Each verdict on the wire, seen by a raw TCP client in front of a counting server.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use test_proxy::testing::{BODY, CountingUpstream, End, RawExchange, raw_exchange};
use test_proxy::{Handler, ProxiedRequest, ProxiedResponse, Proxy, Verdict, WireOptions};
use tokio::time::Instant;

const PATIENT: Duration = Duration::from_secs(5);

/// Gives every request the same verdict, and keeps what the hooks saw.
#[derive(Debug)]
struct Always {
    verdict: Verdict,
    fallback: Option<ProxiedResponse>,
    seen: Mutex<Vec<String>>,
}

impl Always {
    fn new(verdict: Verdict) -> Arc<Self> {
        Self::with_fallback(verdict, None)
    }

    fn with_fallback(verdict: Verdict, fallback: Option<ProxiedResponse>) -> Arc<Self> {
        Arc::new(Self {
            verdict,
            fallback,
            seen: Mutex::default(),
        })
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

impl Handler for Always {
    fn on_request(&self, request: &mut ProxiedRequest) -> Verdict {
        self.seen
            .lock()
            .unwrap()
            .push(format!("request {request:?}"));
        self.verdict.clone()
    }

    fn on_response(&self, _: &ProxiedRequest, response: &mut ProxiedResponse) {
        response
            .headers
            .insert("set-cookie", "session=from-the-server".parse().unwrap());
        response
            .headers
            .insert("x-seen-by-handler", "yes".parse().unwrap());
    }

    fn on_upstream_error(&self, _: &ProxiedRequest) -> Option<ProxiedResponse> {
        self.fallback.clone()
    }

    fn on_exchange(&self, _: &ProxiedRequest, answer: Option<&ProxiedResponse>) {
        let shown = answer.map(|a| format!("{} {:?}", a.status, a.headers));
        self.seen.lock().unwrap().push(format!("answer {shown:?}"));
    }
}

/// A create carrying a key, on a connection the client wants closed after the answer.
async fn create(proxy: &Proxy, patience: Duration) -> RawExchange {
    let body = r#"{"quantity":100}"#;
    let request = format!(
        "POST /api/v1/orders/stars HTTP/1.1\r\nhost: test\r\nauthorization: Bearer osk_verdict_test_key\r\n\
         content-type: application/json\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    raw_exchange(&proxy.base_url(), &request, patience).await
}

#[tokio::test]
async fn each_verdict_reaches_the_server_or_not_and_the_client_sees_what_it_says() {
    let teapot = ProxiedResponse::new(418, "text/plain", "short and stout");
    // (verdict, reaches the server, status the client reads, body, how the read ends)
    let cases = [
        (Verdict::Forward, 1, Some(200), BODY, End::Eof),
        (
            Verdict::Respond(teapot),
            0,
            Some(418),
            "short and stout",
            End::Eof,
        ),
        (Verdict::Drop, 0, None, "", End::Eof),
        (Verdict::ForwardThenDrop, 1, None, "", End::Eof),
        (
            Verdict::ForwardThenReset,
            1,
            Some(200),
            &BODY[..BODY.len() / 2],
            End::Reset,
        ),
    ];
    for (verdict, reached, status, body, end) in cases {
        let upstream = CountingUpstream::start(Duration::ZERO).await;
        let what = format!("{verdict:?}");
        let proxy = Proxy::start(&upstream.base_url(), Always::new(verdict))
            .await
            .unwrap();
        let seen = create(&proxy, PATIENT).await;
        assert_eq!(seen.end, end, "{what}: {}", seen.text());
        assert_eq!(seen.status(), status, "{what}: {}", seen.text());
        assert_eq!(seen.body(), body, "{what}");
        if status.is_some() {
            // The whole length is announced, even when the body is cut off.
            let announced = if status == Some(200) {
                BODY.len()
            } else {
                body.len()
            };
            assert_eq!(seen.header("content-length"), Some(announced.to_string()));
        }
        proxy.shutdown().await.unwrap();
        assert_eq!(upstream.finished.load(Ordering::SeqCst), reached, "{what}");
    }
}

#[tokio::test]
async fn a_stall_holds_the_connection_then_closes_it_unanswered() {
    let upstream = CountingUpstream::start(Duration::ZERO).await;
    let stall = Duration::from_millis(300);
    let proxy = Proxy::start(&upstream.base_url(), Always::new(Verdict::Stall(stall)))
        .await
        .unwrap();
    let impatient = create(&proxy, stall / 3).await;
    assert_eq!(
        (impatient.end, impatient.received.len()),
        (End::TimedOut, 0)
    );
    let started = Instant::now();
    let patient = create(&proxy, PATIENT).await;
    assert!(started.elapsed() >= stall);
    assert_eq!((patient.end, patient.received.len()), (End::Eof, 0));
    assert_eq!(upstream.arrived.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_delayed_answer_is_committed_at_once_and_sent_late() {
    let upstream = CountingUpstream::start(Duration::ZERO).await;
    let delay = Duration::from_millis(300);
    let proxy = Proxy::start(
        &upstream.base_url(),
        Always::new(Verdict::ForwardThenDelay(delay)),
    )
    .await
    .unwrap();
    let impatient = create(&proxy, delay / 3).await;
    assert_eq!(impatient.end, End::TimedOut);
    assert_eq!(upstream.finished.load(Ordering::SeqCst), 1);
    let started = Instant::now();
    let patient = create(&proxy, PATIENT).await;
    assert!(started.elapsed() >= delay);
    assert_eq!(
        (patient.status(), patient.body()),
        (Some(200), BODY.to_owned())
    );
}

#[tokio::test]
async fn the_handler_sees_and_may_rewrite_the_answer_and_never_shows_a_credential() {
    let upstream = CountingUpstream::start(Duration::ZERO).await;
    let handler = Always::new(Verdict::Forward);
    let proxy = Proxy::start(&upstream.base_url(), handler.clone())
        .await
        .unwrap();
    let seen = create(&proxy, PATIENT).await;
    assert_eq!(seen.header("x-seen-by-handler").as_deref(), Some("yes"));
    assert_eq!(
        seen.header("set-cookie").as_deref(),
        Some("session=from-the-server")
    );
    let hooks = handler.seen();
    assert_eq!(hooks.len(), 2, "{hooks:?}");
    assert!(hooks[0].starts_with("request ") && hooks[1].starts_with("answer Some(\"200 "));
    // `Debug` of the request redacts the key; http's own `Debug` of the answer's headers does
    // too, because the proxy marked the cookie the handler set sensitive.
    for shown in &hooks {
        assert!(!shown.contains("osk_verdict_test_key"), "{shown}");
        assert!(!shown.contains("from-the-server"), "{shown}");
    }
    assert!(hooks[1].contains("x-seen-by-handler"), "{}", hooks[1]);
}

#[tokio::test]
async fn header_names_are_written_in_title_case_when_asked_and_lower_case_otherwise() {
    let upstream = CountingUpstream::start(Duration::ZERO).await;
    let head_names = |seen: &RawExchange| -> Vec<String> {
        let text = seen.text();
        let (head, _) = text.split_once("\r\n\r\n").expect("a head");
        head.lines()
            .skip(1)
            .filter_map(|line| line.split_once(':').map(|(name, _)| name.to_owned()))
            .collect()
    };
    let plain = Proxy::start(&upstream.base_url(), Always::new(Verdict::Forward))
        .await
        .unwrap();
    let names = head_names(&create(&plain, PATIENT).await);
    assert!(names.contains(&"x-seen-by-handler".to_owned()), "{names:?}");

    let titled = Proxy::start_with(
        &upstream.base_url(),
        Always::new(Verdict::Forward),
        WireOptions::title_case_headers(),
    )
    .await
    .unwrap();
    let names = head_names(&create(&titled, PATIENT).await);
    assert!(names.contains(&"X-Seen-By-Handler".to_owned()), "{names:?}");
    assert!(names.contains(&"Content-Length".to_owned()), "{names:?}");
}

#[tokio::test]
async fn an_unreachable_server_closes_the_connection_unless_the_handler_answers() {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let unreachable = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let silent = Proxy::start(&unreachable, Always::new(Verdict::Forward))
        .await
        .unwrap();
    let seen = create(&silent, PATIENT).await;
    assert_eq!((seen.end, seen.received.len()), (End::Eof, 0));
    // A fallback answer is delivered whole: a drop or a reset applies to the server's answer.
    let fallback = ProxiedResponse::new(502, "text/plain", "no server");
    for verdict in [
        Verdict::Forward,
        Verdict::ForwardThenDrop,
        Verdict::ForwardThenReset,
    ] {
        let handler = Always::with_fallback(verdict, Some(fallback.clone()));
        let proxy = Proxy::start(&unreachable, handler).await.unwrap();
        let seen = create(&proxy, PATIENT).await;
        assert_eq!(
            (seen.status(), seen.body()),
            (Some(502), "no server".to_owned())
        );
        assert_eq!(seen.end, End::Eof);
    }
}

#[tokio::test]
async fn shutdown_waits_for_forwards_the_client_abandoned() {
    let upstream = CountingUpstream::start(Duration::from_millis(300)).await;
    let proxy = Proxy::start(&upstream.base_url(), Always::new(Verdict::ForwardThenDrop))
        .await
        .unwrap();
    let seen = create(&proxy, Duration::from_millis(50)).await;
    assert_eq!(seen.end, End::TimedOut);
    assert_eq!(upstream.finished.load(Ordering::SeqCst), 0);
    proxy.shutdown().await.unwrap();
    assert_eq!(upstream.finished.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_upstream_needs_a_scheme_and_a_host() {
    for upstream in ["not a url", "/relative", "ftp://127.0.0.1:1"] {
        let started = Proxy::start(upstream, Always::new(Verdict::Forward)).await;
        assert!(started.is_err(), "{upstream}");
    }
}
