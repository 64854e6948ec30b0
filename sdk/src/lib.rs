#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

// Lets generated code name this crate as `::theopenmoney` from inside it and from the mocks.
extern crate self as theopenmoney;

/// progenitor's raw client and the API's types, generated from `openapi/theopenmoney.yaml` by
/// `cargo xtask codegen`. Never edited by hand. The types are public as [`types`]; the raw
/// client only through [`Client::generated`].
#[rustfmt::skip]
#[allow(missing_docs, missing_debug_implementations, unused_imports, unreachable_pub, clippy::all, rust_2018_idioms)]
mod generated;

/// The partner-facing methods on [`Client`], their inputs, streams and waiters, generated from
/// the spec by `cargo xtask codegen`. Never edited by hand.
#[rustfmt::skip]
#[allow(clippy::all, rust_2018_idioms)]
mod generated_api;

mod auth;
mod base_url;
mod body_limit;
mod client;
mod enums;
mod envelope;
mod error;
mod excerpt;
mod hooks;
mod idempotency;
mod idempotency_key;
mod ids;
mod input;
#[cfg(feature = "schemars")]
mod json_schema;
mod money;
mod open_enum;
mod pagination;
mod pattern;
mod payment_link;
mod random;
mod response_head;
mod retry;
mod retryability;
mod waiter;

pub use client::{API_KEY_ENV, BASE_URL_ENV, Client, ClientBuilder, DEFAULT_BASE_URL};
pub use enums::{
    ErrorCode, OrderStatus, OrderType, PaymentCurrency, PaymentMethod, TransactionKind,
};
pub use envelope::{Envelope, Success};
pub use error::{ApiError, Error, ErrorKind};
pub use generated::types;
pub use generated_api::inputs::*;
pub use idempotency::Idempotent;
pub use idempotency_key::IdempotencyKey;
pub use ids::{OrderId, PremiumMonths};
pub use money::{Decimal, Percent, TonAmount, UsdAmount};
pub use pagination::PageRequest;
pub use retry::RetryPolicy;
pub use waiter::{WaitError, WaitOptions};
