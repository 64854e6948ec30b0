//! Each fault against a tiny upstream, seen from a raw TCP client so that a FIN, a reset and a
//! timeout are told apart.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

use super::{Proxy, ProxyConfig};
use crate::fault::{Fault, FaultPlan, FaultRates};

const DELAY: Duration = Duration::from_millis(300);
const BODY: &str = r#"{"ok":true,"data":{"id":1,"status":"pending_payment","padding":"0123456789abcdef0123456789abcdef"}}"#;

/// A server that counts requests as they arrive and as they finish, waiting `work` between.
struct Upstream {
    addr: std::net::SocketAddr,
    arrived: Arc<AtomicU64>,
    finished: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn upstream(work: Duration) -> Upstream {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let arrived = Arc::new(AtomicU64::new(0));
    let finished = Arc::new(AtomicU64::new(0));
    let (a, f) = (Arc::clone(&arrived), Arc::clone(&finished));
    let task = tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let (a, f) = (Arc::clone(&a), Arc::clone(&f));
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<Incoming>| {
                    let (a, f) = (Arc::clone(&a), Arc::clone(&f));
                    async move {
                        a.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(work).await;
                        f.fetch_add(1, Ordering::SeqCst);
                        let replay = request
                            .headers()
                            .get("idempotency-key")
                            .is_some_and(|k| k == "replay");
                        let mut response =
                            Response::builder().header("content-type", "application/json");
                        if replay {
                            response = response.header("idempotent-replayed", "true");
                        }
                        Ok::<_, std::convert::Infallible>(
                            response
                                .body(Full::new(Bytes::from_static(BODY.as_bytes())))
                                .unwrap(),
                        )
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Upstream {
        addr,
        arrived,
        finished,
        task,
    }
}

async fn proxy(upstream: &Upstream, rates: FaultRates) -> Proxy {
    Proxy::start(ProxyConfig {
        upstream: format!("http://{}", upstream.addr),
        plan: FaultPlan::new(42, rates),
        delay: DELAY,
        retry_after_secs: 1,
    })
    .await
    .unwrap()
}

async fn always(upstream: &Upstream, fault: Fault) -> Proxy {
    proxy(upstream, FaultRates::only(fault, 1.0).unwrap()).await
}

/// How the client's read ended.
#[derive(Debug, PartialEq, Eq)]
enum End {
    Eof,
    Reset,
    TimedOut,
}

#[derive(Debug)]
struct Exchange {
    received: Vec<u8>,
    end: End,
}

impl Exchange {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.received).into_owned()
    }

    fn status(&self) -> Option<u16> {
        self.text()
            .strip_prefix("HTTP/1.1 ")?
            .get(..3)?
            .parse()
            .ok()
    }

    fn header(&self, name: &str) -> Option<String> {
        let text = self.text();
        let (head, _) = text.split_once("\r\n\r\n")?;
        head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    }

    fn body(&self) -> String {
        self.text()
            .split_once("\r\n\r\n")
            .map(|(_, body)| body.to_owned())
            .unwrap_or_default()
    }
}

/// Sends one create (its `client_reference` and `Idempotency-Key` given) on a fresh
/// connection, then reads until EOF, a reset, or `patience`.
async fn exchange(proxy: &Proxy, reference: &str, key: &str, patience: Duration) -> Exchange {
    let mut stream = TcpStream::connect(proxy.base_url().trim_start_matches("http://"))
        .await
        .unwrap();
    let body = format!(
        r#"{{"recipient_username":"pandus","quantity":100,"client_reference":"{reference}"}}"#
    );
    let request = format!(
        "POST /api/v1/orders/stars HTTP/1.1\r\nhost: chaos\r\ncontent-type: application/json\r\n\
         idempotency-key: {key}\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    let deadline = Instant::now() + patience;
    let mut buf = [0; 4096];
    let end = loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => break End::TimedOut,
            Ok(Ok(0)) => break End::Eof,
            Ok(Ok(n)) => received.extend_from_slice(&buf[..n]),
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionReset => break End::Reset,
            Ok(Err(e)) => panic!("unexpected read error {e}"),
        }
    };
    Exchange { received, end }
}

const PATIENT: Duration = Duration::from_secs(5);

#[tokio::test]
async fn without_faults_it_forwards_everything_unchanged() {
    let upstream = upstream(Duration::ZERO).await;
    let proxy = proxy(&upstream, FaultRates::NONE).await;
    let seen = exchange(&proxy, "r1", "k1", PATIENT).await;
    assert_eq!(seen.status(), Some(200), "{}", seen.text());
    assert_eq!(seen.body(), BODY);
    assert_eq!(seen.end, End::Eof);
    assert_eq!(upstream.finished.load(Ordering::SeqCst), 1);
    let replay = exchange(&proxy, "r1", "replay", PATIENT).await;
    assert_eq!(
        replay.header("idempotent-replayed").as_deref(),
        Some("true")
    );
    let stats = proxy.shutdown().await.unwrap();
    assert_eq!((stats.requests, stats.forwarded, stats.replayed), (2, 2, 1));
    assert_eq!(stats.total_faults(), 0);
}

#[tokio::test]
async fn dropped_response_reaches_the_server_and_the_client_gets_nothing() {
    let upstream = upstream(Duration::ZERO).await;
    let proxy = always(&upstream, Fault::DropResponse).await;
    let seen = exchange(&proxy, "r1", "k1", PATIENT).await;
    assert!(seen.received.is_empty(), "{}", seen.text());
    assert_eq!(seen.end, End::Eof);
    assert_eq!(upstream.finished.load(Ordering::SeqCst), 1);
    let stats = proxy.shutdown().await.unwrap();
    assert_eq!(stats.faults_of(Fault::DropResponse), 1);
    assert_eq!(stats.forwarded, 1);
}

#[tokio::test]
async fn gateway_errors_and_rate_limits_never_reach_the_server() {
    let upstream = upstream(Duration::ZERO).await;
    for (fault, status, content_type) in [
        (Fault::BadGateway, 502, "text/html"),
        (Fault::Unavailable, 503, "text/plain"),
        (Fault::RateLimited, 429, "application/json"),
    ] {
        let proxy = always(&upstream, fault).await;
        let seen = exchange(&proxy, "r1", "k1", PATIENT).await;
        assert_eq!(seen.status(), Some(status), "{}", seen.text());
        assert_eq!(seen.header("content-type").as_deref(), Some(content_type));
        assert_eq!(
            seen.header("content-length"),
            Some(seen.body().len().to_string())
        );
        if fault == Fault::RateLimited {
            assert_eq!(seen.header("retry-after").as_deref(), Some("1"));
            assert!(seen.body().contains(r#""error_code":"RATE_LIMITED""#));
        }
        let stats = proxy.shutdown().await.unwrap();
        assert_eq!((stats.faults_of(fault), stats.forwarded), (1, 0), "{fault}");
    }
    assert_eq!(upstream.arrived.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn delayed_response_is_committed_but_arrives_after_the_client_gave_up() {
    let upstream = upstream(Duration::ZERO).await;
    let proxy = always(&upstream, Fault::Delay).await;
    let impatient = exchange(&proxy, "r1", "k1", DELAY / 3).await;
    assert_eq!(impatient.end, End::TimedOut);
    assert!(impatient.received.is_empty());
    assert_eq!(upstream.finished.load(Ordering::SeqCst), 1);

    let started = Instant::now();
    let patient = exchange(&proxy, "r2", "k2", PATIENT).await;
    assert!(started.elapsed() >= DELAY);
    assert_eq!(patient.status(), Some(200));
    assert_eq!(patient.body(), BODY);
    let stats = proxy.shutdown().await.unwrap();
    assert_eq!(stats.faults_of(Fault::Delay), 2);
}

#[tokio::test]
async fn reset_sends_the_head_and_part_of_the_body_then_an_rst() {
    let upstream = upstream(Duration::ZERO).await;
    let proxy = always(&upstream, Fault::ResetMidBody).await;
    let seen = exchange(&proxy, "r1", "k1", PATIENT).await;
    assert_eq!(seen.end, End::Reset, "{}", seen.text());
    assert_eq!(seen.status(), Some(200));
    assert_eq!(seen.header("content-length"), Some(BODY.len().to_string()));
    assert_eq!(seen.body(), BODY[..BODY.len() / 2]);
    assert_eq!(upstream.finished.load(Ordering::SeqCst), 1);
    let stats = proxy.shutdown().await.unwrap();
    assert_eq!(stats.faults_of(Fault::ResetMidBody), 1);
}

#[tokio::test]
async fn each_attempt_of_a_call_meets_the_planned_fault() {
    let upstream = upstream(Duration::ZERO).await;
    let rates = FaultRates::new([0.0, 0.2, 0.2, 0.2, 0.0, 0.0]).unwrap();
    let plan = FaultPlan::new(42, rates);
    let proxy = proxy(&upstream, rates).await;
    for reference in ["a", "b"] {
        for occurrence in 0..12 {
            let seen = exchange(&proxy, reference, "k", PATIENT).await;
            let expected = match plan.decide(&format!("ref:{reference}"), occurrence) {
                None => 200,
                Some(Fault::BadGateway) => 502,
                Some(Fault::Unavailable) => 503,
                Some(Fault::RateLimited) => 429,
                Some(other) => unreachable!("{other} has rate 0"),
            };
            assert_eq!(seen.status(), Some(expected), "{reference} #{occurrence}");
        }
    }
    let stats = proxy.shutdown().await.unwrap();
    assert_eq!(stats.requests, 24);
    assert_eq!(stats.forwarded + stats.total_faults(), 24);
}

#[tokio::test]
async fn shutdown_waits_for_forwards_the_client_abandoned() {
    let upstream = upstream(Duration::from_millis(300)).await;
    let proxy = always(&upstream, Fault::DropResponse).await;
    let seen = exchange(&proxy, "r1", "k1", Duration::from_millis(50)).await;
    assert_eq!(seen.end, End::TimedOut);
    assert_eq!(upstream.finished.load(Ordering::SeqCst), 0);
    proxy.shutdown().await.unwrap();
    assert_eq!(upstream.finished.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_unreachable_server_is_a_502_that_is_no_injected_fault() {
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let proxy = Proxy::start(ProxyConfig {
        upstream,
        plan: FaultPlan::new(1, FaultRates::NONE),
        delay: DELAY,
        retry_after_secs: 1,
    })
    .await
    .unwrap();
    let seen = exchange(&proxy, "r1", "k1", PATIENT).await;
    assert_eq!(seen.status(), Some(502));
    assert_eq!(seen.body(), "chaos proxy: upstream unreachable");
    let stats = proxy.shutdown().await.unwrap();
    assert_eq!((stats.upstream_errors, stats.total_faults()), (1, 0));
}

#[tokio::test]
async fn only_plain_http_upstreams_are_accepted() {
    let plan = FaultPlan::new(1, FaultRates::NONE);
    for upstream in ["https://127.0.0.1:1", "not a url", "/relative"] {
        let config = ProxyConfig {
            upstream: upstream.into(),
            plan,
            delay: DELAY,
            retry_after_secs: 1,
        };
        assert!(Proxy::start(config).await.is_err(), "{upstream}");
    }
}
