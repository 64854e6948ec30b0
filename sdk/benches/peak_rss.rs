//! What one call with default settings costs against a misbehaving server on loopback: the
//! process's peak RSS (`VmHWM`) around a call to an endless chunked body and to a 2 GiB
//! `Content-Length`, and how long a call with an 8 s deadline takes against a body that stalls.
//!
//! Run: `cargo bench -p theopenmoney --bench peak_rss` (Linux: reads `/proc/self/status`).

#[allow(dead_code)]
#[path = "../tests/integration/support/hostile_server.rs"]
mod hostile_server;

use std::time::{Duration, Instant};

use hostile_server::{HostileServer, Misbehaviour};
use theopenmoney::{Client, RetryPolicy};

const KEY: &str = "osk_bench_key";
const MIB: u64 = 1024 * 1024;
/// The documented example order, as the API sends it.
const ORDER: &str = r#"{"id":10421,"status":"pending_payment","order_type":"stars","stars_amount":100,"recipient_username":"pandus","price_ton":0.418,"payment_address":"UQBFJTkJ5hZdH7i6rWQTnm43zn6h2dPBV9lFZ2e98WvWABy_","payment_memo":"STARS-a1b2c3","payment_method":"ton_memo","payment_currency":"TON","client_reference":"invoice-42","expires_at":"2026-04-16T12:15:00Z","created_at":"2026-04-16T12:00:00Z"}"#;

/// A `/proc/self/status` field in KiB, e.g. `VmHWM` (peak RSS).
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

async fn one_call(name: &str, misbehaviour: Misbehaviour, client: impl Fn(&str) -> Client) {
    let server = HostileServer::start(misbehaviour).await;
    let before = status_kib("VmHWM");
    let started = Instant::now();
    let result = client(&server.base_url).get_order(1).await;
    let elapsed = started.elapsed();
    let after = status_kib("VmHWM");
    let error = result.expect_err("a misbehaving server cannot give an order");
    let idle = server.wait_until_idle(Duration::from_secs(30)).await;
    println!("{name}:");
    println!("  error: {error}");
    println!(
        "  took {elapsed:.2?}; the server wrote {} body bytes{}",
        server.body_bytes_sent(),
        if idle {
            " before the client hung up"
        } else {
            " and was still writing 30 s later"
        }
    );
    println!(
        "  peak RSS (VmHWM) {} before the call, {} after (current RSS {})",
        mib(before),
        mib(after),
        mib(status_kib("VmRSS"))
    );
}

fn default_client(base_url: &str) -> Client {
    Client::builder(KEY)
        .base_url(base_url)
        .build()
        .expect("client")
}

fn main() {
    // Only the mode `cargo bench` runs (`cargo test --benches` passes no `--bench`).
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    let page = format!(
        r#"{{"ok":true,"data":{{"items":[{}],"total":100,"limit":100,"offset":0}}}}"#,
        vec![ORDER; 100].join(",")
    );
    println!(
        "a page of 100 orders is {} bytes; the default max_response_bytes is {} bytes",
        page.len(),
        4 * MIB
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        println!("peak RSS at start: {}", mib(status_kib("VmHWM")));
        // The refusal first: it reads nothing, so the peak after it is the baseline's.
        one_call(
            "200 with Content-Length 2 GiB, default settings",
            Misbehaviour::DeclaredLength {
                status: 200,
                length: 2 * 1024 * MIB,
            },
            default_client,
        )
        .await;
        one_call(
            "endless chunked 200, default settings",
            Misbehaviour::EndlessChunked {
                status: 200,
                give_up_after: 64 * 1024 * MIB,
            },
            default_client,
        )
        .await;
        one_call(
            "200 whose body stalls after 10 of 1000 bytes, 8 s deadline, 15 s attempt timeout",
            Misbehaviour::Stall {
                status: 200,
                length: 1000,
                sent: 10,
            },
            |base_url| {
                Client::builder(KEY)
                    .base_url(base_url)
                    .retry_policy(RetryPolicy::default().deadline(Some(Duration::from_secs(8))))
                    .build()
                    .expect("client")
            },
        )
        .await;
    });
}
