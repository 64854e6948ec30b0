//! The sdk against a hand-written `reqwest` + `serde_json` client, calling the same loopback
//! server in one run, for a GET and a create.
//!
//! Run: `cargo bench -p theopenmoney --bench overhead`. Divan first times single calls of each;
//! then interleaved rounds of sequential keep-alive calls give each client's throughput and the
//! ratio sdk / hand-written (goal ≥ 0.97). Both decode into the same generated types, so the
//! ratio isolates what the sdk layer adds: hooks, the retry loop, error mapping, key handling.

#[path = "support/rig.rs"]
mod rig;

use std::time::Instant;

use rig::Rig;
use theopenmoney::NewStarsOrder;
use theopenmoney::types::Order;

const ROUNDS: usize = 21;
const CALLS_PER_ROUND: usize = 2_000;

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
