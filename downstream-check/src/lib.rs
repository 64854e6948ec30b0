//! A partner's own code: JSON of its own, parsed with serde_json, next to the sdk's types.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use theopenmoney::TonAmount;

/// A sensor reading whose measurements arrive as extra top-level fields.
#[derive(Debug, Deserialize)]
pub struct Reading {
    pub id: String,
    #[serde(flatten)]
    pub measurements: HashMap<String, f64>,
}

/// A setting that is either a number or a word.
#[derive(Debug, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Setting {
    Number(f64),
    Word(String),
}

/// A partner's invoice line priced by the sdk's exact TON amount.
#[derive(Debug, Serialize, Deserialize)]
pub struct InvoiceLine {
    pub sku: String,
    pub price_ton: TonAmount,
}
