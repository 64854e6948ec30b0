//! Idempotency, client side: after a 500, a dropped connection or a timeout, the sdk's retry
//! carries the same `Idempotency-Key` as the first attempt. The proxy injects the fault into
//! the first attempt and records the key of every attempt; the mock answers only a request
//! carrying the first attempt's key. Exactly two attempts: the faulted one, then one retry
//! that reached the mock.

use std::sync::Arc;
use std::time::Duration;

use httpmock::HttpMockRequest;
use test_proxy::{ProxiedResponse, Verdict};
use theopenmoney::types::Order;
use theopenmoney::{Envelope, NewPremiumOrder, NewStarsOrder, PremiumMonths};
use theopenmoney_mock::MockServerExt;

use crate::clauses::MockCtx;
use crate::failure::{Clause, ClauseResult};
use crate::fixtures;
use crate::intercept::{Attempts, FaultOnce};
use crate::mock_server::MockRig;
use crate::runtime::block_on;
use crate::sdk_client::{EXAMPLE_ORDER_ID, quick_retries};

const CLAUSE: Clause = Clause("idempotency/retry-same-key");
/// Per-attempt timeout of the client; the stall fault lasts longer.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(1);
const STALL: Duration = Duration::from_millis(2500);

/// The key of the first attempt, when it carried one.
fn first_key(attempts: &Attempts) -> Option<String> {
    attempts
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .first()
        .cloned()
        .flatten()
}

fn carries(attempts: &Attempts) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
    let attempts = attempts.clone();
    move |request: &HttpMockRequest| {
        let first = first_key(&attempts);
        let key = request
            .headers_vec()
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("idempotency-key"))
            .map(|(_, value)| value.clone());
        first.is_some() && key == first
    }
}

/// The faults of the first attempt, each with what it is called in a failure.
fn faults() -> [(&'static str, Verdict); 3] {
    let server_error = ProxiedResponse::json(
        500,
        &serde_json::json!({
            "ok": false,
            "error_code": "INTERNAL_ERROR",
            "error_message": "injected by the contract suite",
            "data": null
        }),
    );
    [
        ("ServerError", Verdict::Respond(server_error)),
        ("DropConnection", Verdict::Drop),
        ("Stall", Verdict::Stall(STALL)),
    ]
}

pub(crate) fn retries_carry_the_same_key(ctx: &MockCtx) -> ClauseResult {
    for operation in ["create_stars_order", "create_premium_order", "cancel_order"] {
        for (fault, verdict) in faults() {
            let attempts = Attempts::default();
            let rig = MockRig::start_with(
                &ctx.run,
                Arc::new(FaultOnce::new(operation, verdict, attempts.clone())),
            );
            let client = rig.client_with(quick_retries(3), ATTEMPT_TIMEOUT);
            let order_type = if operation == "create_premium_order" {
                "premium"
            } else {
                "stars"
            };
            let reply: Envelope<Order> = serde_json::from_value(fixtures::success(
                fixtures::order(order_type, "pending_payment"),
            ))
            .expect("a fixture order");
            let mock = match operation {
                "create_stars_order" => rig.server.create_stars_order(|w, t| {
                    w.into_inner().is_true(carries(&attempts));
                    t.ok(&reply);
                }),
                "create_premium_order" => rig.server.create_premium_order(|w, t| {
                    w.into_inner().is_true(carries(&attempts));
                    t.ok(&reply);
                }),
                _ => rig.server.cancel_order(|w, t| {
                    w.id(&EXAMPLE_ORDER_ID.into())
                        .into_inner()
                        .is_true(carries(&attempts));
                    t.ok(&reply);
                }),
            };
            let result = block_on(async {
                match operation {
                    "create_stars_order" => {
                        client
                            .create_stars_order(NewStarsOrder::new("pandus", 100)?)
                            .await
                    }
                    "create_premium_order" => {
                        client
                            .create_premium_order(NewPremiumOrder::new(
                                "pandus",
                                PremiumMonths::Six,
                            )?)
                            .await
                    }
                    _ => client.cancel_order(EXAMPLE_ORDER_ID).await,
                }
            });
            let first = first_key(&attempts);
            let what = format!("after {fault} on the first attempt (key {first:?})");
            let done = result.map_err(|e| {
                CLAUSE.fail(
                    operation,
                    format!("{what}, the retry did not reach the mock with that key: {e}"),
                )
            })?;
            let seen = attempts.lock().unwrap_or_else(|e| e.into_inner()).clone();
            CLAUSE.ensure(
                first.is_some() && seen.len() == 2 && seen.iter().all(|key| *key == first),
                operation,
                || {
                    format!(
                        "{what}, the proxy saw {} attempts with keys {seen:?}: expected the faulted one and one retry, both with one key",
                        seen.len()
                    )
                },
            )?;
            CLAUSE.ensure(mock.calls() == 1, operation, || {
                format!(
                    "{what}, {} requests carrying that key reached the mock: expected exactly the one retry",
                    mock.calls()
                )
            })?;
            CLAUSE.ensure(
                Some(done.idempotency_key.as_str()) == first.as_deref(),
                operation,
                || format!("{what}, the sdk reported key {}", done.idempotency_key),
            )?;
        }
    }
    Ok(())
}
