#![doc = include_str!("../README.md")]

mod addresses;
mod auth;
mod body;
pub mod cli;
mod clock;
mod config;
mod control;
mod error_reply;
mod handlers;
mod idempotency;
mod pricing;
mod query;
mod rate_limit;
mod recipients;
mod request_feed;
mod request_recording;
mod routes;
mod server;
mod state;
mod store;
mod validation;
mod views;
mod web;

pub use config::{Database, GENEROUS_RATE_LIMIT, Partner, RateLimit};
pub use pricing::Pricing;
pub use server::{DatabaseError, Sandbox, SandboxBuilder, SandboxHandle, StartError};
