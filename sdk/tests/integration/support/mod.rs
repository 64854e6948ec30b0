//! Shared fixtures for the sdk's integration tests.

pub mod hostile_server;
pub mod log_capture;
pub mod scripted_server;

use std::time::Duration;

use theopenmoney::{Client, RetryPolicy};

pub const API_KEY: &str = "osk_test_s3cr3t_DO_NOT_LEAK_4242";

/// The documented example order, with `status` and `price_ton` as given.
pub fn order_json(status: &str, price_ton: &str) -> String {
    format!(
        r#"{{"id":10421,"status":"{status}","order_type":"stars","stars_amount":100,"recipient_username":"pandus","price_ton":{price_ton},"payment_address":"UQBFJTkJ5hZdH7i6rWQTnm43zn6h2dPBV9lFZ2e98WvWABy_","payment_memo":"STARS-a1b2c3","expires_at":"2026-04-16T12:15:00Z","created_at":"2026-04-16T12:00:00Z"}}"#
    )
}

pub fn envelope(data: &str) -> String {
    format!(r#"{{"ok":true,"data":{data}}}"#)
}

/// Fast retries so tests do not sleep long; the decision logic is the default one.
pub fn fast_policy() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(4)
        .base_delay(Duration::from_millis(5))
        .max_delay(Duration::from_millis(20))
        .max_retry_after(Duration::from_secs(5))
        .deadline(Some(Duration::from_secs(20)))
}

/// A client with a generous per-attempt timeout, so a loaded machine does not add retries.
pub fn client(base_url: &str) -> Client {
    client_with_timeout(base_url, Duration::from_secs(10))
}

pub fn client_with_timeout(base_url: &str, timeout: Duration) -> Client {
    Client::builder(API_KEY)
        .base_url(base_url)
        .retry_policy(fast_policy())
        .timeout(timeout)
        .build()
        .unwrap()
}
