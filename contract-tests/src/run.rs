//! What one run of the suite shares across its clauses and proxies: the coverage, the request
//! budget, and the orders it created (cancelled at the end of a live run).

use std::sync::Mutex;
use std::time::Instant;

use http::HeaderValue;

use crate::budget::Budget;
use crate::coverage::Coverage;

/// An order the run created, with the `Authorization` it was created under.
#[derive(Debug, Clone)]
pub struct CreatedOrder {
    /// The sensitive `Authorization` header value (never printed: `http` redacts it).
    pub authorization: HeaderValue,
    /// The order id.
    pub id: u64,
}

/// State shared by everything in one run.
#[derive(Debug)]
pub struct RunState {
    /// `mock` or `live`.
    pub mode: &'static str,
    /// What was exercised.
    pub coverage: Coverage,
    /// The request budget.
    pub budget: Budget,
    /// A tag unique to this run, the prefix of every `client_reference` it sends.
    pub tag: String,
    /// When the run started.
    pub started: Instant,
    created: Mutex<Vec<CreatedOrder>>,
}

impl RunState {
    /// A fresh run.
    pub fn new(mode: &'static str, budget: Budget) -> Self {
        let id = uuid::Uuid::new_v4().simple().to_string();
        Self {
            mode,
            coverage: Coverage::default(),
            budget,
            tag: format!("ct-{}", &id[..12]),
            started: Instant::now(),
            created: Mutex::new(Vec::new()),
        }
    }

    /// Remembers an order the run created.
    pub fn created(&self, order: CreatedOrder) {
        let mut created = self.created.lock().unwrap_or_else(|e| e.into_inner());
        if !created.iter().any(|o| o.id == order.id) {
            created.push(order);
        }
    }

    /// Takes the orders created so far, for the final cleanup.
    pub fn take_created(&self) -> Vec<CreatedOrder> {
        std::mem::take(&mut *self.created.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// A `client_reference` unique to this run: the run tag plus `suffix`.
    pub fn reference(&self, suffix: &str) -> String {
        format!("{}-{suffix}", self.tag)
    }
}
