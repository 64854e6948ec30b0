//! The workspace's loopback HTTP/1.1 proxy for tests (`publish = false`).
//!
//! A [`Proxy`] listens on `127.0.0.1`, reads each request whole and asks its [`Handler`] for a
//! [`Verdict`]: forward it, answer it, drop or stall the connection, or forward it and then drop,
//! delay or cut off (TCP reset mid-body) the server's answer. Forwards run in tasks of their
//! own, so the server finishes a request even when its client is gone, and
//! [`Proxy::shutdown`] waits for them. Two clients: the chaos proof's seeded fault plan
//! (`chaos`) and the contract suite's recording, budgeted proxy with its interceptors
//! (`contract-tests`).
//!
//! Credentials never show in `Debug`: every header map the proxy keeps or hands to its handler
//! has `Authorization`, `Proxy-Authorization`, `Cookie` and `Set-Cookie` marked sensitive, and
//! [`ProxiedRequest`] and [`ProxiedResponse`] redact them even unmarked.

mod downstream;
mod exchange;
mod headers;
mod message;
mod proxy;
pub mod testing;
mod upstream;
mod verdict;

pub use self::message::{ProxiedRequest, ProxiedResponse, is_credential, mark_credentials};
pub use self::proxy::{Proxy, WireOptions};
pub use self::verdict::{Handler, Verdict};
