//! Typed [httpmock] helpers for the TheOpenMoney partner API, generated from its OpenAPI spec by
//! `cargo xtask codegen`: [`MockServerExt`] adds one method per operation to
//! [`httpmock::MockServer`]. Each takes a closure over that operation's `When` (its method and
//! path are already matched; add its parameters, body or `Idempotency-Key`) and `Then` (answer
//! with a status the spec documents, e.g. `ok`, `too_many_requests`, `server_error`). Anything
//! else is still possible through `into_inner()`.
//!
//! A partner's own unit test of code that creates an order and handles a `429`:
//!
//! ```
//! use httpmock::MockServer;
//! use theopenmoney::{Client, Error, ErrorCode, NewStarsOrder};
//! use theopenmoney_mock::{MockServerExt, error_envelope};
//!
//! /// The partner's code under test: buy Stars for a user, or ask them to come back later.
//! async fn buy_stars(client: &Client, user: &str) -> Result<String, Error> {
//!     let order = NewStarsOrder::new(user, 100)?;
//!     match client.create_stars_order(order).await {
//!         Ok(created) => Ok(format!("pay {} TON", created.value.price_ton)),
//!         Err(e) if e.code() == Some(&ErrorCode::RateLimited) => Ok("busy, try later".into()),
//!         Err(e) => Err(e),
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let server = MockServer::start_async().await;
//! let limited = server.create_stars_order(|when, then| {
//!     when.into_inner().body_includes("pandus");
//!     // Longer than the sdk's default `max_retry_after`: the client gives up at once.
//!     then.too_many_requests(&error_envelope(ErrorCode::RateLimited, "slow down"))
//!         .into_inner()
//!         .header("retry-after", "60");
//! });
//! let client = Client::builder("osk_test").base_url(server.base_url()).build().unwrap();
//!
//! assert_eq!(buy_stars(&client, "pandus").await.unwrap(), "busy, try later");
//! limited.assert_calls(1);
//! # }
//! ```

#[rustfmt::skip]
#[allow(missing_docs, missing_debug_implementations, unreachable_pub, clippy::all, rust_2018_idioms)]
mod generated;

pub use generated::*;

use theopenmoney::ErrorCode;
use theopenmoney::types::ErrorEnvelope;

/// The error envelope `{"ok": false, "error_code": code, "error_message": message, "data": null}`,
/// for `then.too_many_requests(…)`, `then.not_found(…)` and the other error answers.
///
/// # Panics
///
/// If `message` is empty (the spec requires a message).
pub fn error_envelope(code: ErrorCode, message: &str) -> ErrorEnvelope {
    ErrorEnvelope {
        data: (),
        error_code: code,
        error_message: message.parse().expect("an error message must not be empty"),
        ok: false,
    }
}
