//! The rig both sdk benchmarks share: a keep-alive HTTP/1.1 server on loopback answering every
//! request with one order, the sdk pointed at it, and a hand-written `reqwest` + `serde_json`
//! client doing the same calls. Both decode into the same generated types, so a difference
//! between them is what the sdk layer adds: hooks, the retry loop, error mapping, key handling.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use theopenmoney::types::Order;
use theopenmoney::{Client, Envelope, NewStarsOrder};

const KEY: &str = "osk_bench_key";
const ORDER: &str = r#"{"ok":true,"data":{"id":10421,"status":"pending_payment","order_type":"stars","stars_amount":100,"recipient_username":"pandus","price_ton":0.418,"payment_address":"UQBFJTkJ5hZdH7i6rWQTnm43zn6h2dPBV9lFZ2e98WvWABy_","payment_memo":"STARS-a1b2c3","expires_at":"2026-04-16T12:15:00Z","created_at":"2026-04-16T12:00:00Z"}}"#;

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

pub struct Rig {
    pub runtime: tokio::runtime::Runtime,
    base_url: String,
    sdk: Client,
    raw: reqwest::Client,
}

impl Rig {
    pub fn new() -> Self {
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

    pub async fn sdk_get(&self) -> Order {
        self.sdk.get_order(10421).await.expect("sdk get")
    }

    pub async fn raw_get(&self) -> Order {
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

    pub async fn sdk_create(&self) -> Order {
        let order = NewStarsOrder::new("pandus", 100).expect("order");
        self.sdk
            .create_stars_order(order)
            .await
            .expect("sdk create")
            .value
    }

    pub async fn raw_create(&self) -> Order {
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
