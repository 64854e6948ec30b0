//! When to try a call again. The decision is a pure function of the policy, the failure and
//! the time spent (`decide`); a per-client token bucket (`RetryBudget`, as in AWS's
//! "standard" retry mode) stops a fleet of clients from hammering a sick server. Only the
//! policy is public: the rest is the call loop's.

use std::sync::Mutex;
use std::time::Duration;

use crate::retryability::Retryability;

/// How a client retries. Every retry of one call carries the same `Idempotency-Key`. Start from
/// [`RetryPolicy::default`] and change what you need:
/// `RetryPolicy::default().max_attempts(6).deadline(Some(Duration::from_secs(120)))`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts per call, the first included (1 means no retries).
    pub max_attempts: u32,
    /// Ceiling of the first backoff; it doubles per retry up to `max_delay`.
    pub base_delay: Duration,
    /// Largest backoff ceiling.
    pub max_delay: Duration,
    /// The longest `Retry-After` honoured; a longer one ends the call with the `429`.
    pub max_retry_after: Duration,
    /// Time budget for a whole call, retries and waits included. An attempt still waiting for
    /// or reading its response when it passes is abandoned (`ErrorKind::DeadlineExceeded`).
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
        Self::default().max_attempts(1)
    }

    /// Attempts per call, the first included (1 means no retries).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// Ceiling of the first backoff; it doubles per retry up to the maximum delay.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// Largest backoff ceiling.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest `Retry-After` honoured; a longer one ends the call with the `429`.
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// Time budget for a whole call, retries and waits included (`None`: no limit). An attempt
    /// still running when it passes is abandoned (`ErrorKind::DeadlineExceeded`).
    pub fn deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = deadline;
        self
    }
}

/// The next step after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Wait this long, then try again.
    RetryAfter(Duration),
    /// Return the error.
    Stop(StopReason),
}

/// Why a call ends with its last error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StopReason {
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

/// Decides what follows failed attempt number `attempts_made` (1-based), `elapsed` after the
/// call started. `jitter` in `[0, 1)` picks the wait within the backoff ceiling ("full jitter").
pub(crate) fn decide(
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
    let factor = 1u32
        .checked_shl(retry.saturating_sub(1))
        .unwrap_or(u32::MAX);
    policy
        .base_delay
        .saturating_mul(factor)
        .min(policy.max_delay)
}

/// A client-wide token bucket: retries spend tokens, successes earn them back.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    tokens: Mutex<u32>,
    capacity: u32,
}

impl RetryBudget {
    /// AWS's standard-mode bucket size.
    pub(crate) const DEFAULT_CAPACITY: u32 = 500;

    /// A full bucket of `capacity` tokens.
    pub(crate) fn new(capacity: u32) -> Self {
        Self {
            tokens: Mutex::new(capacity),
            capacity,
        }
    }

    /// Takes `cost` tokens for a retry, or returns false when there are not enough.
    pub(crate) fn try_spend(&self, cost: u32) -> bool {
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        if *tokens >= cost {
            *tokens -= cost;
            true
        } else {
            false
        }
    }

    /// Credits a successful call: the cost of its retries back, or one token.
    pub(crate) fn record_success(&self, retry_cost_spent: u32) {
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        *tokens = (*tokens + retry_cost_spent.max(1)).min(self.capacity);
    }

    /// Tokens left.
    #[cfg(test)]
    fn available(&self) -> u32 {
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

    const TRANSIENT: Retryability = Retryability::Transient {
        retry_after: None,
        cost: 5,
    };

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
        let wait =
            |attempt, jitter| match decide(&policy, TRANSIENT, attempt, Duration::ZERO, jitter) {
                Decision::RetryAfter(wait) => wait.as_micros(),
                stop => panic!("expected a retry, got {stop:?}"),
            };
        // `mul_f64` rounds to the nanosecond.
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
            cost: 5,
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
