//! Contract suite for TheOpenMoney partner API. It uses the sdk only as an outside user would.
//!
//! One suite, two modes (see `README.md`): mock mode checks the client side against the
//! generated httpmock helpers; live mode checks a server at `CONTRACT_BASE_URL`. Both run the
//! same harness (`tests/contract.rs`), whose clauses live in [`clauses`].

/// Typed httpmock helpers generated from `openapi/theopenmoney.yaml` by `cargo xtask codegen`.
#[rustfmt::skip]
#[allow(missing_docs, missing_debug_implementations, unused_imports, clippy::all, rust_2018_idioms)]

pub mod budget;
mod case_log;
pub mod clauses;
pub mod config;
pub mod coverage;
pub mod envelope;
pub mod failure;
pub mod fixtures;
pub mod harness;
pub mod intercept;
pub mod live;
pub mod mock_server;
pub mod model;
pub mod notes;
pub mod property;
pub mod proxy;
pub mod redact;
pub mod report;
pub mod rewrite;
pub mod run;
pub mod runtime;
pub mod schema;
pub mod sdk_client;
pub mod skips;
pub mod spec;
pub mod strategies;
