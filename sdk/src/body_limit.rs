//! The cap on bytes read from a response. Every attempt's response passes through `limit`
//! (from the generated client's `exec` hook) before the generated code reads its body, so the
//! success and error paths alike stop at the limit instead of letting a server decide how much
//! of the caller's memory a call takes.

use std::fmt;

use bytes::Bytes;
use futures_util::{StreamExt, stream};
use reqwest::ResponseBuilderExt;

/// Default of `ClientBuilder::max_response_bytes`: about 100 times a page of 100 orders.
pub(crate) const DEFAULT_MAX_RESPONSE_BYTES: u64 = 4 * 1024 * 1024;

/// The cause a capped body fails with; `Error::from_generated` finds it in the `reqwest::Error`
/// chain and maps it to `ErrorKind::ResponseTooLarge`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ResponseTooLarge {
    pub(crate) limit: u64,
    /// The declared `Content-Length`, when that alone refused the body.
    pub(crate) content_length: Option<u64>,
}

impl fmt::Display for ResponseTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.content_length {
            Some(length) => write!(
                f,
                "Content-Length {length} exceeds the limit of {} bytes",
                self.limit
            ),
            None => write!(f, "response body exceeds the limit of {} bytes", self.limit),
        }
    }
}

impl std::error::Error for ResponseTooLarge {}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// `response` with a body that fails once more than `limit` bytes arrive. A `Content-Length`
/// over the limit fails it before a byte is read (and the connection is dropped with it); one
/// within the limit needs no wrapper, as hyper reads no more than the declared length.
pub(crate) fn limit(mut response: reqwest::Response, limit: u64) -> reqwest::Response {
    let declared = response.content_length();
    if declared.is_some_and(|length| length <= limit) {
        return response;
    }
    let mut head = http::Response::builder()
        .status(response.status())
        .version(response.version())
        .url(response.url().clone());
    if let Some(headers) = head.headers_mut() {
        *headers = std::mem::take(response.headers_mut());
    }
    let body = match declared {
        Some(length) => {
            drop(response);
            let refused = ResponseTooLarge {
                limit,
                content_length: Some(length),
            };
            reqwest::Body::wrap_stream(stream::once(async move {
                Err::<Bytes, BoxError>(refused.into())
            }))
        }
        None => {
            let body = Box::pin(response.bytes_stream());
            // The body is dropped (and its connection with it) at the first error or excess.
            reqwest::Body::wrap_stream(stream::unfold(
                (Some(body), 0u64),
                move |(body, read)| async move {
                    let mut body = body?;
                    match body.next().await? {
                        Err(error) => Some((Err(BoxError::from(error)), (None, read))),
                        Ok(chunk) => {
                            let read = read.saturating_add(chunk.len() as u64);
                            if read > limit {
                                let excess = ResponseTooLarge {
                                    limit,
                                    content_length: None,
                                };
                                Some((Err(excess.into()), (None, read)))
                            } else {
                                Some((Ok(chunk), (Some(body), read)))
                            }
                        }
                    }
                },
            ))
        }
    };
    let response = head
        .body(body)
        .expect("status, version and headers come from a valid response");
    reqwest::Response::from(response)
}

/// The `ResponseTooLarge` anywhere in `error`'s cause chain.
pub(crate) fn find(error: &reqwest::Error) -> Option<ResponseTooLarge> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = cause {
        if let Some(found) = error.downcast_ref::<ResponseTooLarge>() {
            return Some(*found);
        }
        cause = error.source();
    }
    None
}
