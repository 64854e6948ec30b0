//! Contract suite for TheOpenMoney partner API. It uses the sdk only as an outside user would.
//!
//! One suite, two modes (see `README.md`): mock mode checks the client side against the
//! generated httpmock helpers; live mode checks a server at `CONTRACT_BASE_URL`. Both run the
//! same harness (`tests/contract.rs`), whose clauses live in [`clauses`].

pub mod budget;
mod case_log;
pub mod clauses;
pub mod config;
mod coverage;
mod declared_headers;
mod envelope;
pub mod failure;
mod fixtures;
pub mod harness;
pub mod intercept;
pub mod live;
mod meaning_breaks;
mod mock_server;
mod model;
mod notes;
mod property;
pub mod proxy;
mod redact;
mod report;
pub mod respell;
pub mod rewrite;
pub mod run;
pub mod runtime;
mod schema;
mod sdk_client;
mod skips;
mod spec;
mod strategies;
