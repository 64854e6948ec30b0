//! The sandbox over HTTP, started in-process on an ephemeral port (and, for durability, as a
//! child process that is killed with SIGKILL).

mod support;

mod durability;
mod error_replies;
mod idempotency;
mod lifecycle;
mod pages;
mod partners;
mod waiters;
