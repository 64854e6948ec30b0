//! When to try a call again. The decision is a pure function of the policy, the failure and
//! the time spent ([`decide`]); a per-client token bucket ([`RetryBudget`], as in AWS's
//! "standard" retry mode) stops a fleet of clients from hammering a sick server.

use std::sync::Mutex;
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use reqwest::StatusCode;

use crate::enums::ErrorCode;
use crate::error::{Error, ErrorKind};

/// How a client retries. Every retry of one call carries the same `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per call, the first included (1 means no retries).
    pub max_attempts: u32,
    /// Ceiling of the first backoff; it doubles per retry up to `max_delay`.
    pub base_delay: Duration,
    /// Largest backoff ceiling.
    pub max_delay: Duration,
    /// The longest `Retry-After` honoured; a longer one ends the call with the `429`.
    pub max_retry_after: Duration,
    /// Time budget for a whole call, retries and waits included.
    pub deadline: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            deadline: Some(Duration::from_secs(60)),
        }
    }
}

impl RetryPolicy {
    /// One attempt per call.
    pub fn no_retries() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }
}

/// Whether a failure is worth another attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retryability {
    /// Retrying cannot help (401, 404, 422, a state conflict, bad input, a bad success body).
    Permanent,
    /// It may succeed next time.
    Transient {
        /// The server's `Retry-After`.
        retry_after: Option<Duration>,
        /// Tokens this retry costs from the budget.
        cost: u32,
    },
}

impl Retryability {
    /// Whether a retry may help.
    pub fn is_retryable(self) -> bool {
        matches!(self, Self::Transient { .. })
    }
}

/// The next step after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then try again.
    RetryAfter(Duration),
    /// Return the error.
    Stop(StopReason),
}

/// Why a call ends with its last error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The failure is permanent.
    NotRetryable,
    /// `max_attempts` reached.
    AttemptsExhausted,
    /// Waiting would pass the call's deadline.
    DeadlineExceeded,
    /// The server asked for a longer wait than `max_retry_after`.
    RetryAfterTooLong,
    /// The client's retry budget is empty.
    BudgetExhausted,
}

/// Tokens a retry costs; timeouts cost more, as in AWS's standard mode.
const RETRY_COST: u32 = 5;
const TIMEOUT_RETRY_COST: u32 = 10;

/// Classifies an error.
pub fn classify(error: &Error) -> Retryability {
    let transient = |retry_after| Retryability::Transient {
        retry_after,
        cost: RETRY_COST,
    };
    match error.kind() {
        ErrorKind::Transport { source, .. } if source.is_builder() || source.is_redirect() => {
            Retryability::Permanent
        }
        ErrorKind::Transport { source, .. } => Retryability::Transient {
            retry_after: None,
            cost: if source.is_timeout() {
                TIMEOUT_RETRY_COST
            } else {
                RETRY_COST
            },
        },
        ErrorKind::Api(api) if api.code == ErrorCode::IdempotencyInProgress => {
            transient(api.retry_after)
        }
        ErrorKind::Api(api) if is_transient_status(api.status) => transient(api.retry_after),
        ErrorKind::Decode {
            status: Some(status),
            retry_after,
            ..
        } if is_transient_status(*status) => transient(*retry_after),
        ErrorKind::UnexpectedStatus {
            status,
            retry_after,
            ..
        } if is_transient_status(*status) => transient(*retry_after),
        _ => Retryability::Permanent,
    }
}

/// 408, 429, 500, 502, 503, 504: the request may succeed later. 409 is a state conflict unless
/// its code says the same key is in flight (handled above).
fn is_transient_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// Decides what follows failed attempt number `attempts_made` (1-based), `elapsed` after the
/// call started. `jitter` in `[0, 1)` picks the wait within the backoff ceiling ("full jitter").
pub fn decide(
    policy: &RetryPolicy,
    failure: Retryability,
    attempts_made: u32,
    elapsed: Duration,
    jitter: f64,
) -> Decision {
    let Retryability::Transient { retry_after, .. } = failure else {
        return Decision::Stop(StopReason::NotRetryable);
    };
    if attempts_made >= policy.max_attempts {
        return Decision::Stop(StopReason::AttemptsExhausted);
    }
    if retry_after.is_some_and(|wait| wait > policy.max_retry_after) {
        return Decision::Stop(StopReason::RetryAfterTooLong);
    }
    let backoff = backoff_ceiling(policy, attempts_made).mul_f64(jitter.clamp(0.0, 1.0));
    let wait = retry_after.map_or(backoff, |server| server.max(backoff));
    if policy
        .deadline
        .is_some_and(|deadline| elapsed.saturating_add(wait) >= deadline)
    {
        return Decision::Stop(StopReason::DeadlineExceeded);
    }
    Decision::RetryAfter(wait)
}

/// The ceiling before retry number `retry` (1-based): `base · 2^(retry-1)`, capped.
fn backoff_ceiling(policy: &RetryPolicy, retry: u32) -> Duration {
    ExponentialBuilder::default()
        .with_min_delay(policy.base_delay)
        .with_max_delay(policy.max_delay)
        .with_factor(2.0)
        .without_max_times()
        .build()
        .nth(retry.saturating_sub(1) as usize)
        .unwrap_or(policy.max_delay)
}

/// A client-wide token bucket: retries spend tokens, successes earn them back.
#[derive(Debug)]
pub struct RetryBudget {
    tokens: Mutex<u32>,
    capacity: u32,
}

impl RetryBudget {
    /// AWS's standard-mode bucket size.
    pub const DEFAULT_CAPACITY: u32 = 500;

    /// A full bucket of `capacity` tokens.
    pub fn new(capacity: u32) -> Self {
        Self {
            tokens: Mutex::new(capacity),
            capacity,
        }
    }

    /// Takes `cost` tokens for a retry, or returns false when there are not enough.
    pub fn try_spend(&self, cost: u32) -> bool {
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        if *tokens >= cost {
            *tokens -= cost;
            true
        } else {
            false
        }
    }

    /// Credits a successful call: the cost of its retries back, or one token.
    pub fn record_success(&self, retry_cost_spent: u32) {
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        *tokens = (*tokens + retry_cost_spent.max(1)).min(self.capacity);
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        *self.tokens.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self::new(Self::DEFAULT_CAPACITY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;

    const TRANSIENT: Retryability = Retryability::Transient {
        retry_after: None,
        cost: RETRY_COST,
    };

    fn api(status: u16, code: &str) -> Error {
        Error::new(ErrorKind::Api(ApiError {
            status: StatusCode::from_u16(status).unwrap(),
            code: ErrorCode::from(code),
            message: "m".into(),
            retry_after: None,
        }))
    }

    #[test]
    fn retries_transient_statuses_and_in_progress_only() {
        for (status, code) in [
            (429, "RATE_LIMITED"),
            (409, "IDEMPOTENCY_IN_PROGRESS"),
            (500, "INTERNAL_ERROR"),
            (502, "BAD_GATEWAY"),
            (503, "X"),
            (504, "X"),
        ] {
            assert!(
                classify(&api(status, code)).is_retryable(),
                "{status} {code}"
            );
        }
        for (status, code) in [
            (401, "UNAUTHORIZED"),
            (404, "NOT_FOUND"),
            (409, "ORDER_NOT_CANCELLABLE"),
            (409, "INSUFFICIENT_BALANCE"),
            (422, "VALIDATION_ERROR"),
            (422, "IDEMPOTENCY_KEY_REUSED"),
            (400, "X"),
        ] {
            assert!(
                !classify(&api(status, code)).is_retryable(),
                "{status} {code}"
            );
        }
    }

    #[test]
    fn undecodable_502_is_still_retryable_but_bad_success_body_is_not() {
        let body_error = serde_json::from_str::<u8>("<html>").unwrap_err();
        let html_502 = Error::new(ErrorKind::Decode {
            status: Some(StatusCode::BAD_GATEWAY),
            retry_after: None,
            body: "<html>".into(),
            source: body_error,
        });
        assert!(classify(&html_502).is_retryable());
        let bad_200 = Error::new(ErrorKind::Decode {
            status: Some(StatusCode::OK),
            retry_after: None,
            body: "{}".into(),
            source: serde_json::from_str::<u8>("{}").unwrap_err(),
        });
        assert!(!classify(&bad_200).is_retryable());
        assert!(!classify(&Error::invalid_input("quantity", "x")).is_retryable());
    }

    #[test]
    fn permanent_failures_stop_at_once() {
        let policy = RetryPolicy::default();
        assert_eq!(
            decide(&policy, Retryability::Permanent, 1, Duration::ZERO, 0.5),
            Decision::Stop(StopReason::NotRetryable)
        );
    }

    #[test]
    fn backoff_is_full_jitter_under_an_exponential_ceiling() {
        let policy = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            deadline: None,
            ..RetryPolicy::default()
        };
        // backon scales with f32, so allow a microsecond of rounding.
        let wait =
            |attempt, jitter| match decide(&policy, TRANSIENT, attempt, Duration::ZERO, jitter) {
                Decision::RetryAfter(wait) => wait.as_micros(),
                stop => panic!("expected a retry, got {stop:?}"),
            };
        let near = |actual: u128, millis: u128| actual.abs_diff(millis * 1000) <= 1;
        assert_eq!(wait(1, 0.0), 0);
        assert!(near(wait(1, 0.5), 50));
        assert!(near(wait(2, 0.5), 100));
        assert!(near(wait(3, 0.5), 200));
        // Capped at max_delay.
        assert!(near(wait(9, 0.5), 500));
        assert!(near(wait(9, 0.999_999), 1000));
    }

    #[test]
    fn attempts_and_deadline_bound_the_call() {
        let policy = RetryPolicy {
            max_attempts: 3,
            deadline: Some(Duration::from_secs(1)),
            ..RetryPolicy::default()
        };
        assert_eq!(
            decide(&policy, TRANSIENT, 3, Duration::ZERO, 0.1),
            Decision::Stop(StopReason::AttemptsExhausted)
        );
        assert_eq!(
            decide(&policy, TRANSIENT, 1, Duration::from_millis(999), 0.9),
            Decision::Stop(StopReason::DeadlineExceeded)
        );
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let policy = RetryPolicy::default();
        let after = |secs| Retryability::Transient {
            retry_after: Some(Duration::from_secs(secs)),
            cost: RETRY_COST,
        };
        assert_eq!(
            decide(&policy, after(2), 1, Duration::ZERO, 0.0),
            Decision::RetryAfter(Duration::from_secs(2))
        );
        assert_eq!(
            decide(&policy, after(31), 1, Duration::ZERO, 0.0),
            Decision::Stop(StopReason::RetryAfterTooLong)
        );
    }

    #[test]
    fn budget_drains_and_refills() {
        let budget = RetryBudget::new(10);
        assert!(budget.try_spend(5));
        assert!(budget.try_spend(5));
        assert!(!budget.try_spend(5));
        budget.record_success(5);
        assert_eq!(budget.available(), 5);
        budget.record_success(0);
        budget.record_success(100);
        assert_eq!(budget.available(), 10);
    }
}
