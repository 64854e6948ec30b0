//! Waiters: poll a read until a response field reaches a success or failure value (the spec's
//! `x-waiters` acceptors), with capped exponential backoff and jitter, until a deadline. A value
//! the acceptors do not list, such as a status added after this sdk was released, keeps polling.

use std::fmt;
use std::future::Future;
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::excerpt::{Excerpt, WORD_EXCERPT_BYTES};

/// One waiter's acceptors and default timings, as declared in the spec.
#[derive(Debug)]
pub(crate) struct Waiter {
    pub(crate) name: &'static str,
    pub(crate) success: &'static [&'static str],
    pub(crate) failure: &'static [&'static str],
    pub(crate) min_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) timeout: Duration,
}

/// Overrides of a waiter's timings; each unset one keeps the spec's default (see the waiter's
/// docs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WaitOptions {
    timeout: Option<Duration>,
    min_delay: Option<Duration>,
    max_delay: Option<Duration>,
}

impl WaitOptions {
    /// The spec's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// How long the whole wait may take.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The first delay between polls; later ones double up to the maximum, with jitter.
    pub fn min_delay(mut self, delay: Duration) -> Self {
        self.min_delay = Some(delay);
        self
    }

    /// The longest delay between polls.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = Some(delay);
        self
    }
}

/// Why a wait ended without reaching a success value. Every variant keeps the last response seen.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError<T> {
    /// The field reached one of the waiter's failure values.
    Failed {
        /// The waiter (`order_paid` for `wait_for_order_paid`).
        waiter: &'static str,
        /// The failure value reached.
        state: String,
        /// The response that carried it.
        last: Box<T>,
    },
    /// The deadline passed first.
    TimedOut {
        /// The waiter.
        waiter: &'static str,
        /// How long it waited.
        waited: Duration,
        /// The last value of the field seen, if a poll succeeded.
        state: Option<String>,
        /// The last response seen, if a poll succeeded.
        last: Option<Box<T>>,
    },
    /// An input was invalid, or a poll failed with an error that is not retryable.
    Call {
        /// The waiter.
        waiter: &'static str,
        /// The error.
        source: Error,
        /// The last response seen before it, if any.
        last: Option<Box<T>>,
    },
}

impl<T> WaitError<T> {
    /// The last response seen.
    pub fn last(&self) -> Option<&T> {
        match self {
            Self::Failed { last, .. } => Some(last),
            Self::TimedOut { last, .. } | Self::Call { last, .. } => last.as_deref(),
        }
    }

    /// The last response seen, owned.
    pub fn into_last(self) -> Option<T> {
        match self {
            Self::Failed { last, .. } => Some(*last),
            Self::TimedOut { last, .. } | Self::Call { last, .. } => last.map(|b| *b),
        }
    }

    /// The waiter that ended.
    pub fn waiter(&self) -> &'static str {
        match self {
            Self::Failed { waiter, .. }
            | Self::TimedOut { waiter, .. }
            | Self::Call { waiter, .. } => waiter,
        }
    }
}

impl<T> fmt::Display for WaitError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Failed { waiter, state, .. } => {
                write!(f, "waiter `{waiter}` failed: reached `{state}`")
            }
            Self::TimedOut {
                waiter,
                waited,
                state,
                ..
            } => {
                write!(
                    f,
                    "waiter `{waiter}` timed out after {:.1} s",
                    waited.as_secs_f64()
                )?;
                match state {
                    Some(state) => {
                        write!(f, " (last seen: `{}`)", Excerpt(state, WORD_EXCERPT_BYTES))
                    }
                    None => f.write_str(" (no successful poll)"),
                }
            }
            Self::Call { waiter, source, .. } => write!(f, "waiter `{waiter}`: {source}"),
        }
    }
}

impl<T: fmt::Debug> std::error::Error for WaitError<T> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Call { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl Waiter {
    /// An input error, before any poll.
    pub(crate) fn input_error<T>(&self, source: Error) -> WaitError<T> {
        WaitError::Call {
            waiter: self.name,
            source,
            last: None,
        }
    }
}

/// What one poll's field value means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Success,
    Failure,
    Continue,
}

fn verdict(waiter: &Waiter, state: &str) -> Verdict {
    if waiter.success.contains(&state) {
        Verdict::Success
    } else if waiter.failure.contains(&state) {
        Verdict::Failure
    } else {
        Verdict::Continue
    }
}

/// The delay after poll number `polls` (1-based): `min · 2^(polls-1)` capped at `max`, then a
/// point in `[min, that]` picked by `jitter` in `[0, 1)`.
fn backoff(min: Duration, max: Duration, polls: u32, jitter: f64) -> Duration {
    let ceiling = min
        .saturating_mul(
            1u32.checked_shl(polls.saturating_sub(1))
                .unwrap_or(u32::MAX),
        )
        .min(max)
        .max(min);
    min + (ceiling - min).mul_f64(jitter.clamp(0.0, 1.0))
}

/// Polls until the field that `state` reads reaches a success value (the response is returned),
/// a failure value, a non-retryable error, or the deadline.
pub(crate) async fn wait<T, S, P, Fut>(
    waiter: &Waiter,
    options: WaitOptions,
    state: S,
    mut poll: P,
) -> Result<T, WaitError<T>>
where
    S: Fn(&T) -> String,
    P: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let timeout = options.timeout.unwrap_or(waiter.timeout);
    let min = options.min_delay.unwrap_or(waiter.min_delay);
    let max = options.max_delay.unwrap_or(waiter.max_delay).max(min);
    let started = Instant::now();
    let mut last: Option<(String, T)> = None;
    let mut polls = 0;
    loop {
        polls += 1;
        match poll().await {
            Ok(value) => {
                let seen = state(&value);
                tracing::debug!(
                    waiter = waiter.name,
                    polls,
                    state = %Excerpt(&seen, WORD_EXCERPT_BYTES),
                    "polled"
                );
                match verdict(waiter, &seen) {
                    Verdict::Success => return Ok(value),
                    Verdict::Failure => {
                        return Err(WaitError::Failed {
                            waiter: waiter.name,
                            state: seen,
                            last: Box::new(value),
                        });
                    }
                    Verdict::Continue => last = Some((seen, value)),
                }
            }
            Err(error) if error.is_retryable() => {
                tracing::debug!(waiter = waiter.name, polls, %error, "poll failed; polling on");
            }
            Err(source) => {
                return Err(WaitError::Call {
                    waiter: waiter.name,
                    source,
                    last: last.map(|(_, value)| Box::new(value)),
                });
            }
        }
        let waited = started.elapsed();
        let Some(remaining) = timeout.checked_sub(waited).filter(|r| !r.is_zero()) else {
            let (state, last) = last.map_or((None, None), |(s, v)| (Some(s), Some(Box::new(v))));
            return Err(WaitError::TimedOut {
                waiter: waiter.name,
                waited,
                state,
                last,
            });
        };
        tokio::time::sleep(backoff(min, max, polls, crate::random::unit()).min(remaining)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAID: Waiter = Waiter {
        name: "order_paid",
        success: &["paid", "processing", "completed"],
        failure: &["cancelled", "expired", "failed"],
        min_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(4),
        timeout: Duration::from_millis(50),
    };

    #[test]
    fn acceptors_decide_and_unknown_values_continue() {
        assert_eq!(verdict(&PAID, "processing"), Verdict::Success);
        assert_eq!(verdict(&PAID, "expired"), Verdict::Failure);
        assert_eq!(verdict(&PAID, "pending_payment"), Verdict::Continue);
        assert_eq!(verdict(&PAID, "on_hold"), Verdict::Continue);
    }

    #[test]
    fn backoff_doubles_within_bounds() {
        let (min, max) = (Duration::from_secs(2), Duration::from_secs(30));
        assert_eq!(backoff(min, max, 1, 0.999), min);
        assert_eq!(backoff(min, max, 3, 1.0), Duration::from_secs(8));
        assert_eq!(backoff(min, max, 3, 0.0), min);
        assert_eq!(backoff(min, max, 40, 1.0), max);
        assert_eq!(backoff(min, max, u32::MAX, 1.0), max);
    }

    fn statuses(
        seq: &'static [&'static str],
    ) -> impl FnMut() -> std::future::Ready<Result<String, Error>> {
        let mut i = 0;
        move || {
            let s = seq[i.min(seq.len() - 1)];
            i += 1;
            std::future::ready(Ok(s.to_owned()))
        }
    }

    #[tokio::test]
    async fn ends_on_success_failure_or_deadline() {
        let ok = wait(
            &PAID,
            WaitOptions::new(),
            Clone::clone,
            statuses(&["pending_payment", "paid"]),
        )
        .await;
        assert_eq!(ok.unwrap(), "paid");

        let failed = wait(
            &PAID,
            WaitOptions::new(),
            Clone::clone,
            statuses(&["pending_payment", "cancelled"]),
        )
        .await
        .unwrap_err();
        assert!(matches!(&failed, WaitError::Failed { state, .. } if state == "cancelled"));
        assert_eq!(failed.last().map(String::as_str), Some("cancelled"));

        let options = WaitOptions::new().timeout(Duration::from_millis(20));
        let timed_out = wait(&PAID, options, Clone::clone, statuses(&["on_hold"]))
            .await
            .unwrap_err();
        assert!(matches!(&timed_out, WaitError::TimedOut { state: Some(s), .. } if s == "on_hold"));
        assert!(
            timed_out.to_string().contains("last seen: `on_hold`"),
            "{timed_out}"
        );
    }
}
