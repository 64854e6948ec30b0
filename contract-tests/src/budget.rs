//! The request budget of a live run: a hard cap on what the suite may send to a shared server.

use std::sync::atomic::{AtomicU32, Ordering};

/// Counts requests and refuses any past the limit.
#[derive(Debug)]
pub struct Budget {
    limit: Option<u32>,
    sent: AtomicU32,
    refused: AtomicU32,
}

impl Budget {
    /// A budget of `limit` requests.
    pub fn limited(limit: u32) -> Self {
        Self {
            limit: Some(limit),
            sent: AtomicU32::new(0),
            refused: AtomicU32::new(0),
        }
    }

    /// No limit, only counting (mock mode).
    pub fn unlimited() -> Self {
        Self {
            limit: None,
            sent: AtomicU32::new(0),
            refused: AtomicU32::new(0),
        }
    }

    /// Takes one request from the budget; `false` when it is spent.
    pub(crate) fn try_take(&self) -> bool {
        let taken = self
            .sent
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |sent| {
                match self.limit {
                    Some(limit) if sent >= limit => None,
                    _ => Some(sent + 1),
                }
            })
            .is_ok();
        if !taken {
            self.refused.fetch_add(1, Ordering::SeqCst);
        }
        taken
    }

    /// Requests sent so far.
    pub(crate) fn sent(&self) -> u32 {
        self.sent.load(Ordering::SeqCst)
    }

    /// Requests still allowed (`None`: no limit).
    pub(crate) fn remaining(&self) -> Option<u32> {
        self.limit.map(|limit| limit.saturating_sub(self.sent()))
    }

    /// Requests refused because the budget was spent.
    pub(crate) fn refused(&self) -> u32 {
        self.refused.load(Ordering::SeqCst)
    }

    /// The limit, if any.
    pub(crate) fn limit(&self) -> Option<u32> {
        self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_the_limit_and_counts_refusals() {
        let budget = Budget::limited(2);
        assert!(budget.try_take());
        assert_eq!(budget.remaining(), Some(1));
        assert!(budget.try_take());
        assert!(!budget.try_take());
        assert_eq!((budget.sent(), budget.refused()), (2, 1));
        assert_eq!(budget.remaining(), Some(0));
        let unlimited = Budget::unlimited();
        assert!((0..1000).all(|_| unlimited.try_take()));
        assert_eq!((unlimited.sent(), unlimited.remaining()), (1000, None));
    }
}
