//! The sdk against a hand-written `reqwest` + `serde_json` client, calling the same loopback
//! server in one run, for a GET and a create.
//!
//! Run: `cargo bench -p theopenmoney --bench overhead`. Divan first times single calls of each;
//! then interleaved rounds of sequential keep-alive calls give each client's throughput and the
//! ratio sdk / hand-written (goal ≥ 0.97). Both decode into the same generated types, so the
//! ratio isolates what the sdk layer adds: hooks, the retry loop, error mapping, key handling.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use theopenmoney::types::Order;
use theopenmoney::{Client, Envelope, NewStarsOrder};

const KEY: &str = "osk_bench_key";
const ORDER: &str = r#"{"ok":true,"data":{"id":10421,"status":"pending_payment","order_type":"stars","stars_amount":100,"recipient_username":"pandus","price_ton":0.418,"payment_address":"UQBFJTkJ5hZdH7i6rWQTnm43zn6h2dPBV9lFZ2e98WvWABy_","payment_memo":"STARS-a1b2c3","expires_at":"2026-04-16T12:15:00Z","created_at":"2026-04-16T12:00:00Z"}}"#;
const ROUNDS: usize = 21;
const CALLS_PER_ROUND: usize = 2_000;

async fn answer(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    // Read the whole body, as a real server would.
    let _ = request.into_body().collect().await;
    Ok(Response::builder()
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from_static(ORDER.as_bytes())))
        .unwrap_or_default())
}

/// A keep-alive HTTP/1.1 server on a loopback port, on its own runtime thread.
fn start_server() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    listener.set_nonblocking(true).expect("nonblocking");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(answer);
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    addr
}

struct Rig {
    runtime: tokio::runtime::Runtime,
    base_url: String,
    sdk: Client,
    raw: reqwest::Client,
}

impl Rig {
    fn new() -> Self {
        let base_url = format!("http://{}", start_server());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let sdk = Client::builder(KEY)
            .base_url(&base_url)
            .build()
            .expect("sdk client");
        let raw = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .expect("raw client");
        Self {
            runtime,
            base_url,
            sdk,
            raw,
        }
    }

    async fn sdk_get(&self) -> Order {
        self.sdk.get_order(10421).await.expect("sdk get")
    }

    async fn raw_get(&self) -> Order {
        let response = self
            .raw
            .get(format!("{}/api/v1/orders/10421", self.base_url))
            .bearer_auth(KEY)
            .header("accept", "application/json")
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .expect("raw get");
        let body = response.bytes().await.expect("body");
        serde_json::from_slice::<Envelope<Order>>(&body)
            .expect("decode")
            .data
    }

    async fn sdk_create(&self) -> Order {
        let order = NewStarsOrder::new("pandus", 100).expect("order");
        self.sdk
            .create_stars_order(order)
            .await
            .expect("sdk create")
            .value
    }

    async fn raw_create(&self) -> Order {
        let body = serde_json::json!({
            "recipient_username": "pandus",
            "quantity": 100,
            "payment_method": "ton_memo",
            "payment_currency": "TON",
        });
        let response = self
            .raw
            .post(format!("{}/api/v1/orders/stars", self.base_url))
            .bearer_auth(KEY)
            .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
            .json(&body)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .expect("raw create");
        let body = response.bytes().await.expect("body");
        serde_json::from_slice::<Envelope<Order>>(&body)
            .expect("decode")
            .data
    }
}

thread_local! {
    static RIG: Rig = Rig::new();
}

#[divan::bench]
fn get_order_sdk() -> Order {
    RIG.with(|rig| rig.runtime.block_on(rig.sdk_get()))
}

#[divan::bench]
fn get_order_hand_written() -> Order {
    RIG.with(|rig| rig.runtime.block_on(rig.raw_get()))
}

#[divan::bench]
fn create_order_sdk() -> Order {
    RIG.with(|rig| rig.runtime.block_on(rig.sdk_create()))
}

#[divan::bench]
fn create_order_hand_written() -> Order {
    RIG.with(|rig| rig.runtime.block_on(rig.raw_create()))
}

/// What checking an order's inputs costs (the username pattern, the quantity).
#[divan::bench]
fn new_stars_order_inputs() -> NewStarsOrder {
    NewStarsOrder::new(divan::black_box("pandus"), 100).expect("order")
}

/// Calls per second over `CALLS_PER_ROUND` sequential calls.
async fn throughput<F, Fut>(call: F) -> f64
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Order>,
{
    let started = Instant::now();
    for _ in 0..CALLS_PER_ROUND {
        std::hint::black_box(call().await);
    }
    CALLS_PER_ROUND as f64 / started.elapsed().as_secs_f64()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Each round's sdk/hand-written ratio, so the two sides of a pair ran seconds apart and
/// machine drift cancels; the median of those, with the spread of the middle half.
fn paired(sdk: &[f64], raw: &[f64]) -> (f64, f64, f64) {
    let mut ratios: Vec<f64> = sdk.iter().zip(raw).map(|(s, r)| s / r).collect();
    ratios.sort_by(f64::total_cmp);
    let n = ratios.len();
    (ratios[n / 2], ratios[n / 4], ratios[3 * n / 4])
}

fn ratio_report() {
    let rig = Rig::new();
    let (mut sdk_get, mut raw_get, mut sdk_create, mut raw_create) =
        (vec![], vec![], vec![], vec![]);
    rig.runtime.block_on(async {
        // Warm the pools, then interleave so drift hits both clients alike.
        throughput(|| rig.sdk_get()).await;
        throughput(|| rig.raw_get()).await;
        for round in 0..ROUNDS {
            // Alternate which client goes first, so neither always runs on a warmer machine.
            if round % 2 == 0 {
                sdk_get.push(throughput(|| rig.sdk_get()).await);
                raw_get.push(throughput(|| rig.raw_get()).await);
                sdk_create.push(throughput(|| rig.sdk_create()).await);
                raw_create.push(throughput(|| rig.raw_create()).await);
            } else {
                raw_get.push(throughput(|| rig.raw_get()).await);
                sdk_get.push(throughput(|| rig.sdk_get()).await);
                raw_create.push(throughput(|| rig.raw_create()).await);
                sdk_create.push(throughput(|| rig.sdk_create()).await);
            }
        }
    });
    let row = |name: &str, sdk: &[f64], raw: &[f64]| {
        let (ratio, low, high) = paired(sdk, raw);
        println!(
            "{name:<8} {:>12.0} {:>14.0} {ratio:>8.3}   [{low:.3}, {high:.3}]",
            median(sdk.to_vec()),
            median(raw.to_vec())
        );
    };
    println!(
        "\nthroughput over {ROUNDS} interleaved rounds of {CALLS_PER_ROUND} sequential calls \
         (calls/s, medians); ratio = median of per-round sdk/hand-written, [middle half]"
    );
    println!(
        "{:<8} {:>12} {:>14} {:>8}   spread",
        "call", "sdk", "hand-written", "ratio"
    );
    row("GET", &sdk_get, &raw_get);
    row("create", &sdk_create, &raw_create);
}

fn main() {
    divan::main();
    ratio_report();
}
