//! Per-key rate limits (GCRA, from `governor`): each partner has its own allowance, and a key
//! over it gets `429 RATE_LIMITED` with `Retry-After` in whole seconds (at least 1).

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota};

use crate::config::RateLimit;
use crate::error_reply::ErrorReply;

/// One partner's limiter.
#[derive(Debug)]
pub(crate) struct KeyLimiter {
    limiter: DefaultDirectRateLimiter,
    clock: DefaultClock,
}

impl KeyLimiter {
    /// The whole allowance as a burst, refilled evenly over the period.
    pub(crate) fn new(limit: RateLimit) -> Self {
        let refill_one_every = limit.period / limit.requests.get();
        // A period too short to divide refills every nanosecond: no practical limit.
        let quota = Quota::with_period(refill_one_every)
            .unwrap_or_else(|| Quota::per_second(limit.requests))
            .allow_burst(limit.requests);
        let clock = DefaultClock::default();
        Self {
            limiter: DefaultDirectRateLimiter::direct_with_clock(quota, clock.clone()),
            clock,
        }
    }

    /// Takes one request from the allowance, or says when to come back.
    pub(crate) fn check(&self) -> Result<(), ErrorReply> {
        self.limiter.check().map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            ErrorReply::rate_limited(secs.max(1))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;

    use axum::http::StatusCode;

    use super::*;

    #[test]
    fn the_burst_is_allowed_then_the_key_waits() {
        let limiter = KeyLimiter::new(RateLimit::per_minute(NonZeroU32::new(3).unwrap()));
        for _ in 0..3 {
            limiter.check().unwrap();
        }
        let error = limiter.check().unwrap_err();
        assert_eq!(error.status(), StatusCode::TOO_MANY_REQUESTS);
        // One request refills every 20 s.
        let envelope = serde_json::to_value(error.envelope()).unwrap();
        assert!(
            envelope["error_message"]
                .as_str()
                .unwrap()
                .contains("retry after 20 s"),
            "{envelope}"
        );
    }
}
