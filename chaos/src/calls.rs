//! One call of a run: what the client does about failures, how the call ended, and the
//! `client_reference` that marks it as the run's.

use std::time::Duration;

use theopenmoney::{IdempotencyKey, OrderId, RetryPolicy};

use super::records::ServerOrder;

/// What the client does about failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// The sdk with its default retry policy; a call that still ends with an unknown outcome is
    /// settled by creating again with the key the sdk returned.
    Sdk,
    /// No retries; an unknown outcome is left unknown.
    NaiveGiveUp,
    /// No retries by the sdk; the caller re-submits a failed create under a new key, as many
    /// times as the sdk would have attempted it.
    NaiveNewKey,
}

impl Strategy {
    /// A column heading.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Strategy::Sdk => "sdk (default retries)",
            Strategy::NaiveGiveUp => "naive: give up",
            Strategy::NaiveNewKey => "naive: new key",
        }
    }

    pub(crate) fn retry_policy(self) -> RetryPolicy {
        match self {
            Strategy::Sdk => RetryPolicy::default(),
            Strategy::NaiveGiveUp | Strategy::NaiveNewKey => RetryPolicy::no_retries(),
        }
    }
}

/// How one call ended, as the client knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CallEnd {
    /// The client holds an order, created under this key.
    Created { id: OrderId, key: IdempotencyKey },
    /// The client does not know whether an order exists.
    Unknown,
    /// The client knows no order was made (a permanent error, or retries exhausted on errors
    /// that do not leave the outcome open, such as `429`).
    Failed,
}

/// One call from the caller's side.
#[derive(Debug, Clone)]
pub(crate) struct CallOutcome {
    /// Its `client_reference`.
    pub(crate) reference: String,
    pub(crate) end: CallEnd,
    /// From the first attempt to the end, resolution included.
    pub(crate) latency: Duration,
    /// Whether the first sdk call ended without an order (then resolution or resubmission
    /// followed, if the strategy has them).
    pub(crate) first_call_failed: bool,
}

/// The `client_reference` of call `index`; the same in every run, so every run meets the same
/// fault schedule.
pub(crate) fn reference(index: usize) -> String {
    format!("chaos-{index:06}")
}

/// Whether `reference` belongs to a run (used to spot orders nobody asked for).
pub(crate) fn is_run_reference(order: &ServerOrder) -> bool {
    order
        .client_reference
        .as_deref()
        .is_some_and(|r| r.starts_with("chaos-"))
}
