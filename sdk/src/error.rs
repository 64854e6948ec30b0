//! The sdk's one error type. It keeps the HTTP status even when a body does not decode, keeps
//! every cause as a `source()`, and carries the call's `Idempotency-Key` so a call whose outcome
//! is unknown can be resumed.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;

use crate::enums::ErrorCode;
use crate::generated::types::ErrorEnvelope;
use crate::idempotency_key::IdempotencyKey;
use crate::response_head::{ResponseMeta, retry_after};

/// An error from a call, with the context of the call it came from.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    operation: Option<&'static str>,
    attempts: u32,
    idempotency_key: Option<IdempotencyKey>,
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The API answered with its error envelope.
    Api(ApiError),
    /// No complete response: connect failure, timeout, reset, or a body cut off.
    #[non_exhaustive]
    Transport {
        /// The status, when the head of the response arrived before the failure.
        status: Option<StatusCode>,
        /// The cause.
        source: reqwest::Error,
    },
    /// A response arrived but its body is not what the spec says (an HTML page from a proxy).
    #[non_exhaustive]
    Decode {
        /// The response's status.
        status: Option<StatusCode>,
        /// `Retry-After`, if the response had one.
        retry_after: Option<Duration>,
        /// The body as received.
        body: Bytes,
        /// The cause.
        source: serde_json::Error,
    },
    /// A status the spec does not document for this operation.
    #[non_exhaustive]
    UnexpectedStatus {
        /// The status.
        status: StatusCode,
        /// `Retry-After`, if the response had one.
        retry_after: Option<Duration>,
        /// The body as received (it is not the error envelope).
        body: Bytes,
    },
    /// An input was rejected before anything was sent.
    #[non_exhaustive]
    InvalidInput {
        /// The field, parameter or setting at fault.
        field: Cow<'static, str>,
        /// Why.
        reason: Cow<'static, str>,
        /// The underlying error, when there is one (a URL parser's, say).
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

/// An error answered by the API: `{"ok": false, "error_code": …, "error_message": …}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The machine-readable code; unknown codes are kept in `ErrorCode::Unknown`.
    pub code: ErrorCode,
    /// The human-readable message.
    pub message: String,
    /// `Retry-After`, when the API sent one (on `429`).
    pub retry_after: Option<Duration>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                operation: None,
                attempts: 0,
                idempotency_key: None,
            }),
        }
    }

    /// An input error naming its field.
    pub(crate) fn invalid_input(
        field: impl Into<Cow<'static, str>>,
        reason: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(ErrorKind::InvalidInput {
            field: field.into(),
            reason: reason.into(),
            source: None,
        })
    }

    /// An input error naming its field, keeping the error that revealed it.
    pub(crate) fn invalid_input_caused_by(
        field: impl Into<Cow<'static, str>>,
        reason: impl Into<Cow<'static, str>>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self::new(ErrorKind::InvalidInput {
            field: field.into(),
            reason: reason.into(),
            source: Some(Box::new(source)),
        })
    }

    /// Maps a generated-client error, using what the attempt saw of the response head. A status
    /// the spec does not document for the operation still yields an API error when its body is
    /// the error envelope.
    pub(crate) async fn from_generated(
        error: progenitor_client::Error<ErrorEnvelope>,
        observed: Option<ResponseMeta>,
    ) -> Self {
        use progenitor_client::Error as G;
        let status = observed.map(|m| m.status);
        let kind = match error {
            G::ErrorResponse(response) => {
                let retry_after = retry_after(response.headers());
                let status = response.status();
                let body = response.into_inner();
                ErrorKind::Api(ApiError {
                    status,
                    code: body.error_code,
                    message: body.error_message.to_string(),
                    retry_after,
                })
            }
            G::CommunicationError(source)
            | G::InvalidUpgrade(source)
            | G::ResponseBodyError(source) => ErrorKind::Transport {
                status: source.status().or(status),
                source,
            },
            G::InvalidResponsePayload(body, source) => ErrorKind::Decode {
                status,
                retry_after: observed.and_then(|m| m.retry_after),
                body,
                source,
            },
            G::UnexpectedResponse(response) => {
                let status = response.status();
                let retry_after = retry_after(response.headers());
                match response.bytes().await {
                    Ok(body) => match serde_json::from_slice::<ErrorEnvelope>(&body) {
                        Ok(envelope) => ErrorKind::Api(ApiError {
                            status,
                            code: envelope.error_code,
                            message: envelope.error_message.to_string(),
                            retry_after,
                        }),
                        Err(_) => ErrorKind::UnexpectedStatus {
                            status,
                            retry_after,
                            body,
                        },
                    },
                    Err(source) => ErrorKind::Transport {
                        status: Some(status),
                        source,
                    },
                }
            }
            G::InvalidRequest(reason) | G::Custom(reason) => ErrorKind::InvalidInput {
                field: "request".into(),
                reason: reason.into(),
                source: None,
            },
        };
        Self::new(kind)
    }

    pub(crate) fn with_call(
        mut self,
        operation: &'static str,
        attempts: u32,
        idempotency_key: Option<IdempotencyKey>,
    ) -> Self {
        self.inner.operation = Some(operation);
        self.inner.attempts = attempts;
        self.inner.idempotency_key = idempotency_key;
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.inner.kind
    }

    /// The API's error, when the API answered with one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match &self.inner.kind {
            ErrorKind::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The API's error code, when the API answered with one.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.api_error().map(|api| &api.code)
    }

    /// The HTTP status, whenever a response (even an undecodable one) arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match &self.inner.kind {
            ErrorKind::Api(api) => Some(api.status),
            ErrorKind::Transport { status, .. } | ErrorKind::Decode { status, .. } => *status,
            ErrorKind::UnexpectedStatus { status, .. } => Some(*status),
            ErrorKind::InvalidInput { .. } => None,
        }
    }

    /// `Retry-After` from the last response, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match &self.inner.kind {
            ErrorKind::Api(api) => api.retry_after,
            ErrorKind::Decode { retry_after, .. }
            | ErrorKind::UnexpectedStatus { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Whether the outcome is unknown: the request may or may not have taken effect. Retry it
    /// with [`Error::idempotency_key`] to find out without acting twice.
    pub fn is_outcome_unknown(&self) -> bool {
        match &self.inner.kind {
            ErrorKind::Transport { .. } | ErrorKind::Decode { .. } => true,
            ErrorKind::Api(api) => {
                api.status.is_server_error() || api.code == ErrorCode::IdempotencyInProgress
            }
            ErrorKind::UnexpectedStatus { status, .. } => status.is_server_error(),
            ErrorKind::InvalidInput { .. } => false,
        }
    }

    /// The `Idempotency-Key` every attempt of this call carried (POST operations only).
    pub fn idempotency_key(&self) -> Option<&IdempotencyKey> {
        self.inner.idempotency_key.as_ref()
    }

    /// The operation, e.g. `create_stars_order`.
    pub fn operation(&self) -> Option<&'static str> {
        self.inner.operation
    }

    /// How many attempts were made (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.inner.kind)
            .field("operation", &self.inner.operation)
            .field("attempts", &self.inner.attempts)
            .field("idempotency_key", &self.inner.idempotency_key)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(operation) = self.inner.operation {
            write!(f, "{operation}: ")?;
        }
        match &self.inner.kind {
            ErrorKind::Api(api) => write!(f, "{} {}: {}", api.status, api.code, api.message)?,
            ErrorKind::Transport { status: None, .. } => f.write_str("no response")?,
            ErrorKind::Transport {
                status: Some(status),
                ..
            } => write!(f, "{status} response cut off")?,
            ErrorKind::Decode { status, .. } => match status {
                Some(status) => write!(f, "{status} response body does not match the spec")?,
                None => f.write_str("response body does not match the spec")?,
            },
            ErrorKind::UnexpectedStatus { status, .. } => {
                write!(f, "status {status} is not documented for this operation")?
            }
            ErrorKind::InvalidInput { field, reason, .. } => {
                write!(f, "invalid {field}: {reason}")?
            }
        }
        if self.inner.attempts > 1 {
            write!(f, " (after {} attempts)", self.inner.attempts)?;
        }
        if let Some(key) = &self.inner.idempotency_key {
            write!(f, " [Idempotency-Key {key}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.inner.kind {
            ErrorKind::Transport { source, .. } => Some(source),
            ErrorKind::Decode { source, .. } => Some(source),
            ErrorKind::InvalidInput {
                source: Some(source),
                ..
            } => Some(source.as_ref()),
            _ => None,
        }
    }
}
