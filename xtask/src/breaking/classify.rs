//! What the classifiers share: the verdict type and, for a fact, which directions its schema
//! travels in and which operations reach it.

use std::collections::{BTreeMap, BTreeSet};

use super::delta::{Delta, Subject};
use super::document::{Document, Usage};

/// One side's verdict on one change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Impact {
    /// Whether it breaks someone who built against the base.
    pub breaking: bool,
    /// Why, in a sentence, naming what breaks.
    pub why: String,
}

impl Impact {
    /// A breaking verdict.
    pub fn breaks(why: impl Into<String>) -> Self {
        Self {
            breaking: true,
            why: why.into(),
        }
    }

    /// A compatible verdict.
    pub fn compatible(why: impl Into<String>) -> Self {
        Self {
            breaking: false,
            why: why.into(),
        }
    }
}

/// The base spec's view of who uses what: partners built against the base.
#[derive(Debug)]
pub struct Context {
    /// Component schema → the base's operations reaching it.
    pub usage: BTreeMap<String, Usage>,
}

impl Context {
    /// The context of a comparison from `base`.
    pub fn new(base: &Document) -> Self {
        Self {
            usage: base.usage(),
        }
    }

    /// Operations whose requests carry the delta's schema (callers write it).
    pub fn sent_by(&self, delta: &Delta) -> BTreeSet<String> {
        match &delta.subject {
            Subject::Schema { name, .. } => self
                .usage
                .get(name)
                .map(|u| u.requests.clone())
                .unwrap_or_default(),
            Subject::OperationSchema { op, part, .. } if part.is_request() => {
                BTreeSet::from([op.clone()])
            }
            _ => BTreeSet::new(),
        }
    }

    /// Operations whose responses carry the delta's schema (callers read it).
    pub fn returned_by(&self, delta: &Delta) -> BTreeSet<String> {
        match &delta.subject {
            Subject::Schema { name, .. } => self
                .usage
                .get(name)
                .map(|u| u.responses.clone())
                .unwrap_or_default(),
            Subject::OperationSchema { op, part, .. } if !part.is_request() => {
                BTreeSet::from([op.clone()])
            }
            _ => BTreeSet::new(),
        }
    }
}
