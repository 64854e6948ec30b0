//! What one run of the suite shares across its clauses and proxies: the coverage, the request
//! budget, the orders it created (cancelled at the end of a live run), the seed of its
//! generated cases and what they were, and the notes for its summary.

use std::sync::Mutex;
use std::time::Instant;

use http::HeaderValue;

use crate::budget::Budget;
use crate::case_log::CaseLog;
use crate::coverage::Coverage;
use crate::notes::Notes;

/// An order the run created, with the `Authorization` it was created under.
#[derive(Debug, Clone)]
pub(crate) struct CreatedOrder {
    /// The sensitive `Authorization` header value (never printed: `http` redacts it).
    pub(crate) authorization: HeaderValue,
    pub(crate) id: u64,
}

/// State shared by everything in one run.
#[derive(Debug)]
pub struct RunState {
    /// What was exercised.
    pub(crate) coverage: Coverage,
    pub(crate) budget: Budget,
    /// A tag unique to this run, the prefix of every `client_reference` it sends.
    pub(crate) tag: String,
    /// When the run started.
    pub(crate) started: Instant,
    /// The seed of every generated case (`CONTRACT_SEED` replays it).
    pub(crate) seed: u64,
    /// What is worth a look but is not contract (free text).
    pub notes: Notes,
    created: Mutex<Vec<CreatedOrder>>,
    cases: Mutex<Vec<CaseLog>>,
}

impl RunState {
    /// A fresh run with a fresh seed.
    pub fn new(budget: Budget) -> Self {
        let id = uuid::Uuid::new_v4().simple().to_string();
        Self {
            coverage: Coverage::default(),
            budget,
            tag: format!("ct-{}", &id[..12]),
            started: Instant::now(),
            seed: crate::config::fresh_seed(),
            notes: Notes::default(),
            created: Mutex::new(Vec::new()),
            cases: Mutex::new(Vec::new()),
        }
    }

    /// The run generating its cases from `seed`.
    #[must_use]
    pub(crate) fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Remembers an order the run created.
    pub(crate) fn created(&self, order: CreatedOrder) {
        let mut created = self.created.lock().unwrap_or_else(|e| e.into_inner());
        if !created.iter().any(|o| o.id == order.id) {
            created.push(order);
        }
    }

    /// Takes the orders created so far, for the final cleanup.
    pub(crate) fn take_created(&self) -> Vec<CreatedOrder> {
        std::mem::take(&mut *self.created.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// A `client_reference` unique to this run: the run tag plus `suffix`.
    pub(crate) fn reference(&self, suffix: &str) -> String {
        format!("{}-{suffix}", self.tag)
    }

    /// `text` with this run's tag replaced by `<run>`: what a replay under another tag shares.
    pub(crate) fn untagged(&self, text: &str) -> String {
        text.replace(&self.tag, "<run>")
    }

    /// Remembers what a property generated.
    pub(crate) fn record_cases(&self, log: CaseLog) {
        self.cases
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(log);
    }

    /// What every property of the run generated, by name.
    pub(crate) fn cases(&self) -> Vec<CaseLog> {
        let mut cases = self.cases.lock().unwrap_or_else(|e| e.into_inner()).clone();
        cases.sort_by(|a, b| a.property.cmp(&b.property));
        cases
    }
}
