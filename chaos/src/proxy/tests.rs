//! Each fault against a tiny upstream, seen from a raw TCP client so that a FIN, a reset and a
//! timeout are told apart.

use std::sync::atomic::Ordering;
use std::time::Duration;

use test_proxy::testing::{BODY, CountingUpstream, End, RawExchange, raw_exchange};
use tokio::net::TcpListener;
use tokio::time::Instant;

use super::{FaultProxy, ProxyConfig};
use crate::fault::{Fault, FaultPlan, FaultRates};

const DELAY: Duration = Duration::from_millis(300);

async fn upstream(work: Duration) -> CountingUpstream {
    CountingUpstream::start(work).await
}

async fn proxy(upstream: &CountingUpstream, rates: FaultRates) -> FaultProxy {
    FaultProxy::start(ProxyConfig {
        upstream: format!("http://{}", upstream.addr),
        plan: FaultPlan::new(42, rates),
        delay: DELAY,
        retry_after_secs: 1,
    })
    .await
    .unwrap()
}

async fn always(upstream: &CountingUpstream, fault: Fault) -> FaultProxy {
    proxy(upstream, FaultRates::only(fault, 1.0).unwrap()).await
}

/// Sends one create (its `client_reference` and `Idempotency-Key` given) on a fresh
/// connection, then reads until EOF, a reset, or `patience`.
async fn exchange(
    proxy: &FaultProxy,
    reference: &str,
    key: &str,
    patience: Duration,
) -> RawExchange {
    let body = format!(
        r#"{{"recipient_username":"pandus","quantity":100,"client_reference":"{reference}"}}"#
    );
    let request = format!(
        "POST /api/v1/orders/stars HTTP/1.1\r\nhost: chaos\r\ncontent-type: application/json\r\n\
         idempotency-key: {key}\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    raw_exchange(&proxy.base_url(), &request, patience).await
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
async fn an_unreachable_server_is_a_502_that_is_no_injected_fault() {
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let proxy = FaultProxy::start(ProxyConfig {
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
        assert!(FaultProxy::start(config).await.is_err(), "{upstream}");
    }
}
