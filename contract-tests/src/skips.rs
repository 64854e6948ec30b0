//! Documented triples a mode may leave unexercised, each with its reason. The coverage report
//! prints the reason; anything documented and absent from here must be exercised.

use crate::config::{LiveConfig, Mode};
use crate::spec::{Operation, Status};

/// A documented triple that may go unexercised, and why.
#[derive(Debug, Clone)]
pub(crate) struct Skip {
    pub reason: String,
    applies: fn(&Operation, Status, &str) -> bool,
}

impl Skip {
    /// A skip of every triple for which `applies` holds.
    pub(crate) fn new(
        reason: impl Into<String>,
        applies: fn(&Operation, Status, &str) -> bool,
    ) -> Self {
        Self {
            reason: reason.into(),
            applies,
        }
    }

    /// Whether this skip covers a triple.
    pub(crate) fn covers(&self, operation: &Operation, status: Status, code: &str) -> bool {
        (self.applies)(operation, status, code)
    }
}

/// The skips of a mode. Mock mode has none: it feeds the sdk every documented shape.
pub(crate) fn for_mode(mode: &Mode) -> Vec<Skip> {
    match mode {
        Mode::Mock { .. } => Vec::new(),
        Mode::Live(live) => live_skips(live),
    }
}

fn live_skips(live: &LiveConfig) -> Vec<Skip> {
    let mut skips = vec![
        Skip::new(
            "a live server cannot be made to fail on demand; mock mode covers decoding it",
            |_, status, _| status == Status::Class(5),
        ),
        Skip::new(
            "needs a request still in flight: the concurrency clause accepts it when it happens",
            |_, _, code| code == "IDEMPOTENCY_IN_PROGRESS",
        ),
        Skip::new(
            "would debit the partner's real balance on a live server when it suffices",
            |_, _, code| code == "INSUFFICIENT_BALANCE",
        ),
    ];
    if live.rate_limit_key.is_none() {
        skips.push(Skip::new(
            "opt-in: set CONTRACT_RATE_LIMIT_API_KEY to a rate-limited key",
            |_, status, _| status == Status::Exact(429),
        ));
    }
    skips
}
