//! One run: a fresh sandbox, the proxy in front of it, N order creations through the sdk with
//! bounded concurrency, then the sandbox's own records.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use theopenmoney::{Client, Error, IdempotencyKey, NewStarsOrder, RetryPolicy};
use theopenmoney_sandbox::{Database, Sandbox};

use super::calls::{CallEnd, CallOutcome, Strategy, reference};
use super::fault::{FaultPlan, FaultRates};
use super::proxy::{FaultProxy, ProxyConfig};
use super::records;
use super::report::RunReport;

/// The partner the runs buy for (the sandbox gives it a generous rate limit and balance).
const PARTNER: &str = "alpha";
const RECIPIENT: &str = "chaos_buyer";
const STARS: u32 = 100;
/// How many times a call that the sdk gave up on is re-driven with its key, at most.
const RESOLVE_ROUNDS: u32 = 8;

/// What every run of one invocation shares.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Order creations per run.
    pub requests: usize,
    /// Seeds the fault plan.
    pub seed: u64,
    /// Calls in flight at once.
    pub concurrency: usize,
    /// The sdk's per-attempt timeout.
    pub timeout: Duration,
    /// How long a delayed response is held (longer than `timeout`).
    pub delay: Duration,
    /// `Retry-After` of an injected `429`.
    pub retry_after_secs: u64,
    /// Fault rates per request.
    pub rates: FaultRates,
}

/// Runs `strategy` once against a fresh sandbox and returns its report.
pub(crate) async fn run(settings: &Settings, strategy: Strategy) -> anyhow::Result<RunReport> {
    let sandbox = Sandbox::builder()
        .database(Database::InMemory)
        .control_api(true)
        .start()
        .await?;
    let key = sandbox
        .key(PARTNER)
        .ok_or_else(|| anyhow::anyhow!("the sandbox has no partner `{PARTNER}`"))?
        .to_owned();
    let proxy = FaultProxy::start(ProxyConfig {
        upstream: sandbox.base_url().to_owned(),
        plan: FaultPlan::new(settings.seed, settings.rates),
        delay: settings.delay,
        retry_after_secs: settings.retry_after_secs,
    })
    .await?;
    let client = Client::builder(key)
        .base_url(proxy.base_url())
        .timeout(settings.timeout)
        .retry_policy(strategy.retry_policy())
        .user_agent("theopenmoney-chaos")
        .build()?;
    let started = Instant::now();
    let outcomes: Vec<CallOutcome> = futures_util::stream::iter(0..settings.requests)
        .map(|index| call(&client, strategy, reference(index)))
        .buffer_unordered(settings.concurrency.max(1))
        .collect()
        .await;
    let elapsed = started.elapsed();
    // Every forwarded request has finished at the server once this returns.
    let proxy_stats = proxy.shutdown().await?;
    let orders = records::fetch(sandbox.base_url(), PARTNER).await?;
    sandbox.shutdown().await?;
    Ok(RunReport::tally(
        strategy,
        &outcomes,
        &orders,
        proxy_stats,
        elapsed,
    ))
}

async fn call(client: &Client, strategy: Strategy, reference: String) -> CallOutcome {
    let started = Instant::now();
    let first = create(client, &reference, None).await;
    let first_call_failed = first.is_err();
    let end = match (strategy, first) {
        (_, Ok(end)) => end,
        (_, Err(error)) if !may_succeed_later(&error) => CallEnd::Failed,
        (Strategy::NaiveGiveUp, Err(error)) => settle(&error),
        (Strategy::Sdk, Err(error)) => match error.idempotency_key().cloned() {
            // The sdk has spent its retries; the key it returned settles the outcome without
            // risking a second order.
            Some(key) => resolve(client, &reference, key, error).await,
            // Without the key there is no safe way to find out.
            None => settle(&error),
        },
        (Strategy::NaiveNewKey, Err(error)) => {
            let resubmissions = RetryPolicy::default().max_attempts.saturating_sub(1);
            let mut last = error;
            let mut end = None;
            for _ in 0..resubmissions {
                match create(client, &reference, None).await {
                    Ok(created) => {
                        end = Some(created);
                        break;
                    }
                    Err(error) if may_succeed_later(&error) => last = error,
                    Err(_) => {
                        end = Some(CallEnd::Failed);
                        break;
                    }
                }
            }
            end.unwrap_or_else(|| settle(&last))
        }
    };
    CallOutcome {
        reference,
        end,
        latency: started.elapsed(),
        first_call_failed,
    }
}

/// Creates again under `key`, up to [`RESOLVE_ROUNDS`] times: the server replays the order
/// if the earlier attempts made one, and makes it if they did not.
async fn resolve(
    client: &Client,
    reference: &str,
    key: IdempotencyKey,
    mut last: Error,
) -> CallEnd {
    for _ in 0..RESOLVE_ROUNDS {
        match create(client, reference, Some(key.clone())).await {
            Ok(created) => return created,
            Err(error) if may_succeed_later(&error) => last = error,
            Err(_) => return CallEnd::Failed,
        }
    }
    settle(&last)
}

/// One `create_stars_order` through the sdk (which retries or not, as configured).
async fn create(
    client: &Client,
    reference: &str,
    key: Option<IdempotencyKey>,
) -> Result<CallEnd, Error> {
    let mut order = NewStarsOrder::new(RECIPIENT, STARS)?.client_reference(reference)?;
    if let Some(key) = key {
        order = order.idempotency_key(key);
    }
    let created = client.create_stars_order(order).await?;
    Ok(CallEnd::Created {
        id: created.value.id,
        key: created.idempotency_key,
    })
}

/// Whether the same create may still succeed: the outcome is open, or the failure is transient
/// (a `429` after the last retry).
fn may_succeed_later(error: &Error) -> bool {
    error.is_outcome_unknown() || error.is_retryable()
}

fn settle(error: &Error) -> CallEnd {
    if error.is_outcome_unknown() {
        CallEnd::Unknown
    } else {
        CallEnd::Failed
    }
}
