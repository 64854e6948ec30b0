//! What every handler shares.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use crate::config::{Config, Partner};
use crate::idempotency::InFlight;
use crate::pricing::PriceList;
use crate::rate_limit::KeyLimiter;
use crate::request_feed::RequestFeed;
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
    /// `http://ADDR`, what the server listens on.
    pub(crate) base_url: String,
    /// Whether the control surface and the console are served.
    pub(crate) control_api: bool,
    /// `(name, key)` of every partner, in the configured order: the test keys `/docs` offers.
    offered_keys: Vec<(String, String)>,
    /// Recent API requests, for the console.
    pub(crate) feed: RequestFeed,
    /// Extra time creates and cancels take while holding their `Idempotency-Key`, set through
    /// the control surface to make `409 IDEMPOTENCY_IN_PROGRESS` and client timeouts testable.
    /// Requests already waiting follow a change (so setting `0` releases them).
    processing_delay: watch::Sender<Duration>,
    by_key: HashMap<String, Arc<PartnerState>>,
    by_name: HashMap<String, Arc<PartnerState>>,
}

impl AppState {
    pub(crate) fn new(config: &Config, store: Store, now_ms: i64, base_url: String) -> Self {
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
            base_url,
            control_api: config.control_api,
            offered_keys: config
                .partners
                .iter()
                .map(|partner| (partner.name.clone(), partner.key.clone()))
                .collect(),
            feed: RequestFeed::default(),
            processing_delay: watch::Sender::new(Duration::ZERO),
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

    /// `(name, key)` of every partner, in the configured order.
    pub(crate) fn partner_keys(&self) -> impl Iterator<Item = (&str, &str)> {
        self.offered_keys
            .iter()
            .map(|(name, key)| (name.as_str(), key.as_str()))
    }

    /// Every partner.
    pub(crate) fn partners(&self) -> impl Iterator<Item = &Arc<PartnerState>> {
        self.by_name.values()
    }

    /// Waits the configured processing delay, if any, counted from the call: until `delay`
    /// after it, where `delay` is whatever is configured meanwhile (a shorter delay set while
    /// waiting ends the wait sooner, `0` at once).
    pub(crate) async fn processing_delay(&self) {
        let started = Instant::now();
        let mut delay = self.processing_delay.subscribe();
        loop {
            let wait = *delay.borrow_and_update();
            if wait.is_zero() {
                return;
            }
            tokio::select! {
                () = tokio::time::sleep_until(started + wait) => return,
                changed = delay.changed() => {
                    if changed.is_err() {
                        return;
                    }
                }
            }
        }
    }

    /// The processing delay now.
    pub(crate) fn current_processing_delay(&self) -> Duration {
        *self.processing_delay.borrow()
    }

    pub(crate) fn set_processing_delay(&self, delay: Duration) {
        self.processing_delay.send_replace(delay);
    }
}

fn partner_state(partner: &Partner) -> PartnerState {
    PartnerState {
        name: partner.name.clone(),
        top_up_address: partner.top_up_address(),
        limiter: KeyLimiter::new(partner.rate_limit),
    }
}
