//! Which failures are worth another attempt, and what a retry costs from the budget. The call
//! loop's decision (`retry::decide`) and [`Error::is_retryable`] both read it.

use std::time::Duration;

use reqwest::StatusCode;

use crate::enums::ErrorCode;
use crate::error::{Error, ErrorKind};

/// Whether a failure is worth another attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retryability {
    /// Retrying cannot help (401, 404, 422, a state conflict, bad input, a bad success body,
    /// a response over the size limit, pages that contradict each other).
    Permanent,
    /// It may succeed next time.
    Transient {
        /// The server's `Retry-After`.
        retry_after: Option<Duration>,
        /// Tokens this retry costs from the budget.
        cost: u32,
    },
}

impl Retryability {
    /// Whether a retry may help.
    pub(crate) fn is_retryable(self) -> bool {
        matches!(self, Self::Transient { .. })
    }
}

/// Tokens a retry costs; timeouts cost more, as in AWS's standard mode.
const RETRY_COST: u32 = 5;
const TIMEOUT_RETRY_COST: u32 = 10;

/// Classifies an error.
pub(crate) fn classify(error: &Error) -> Retryability {
    let transient = |retry_after| Retryability::Transient {
        retry_after,
        cost: RETRY_COST,
    };
    match error.kind() {
        ErrorKind::Transport { source, .. } if source.is_builder() || source.is_redirect() => {
            Retryability::Permanent
        }
        ErrorKind::Transport { source, .. } => Retryability::Transient {
            retry_after: None,
            cost: if source.is_timeout() {
                TIMEOUT_RETRY_COST
            } else {
                RETRY_COST
            },
        },
        ErrorKind::DeadlineExceeded { .. } => Retryability::Transient {
            retry_after: None,
            cost: TIMEOUT_RETRY_COST,
        },
        ErrorKind::Api(api) if api.code == ErrorCode::IdempotencyInProgress => {
            transient(api.retry_after)
        }
        ErrorKind::Api(api) if is_transient_status(api.status) => transient(api.retry_after),
        ErrorKind::Decode {
            status: Some(status),
            retry_after,
            ..
        } if is_transient_status(*status) => transient(*retry_after),
        ErrorKind::UnexpectedStatus {
            status,
            retry_after,
            ..
        } if is_transient_status(*status) => transient(*retry_after),
        _ => Retryability::Permanent,
    }
}

/// 408, 429, 500, 502, 503, 504: the request may succeed later. 409 is a state conflict unless
/// its code says the same key is in flight (handled above).
fn is_transient_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

impl Error {
    /// Whether trying the same call again (with the same `Idempotency-Key`) may succeed.
    pub fn is_retryable(&self) -> bool {
        classify(self).is_retryable()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;

    fn api(status: u16, code: &str) -> Error {
        Error::new(ErrorKind::Api(ApiError {
            status: StatusCode::from_u16(status).unwrap(),
            code: ErrorCode::from(code),
            message: "m".into(),
            retry_after: None,
        }))
    }

    #[test]
    fn retries_transient_statuses_and_in_progress_only() {
        for (status, code) in [
            (429, "RATE_LIMITED"),
            (409, "IDEMPOTENCY_IN_PROGRESS"),
            (500, "INTERNAL_ERROR"),
            (502, "BAD_GATEWAY"),
            (503, "X"),
            (504, "X"),
        ] {
            assert!(
                classify(&api(status, code)).is_retryable(),
                "{status} {code}"
            );
        }
        for (status, code) in [
            (401, "UNAUTHORIZED"),
            (404, "NOT_FOUND"),
            (409, "ORDER_NOT_CANCELLABLE"),
            (409, "INSUFFICIENT_BALANCE"),
            (422, "VALIDATION_ERROR"),
            (422, "IDEMPOTENCY_KEY_REUSED"),
            (400, "X"),
        ] {
            assert!(
                !classify(&api(status, code)).is_retryable(),
                "{status} {code}"
            );
        }
    }

    #[test]
    fn undecodable_502_is_still_retryable_but_bad_success_body_is_not() {
        let body_error = serde_json::from_str::<u8>("<html>").unwrap_err();
        let html_502 = Error::new(ErrorKind::Decode {
            status: Some(StatusCode::BAD_GATEWAY),
            retry_after: None,
            body: "<html>".into(),
            body_len: 6,
            source: body_error,
        });
        assert!(classify(&html_502).is_retryable());
        let bad_200 = Error::new(ErrorKind::Decode {
            status: Some(StatusCode::OK),
            retry_after: None,
            body: "{}".into(),
            body_len: 2,
            source: serde_json::from_str::<u8>("{}").unwrap_err(),
        });
        assert!(!classify(&bad_200).is_retryable());
        let too_large = Error::new(ErrorKind::ResponseTooLarge {
            status: Some(StatusCode::BAD_GATEWAY),
            limit: 1024,
            content_length: None,
        });
        assert!(!classify(&too_large).is_retryable());
        let deadline = Error::new(ErrorKind::DeadlineExceeded {
            status: None,
            deadline: Duration::from_secs(8),
        });
        assert_eq!(
            classify(&deadline),
            Retryability::Transient {
                retry_after: None,
                cost: TIMEOUT_RETRY_COST
            }
        );
        assert!(!classify(&Error::inconsistent_page(100, "x")).is_retryable());
        assert!(!classify(&Error::invalid_input("quantity", "x")).is_retryable());
    }
}
