//! What an attempt saw of a response's head, recorded before the generated code decodes the
//! body: progenitor drops the status when a body does not decode (an HTML 502 from a proxy),
//! and the error mapping still needs it.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The status and `Retry-After` of one response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ResponseMeta {
    pub(crate) status: StatusCode,
    pub(crate) retry_after: Option<Duration>,
}

/// `Retry-After` in delta-seconds (the API's form; an HTTP date is ignored).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}
