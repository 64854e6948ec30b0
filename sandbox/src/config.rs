//! What a sandbox is started with: where it stores its state, its partners and their limits,
//! its prices and its timings.

use std::fmt;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

use theopenmoney::{Decimal, TonAmount};

use crate::pricing::Pricing;

/// Where the sandbox keeps its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// Gone when the sandbox stops: for tests.
    InMemory,
    /// A SQLite file (WAL mode), created when missing; survives `kill -9` and restarts.
    File(PathBuf),
}

/// How many requests a partner key may make per period. The whole allowance is available as a
/// burst and refills evenly over the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per `period`.
    pub requests: NonZeroU32,
    /// The period.
    pub period: Duration,
}

impl RateLimit {
    /// `requests` per second.
    pub const fn per_second(requests: NonZeroU32) -> Self {
        Self {
            requests,
            period: Duration::from_secs(1),
        }
    }

    /// `requests` per minute.
    pub const fn per_minute(requests: NonZeroU32) -> Self {
        Self {
            requests,
            period: Duration::from_secs(60),
        }
    }
}

/// A partner: one bearer key, its own orders, balance, top-up address and rate limit.
#[derive(Clone, PartialEq, Eq)]
pub struct Partner {
    /// Short name, shown on the control surface (`alpha`).
    pub name: String,
    /// The bearer key (`osk_…`).
    pub key: String,
    /// The balance the partner starts with when the database first sees it (a `top_up`).
    pub initial_balance: TonAmount,
    /// The partner's rate limit.
    pub rate_limit: RateLimit,
}

impl Partner {
    /// A partner with a zero balance and the generous default rate limit.
    pub fn new(name: impl Into<String>, key: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            key: key.into(),
            initial_balance: TonAmount::ZERO,
            rate_limit: GENEROUS_RATE_LIMIT,
        }
    }

    /// Sets the starting balance.
    #[must_use]
    pub fn initial_balance(mut self, balance: TonAmount) -> Self {
        self.initial_balance = balance;
        self
    }

    /// Sets the rate limit.
    #[must_use]
    pub fn rate_limit(mut self, rate_limit: RateLimit) -> Self {
        self.rate_limit = rate_limit;
        self
    }

    /// The partner's TON top-up address: fixed per partner name, shaped like a user-friendly
    /// TON address (48 base64url characters starting with `UQ`).
    pub fn top_up_address(&self) -> String {
        crate::addresses::address_for(&format!("top-up/{}", self.name))
    }

    /// The sandbox's default partners: `alpha` (large balance), `beta` (10 TON, so a big
    /// `balance` order is refused) and `throttled` (3 requests a minute, for `429`s).
    pub fn defaults() -> Vec<Self> {
        vec![
            Self::new("alpha", "osk_sandbox_alpha")
                .initial_balance(TonAmount::new(Decimal::from(1_000_000))),
            Self::new("beta", "osk_sandbox_beta").initial_balance(TonAmount::new(Decimal::TEN)),
            Self::new("throttled", "osk_sandbox_throttled")
                .initial_balance(TonAmount::new(Decimal::TEN))
                .rate_limit(RateLimit::per_minute(nonzero(3))),
        ]
    }
}

/// Keys are secrets: `Debug` shows only their first characters.
impl fmt::Debug for Partner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Partner")
            .field("name", &self.name)
            .field("key", &redacted(&self.key))
            .field("initial_balance", &self.initial_balance)
            .field("rate_limit", &self.rate_limit)
            .finish()
    }
}

/// `osk_…` with the rest of the key hidden.
pub(crate) fn redacted(key: &str) -> String {
    let shown: String = key.chars().take(4).collect();
    format!("{shown}…(redacted)")
}

/// The rate limit of partners that should never see a `429` in tests or load runs.
pub const GENEROUS_RATE_LIMIT: RateLimit = RateLimit::per_second(nonzero(100_000));

const fn nonzero(n: u32) -> NonZeroU32 {
    match NonZeroU32::new(n) {
        Some(n) => n,
        None => panic!("zero"),
    }
}

/// Everything a running sandbox needs; built by [`crate::SandboxBuilder`].
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) database: Database,
    pub(crate) order_ttl: Duration,
    pub(crate) idempotency_ttl: Duration,
    pub(crate) control_api: bool,
    pub(crate) partners: Vec<Partner>,
    pub(crate) pricing: Pricing,
    pub(crate) body_limit_bytes: usize,
}

/// Largest request body accepted.
pub(crate) const DEFAULT_BODY_LIMIT_BYTES: usize = 64 * 1024;
/// How long an unpaid order stays `pending_payment`.
pub(crate) const DEFAULT_ORDER_TTL: Duration = Duration::from_secs(15 * 60);
/// How long an `Idempotency-Key` is honoured.
pub(crate) const DEFAULT_IDEMPOTENCY_TTL: Duration = Duration::from_secs(24 * 60 * 60);

impl Config {
    /// Checks what types cannot: unique names and keys, positive rate and prices, a price for
    /// every Premium duration.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.partners.is_empty() {
            return Err("at least one partner is needed".to_owned());
        }
        for (i, partner) in self.partners.iter().enumerate() {
            if partner.name.is_empty() || partner.key.is_empty() {
                return Err("partner names and keys must not be empty".to_owned());
            }
            if self.partners[..i].iter().any(|p| p.name == partner.name) {
                return Err(format!("partner name {:?} is used twice", partner.name));
            }
            if self.partners[..i].iter().any(|p| p.key == partner.key) {
                return Err(format!(
                    "partner {:?} reuses another partner's key",
                    partner.name
                ));
            }
            if partner.initial_balance < TonAmount::ZERO {
                return Err(format!("partner {:?} has a negative balance", partner.name));
            }
        }
        self.pricing.validate()?;
        if self.order_ttl.is_zero() {
            return Err("the order TTL must be positive".to_owned());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_key() {
        let shown = format!("{:?}", Partner::defaults());
        assert!(!shown.contains("osk_sandbox_alpha"), "{shown}");
        assert!(shown.contains("alpha"), "{shown}");
    }

    #[test]
    fn top_up_addresses_differ_per_partner() {
        let [a, b, c] = <[Partner; 3]>::try_from(Partner::defaults()).unwrap();
        assert_ne!(a.top_up_address(), b.top_up_address());
        assert_ne!(b.top_up_address(), c.top_up_address());
        assert_eq!(a.top_up_address(), a.clone().top_up_address());
    }
}
