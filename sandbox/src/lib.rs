//! A local, stateful stand-in for TheOpenMoney's staging API that keeps the whole contract:
//! all 17 operations with the spec's envelopes and errors, several partners with their own
//! orders, balances and rate limits, `Idempotency-Key` replay, order lifecycles, and state in
//! SQLite that survives `kill -9`. See `README.md` for the control surface, the recipient rules
//! and the prices.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = theopenmoney_sandbox::Sandbox::builder().start().await?;
//! println!("{} {}", sandbox.base_url(), sandbox.key("alpha").unwrap());
//! sandbox.shutdown().await?;
//! # Ok(()) }
//! ```

mod addresses;
mod auth;
mod body;
pub mod cli;
mod clock;
mod config;
mod control;
mod errors;
mod handlers;
mod idempotency;
mod pricing;
mod query;
mod rate_limit;
mod recipients;
mod routes;
mod server;
mod state;
mod store;
mod validation;
mod views;

pub use config::{Database, GENEROUS_RATE_LIMIT, Partner, Pricing, RateLimit};
pub use server::{Sandbox, SandboxBuilder, SandboxHandle, StartError};
