//! What the sandbox answers when a request fails: the API's error envelope,
//! `{"ok":false,"error_code":…,"error_message":…,"data":null}`, with its status, built by the
//! one error type every handler returns. (The sdk's `ApiError` is the other side of it: the
//! error a client received.)

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use theopenmoney::ErrorCode;
use theopenmoney::types::{ErrorEnvelope, ErrorEnvelopeErrorMessage};

/// An error answered to the client with the error envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ErrorReply {
    status: StatusCode,
    code: ErrorCode,
    message: String,
    retry_after_secs: Option<u64>,
}

impl ErrorReply {
    fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        let mut message = message.into();
        if message.is_empty() {
            // The schema says `minLength: 1`; every caller passes text, but never break that.
            message = format!("{} error", status.as_u16());
        }
        Self {
            status,
            code,
            message,
            retry_after_secs: None,
        }
    }

    /// `401 UNAUTHORIZED`.
    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized, message)
    }

    /// `404 NOT_FOUND`.
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, message)
    }

    /// `404 NOT_FOUND` for an order id this partner does not own (or nobody does).
    pub(crate) fn order_not_found(id: i64) -> Self {
        Self::not_found(format!("order {id} not found"))
    }

    /// `422 VALIDATION_ERROR`; the message names the offending field.
    pub(crate) fn validation(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::ValidationError,
            message,
        )
    }

    /// `400 VALIDATION_ERROR`: the request could not even be read.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, ErrorCode::ValidationError, message)
    }

    /// `413 VALIDATION_ERROR`.
    pub(crate) fn body_too_large(limit_bytes: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::ValidationError,
            format!("request body is larger than the {limit_bytes}-byte limit"),
        )
    }

    /// `415 VALIDATION_ERROR`.
    pub(crate) fn unsupported_media_type(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::ValidationError,
            message,
        )
    }

    /// `405 METHOD_NOT_ALLOWED` (axum adds the `Allow` header).
    pub(crate) fn method_not_allowed(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::MethodNotAllowed,
            message,
        )
    }

    /// `409 ORDER_NOT_CANCELLABLE`.
    pub(crate) fn order_not_cancellable(id: i64, status: &str) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            ErrorCode::OrderNotCancellable,
            format!(
                "order {id} is {status} and cannot be cancelled; only pending_payment orders can"
            ),
        )
    }

    /// `409` for a control-surface transition the order's status does not allow.
    pub(crate) fn invalid_transition(id: i64, status: &str, action: &str) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            ErrorCode::Unknown("INVALID_STATE".to_owned()),
            format!("order {id} is {status} and cannot be marked {action}"),
        )
    }

    /// `409 IDEMPOTENCY_IN_PROGRESS`.
    pub(crate) fn idempotency_in_progress() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            ErrorCode::IdempotencyInProgress,
            "a request with this Idempotency-Key is still being processed; retry shortly",
        )
    }

    /// `422 IDEMPOTENCY_KEY_REUSED`.
    pub(crate) fn idempotency_key_reused() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::IdempotencyKeyReused,
            "Idempotency-Key was already used with a different request (method, path or body); \
             use a new key for a new request",
        )
    }

    /// `409 INSUFFICIENT_BALANCE`.
    pub(crate) fn insufficient_balance(needed: &str, available: &str) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            ErrorCode::InsufficientBalance,
            format!(
                "payment_method balance needs {needed} TON but the balance is {available} TON; \
                 top the balance up or pay with ton_memo"
            ),
        )
    }

    /// `429 RATE_LIMITED` with `Retry-After`.
    pub(crate) fn rate_limited(retry_after_secs: u64) -> Self {
        let mut error = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::RateLimited,
            format!("rate limit exceeded for this key; retry after {retry_after_secs} s"),
        );
        error.retry_after_secs = Some(retry_after_secs);
        error
    }

    /// `500 INTERNAL_ERROR`. The cause, with every `source()` under it, goes to the log, not
    /// to the client.
    pub(crate) fn internal(cause: &(dyn std::error::Error + 'static)) -> Self {
        tracing::error!(cause = %Chain(cause), "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::InternalError,
            "internal error; safe to retry with the same Idempotency-Key",
        )
    }

    /// The HTTP status.
    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }

    /// The message, for people.
    pub(crate) fn message(&self) -> &str {
        &self.message
    }

    /// `403 FORBIDDEN`: a browser request that changes state from another site, or to a name
    /// that is not an IP address or `localhost` (DNS rebinding).
    pub(crate) fn cross_site(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, ErrorCode::from("FORBIDDEN"), message)
    }

    /// The error envelope this error is answered with.
    pub(crate) fn envelope(&self) -> ErrorEnvelope {
        ErrorEnvelope {
            data: (),
            error_code: self.code.clone(),
            error_message: ErrorEnvelopeErrorMessage::try_from(self.message.as_str())
                .expect("ErrorReply::new keeps the message non-empty"),
            ok: false,
        }
    }
}

impl IntoResponse for ErrorReply {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.envelope()).unwrap_or_else(|_| {
            br#"{"ok":false,"error_code":"INTERNAL_ERROR","error_message":"internal error","data":null}"#
                .to_vec()
        });
        let mut response = (
            self.status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response();
        if let Some(secs) = self.retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// A broken invariant of the sandbox itself (a bug, not a client mistake), for
/// [`ErrorReply::internal`].
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct Bug(pub(crate) String);

/// An error and every `source()` under it, joined by `": "` (`cannot open: SQLite failed: …`).
struct Chain<'a>(&'a (dyn std::error::Error + 'static));

impl std::fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        while let Some(error) = cause {
            write!(f, ": {error}")?;
            cause = error.source();
        }
        Ok(())
    }
}

/// A price the configuration cannot give is the sandbox's fault, not the client's.
impl From<crate::pricing::PriceError> for ErrorReply {
    fn from(error: crate::pricing::PriceError) -> Self {
        Self::internal(&error)
    }
}

impl From<crate::store::StoreError> for ErrorReply {
    fn from(error: crate::store::StoreError) -> Self {
        Self::internal(&error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_has_the_spec_shape() {
        let json = serde_json::to_value(
            ErrorReply::validation("quantity must be between 50 and 10000").envelope(),
        )
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "ok": false,
                "error_code": "VALIDATION_ERROR",
                "error_message": "quantity must be between 50 and 10000",
                "data": null
            })
        );
    }

    #[test]
    fn the_logged_cause_keeps_every_source() {
        let io = std::io::Error::other("disk on fire");
        let error = crate::store::StoreError::CreateDir {
            path: "/nowhere".into(),
            source: io,
        };
        assert_eq!(
            Chain(&error).to_string(),
            "cannot create the database directory /nowhere: disk on fire"
        );
        assert_eq!(Chain(&Bug("no cause".into())).to_string(), "no cause");
        assert_eq!(
            ErrorReply::from(error).status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }

    #[test]
    fn rate_limited_carries_retry_after() {
        let response = ErrorReply::rate_limited(7).into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "7");
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    }
}
