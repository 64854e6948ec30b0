//! What every handler shares.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::config::{Config, Partner};
use crate::idempotency::InFlight;
use crate::pricing::PriceList;
use crate::rate_limit::KeyLimiter;
use crate::store::Store;

/// A partner as the running server knows it. Holds no key: requests find it by key through
/// [`AppState::partner_by_key`].
#[derive(Debug)]
pub(crate) struct PartnerState {
    pub(crate) name: String,
    pub(crate) top_up_address: String,
    pub(crate) limiter: KeyLimiter,
}

/// The server's shared state.
pub(crate) struct AppState {
    pub(crate) store: Store,
    pub(crate) prices: PriceList,
    /// When the configured rate took effect (the server's start), Unix ms.
    pub(crate) rate_updated_at_ms: i64,
    pub(crate) in_flight: Arc<InFlight>,
    pub(crate) order_ttl: Duration,
    pub(crate) idempotency_ttl: Duration,
    pub(crate) payment_address: String,
    pub(crate) body_limit_bytes: usize,
    /// Extra time creates and cancels take while holding their `Idempotency-Key`, set through
    /// the control surface to make `409 IDEMPOTENCY_IN_PROGRESS` and client timeouts testable.
    processing_delay_ms: AtomicU64,
    by_key: HashMap<String, Arc<PartnerState>>,
    by_name: HashMap<String, Arc<PartnerState>>,
}

impl AppState {
    pub(crate) fn new(config: &Config, store: Store, now_ms: i64) -> Self {
        let mut by_key = HashMap::new();
        let mut by_name = HashMap::new();
        for partner in &config.partners {
            let state = Arc::new(partner_state(partner));
            by_key.insert(partner.key.clone(), Arc::clone(&state));
            by_name.insert(partner.name.clone(), state);
        }
        Self {
            store,
            prices: PriceList::new(config.pricing.clone()),
            rate_updated_at_ms: now_ms,
            in_flight: Arc::new(InFlight::default()),
            order_ttl: config.order_ttl,
            idempotency_ttl: config.idempotency_ttl,
            payment_address: crate::addresses::payment_address(),
            body_limit_bytes: config.body_limit_bytes,
            processing_delay_ms: AtomicU64::new(0),
            by_key,
            by_name,
        }
    }

    /// The partner whose key this is.
    pub(crate) fn partner_by_key(&self, key: &str) -> Option<&Arc<PartnerState>> {
        self.by_key.get(key)
    }

    /// The partner of this name.
    pub(crate) fn partner_by_name(&self, name: &str) -> Option<&Arc<PartnerState>> {
        self.by_name.get(name)
    }

    /// Every partner.
    pub(crate) fn partners(&self) -> impl Iterator<Item = &Arc<PartnerState>> {
        self.by_name.values()
    }

    /// Waits the configured processing delay, if any.
    pub(crate) async fn processing_delay(&self) {
        let millis = self.processing_delay_ms.load(Ordering::Relaxed);
        if millis > 0 {
            tokio::time::sleep(Duration::from_millis(millis)).await;
        }
    }

    pub(crate) fn set_processing_delay(&self, delay: Duration) {
        let millis = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self.processing_delay_ms.store(millis, Ordering::Relaxed);
    }
}

fn partner_state(partner: &Partner) -> PartnerState {
    PartnerState {
        name: partner.name.clone(),
        top_up_address: partner.top_up_address(),
        limiter: KeyLimiter::new(partner.rate_limit),
    }
}
