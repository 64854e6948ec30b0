//! The sdk's one error type. It keeps the HTTP status even when a body does not decode, keeps
//! every cause as a `source()`, and carries the call's `Idempotency-Key` so a call whose outcome
//! is unknown can be resumed. What it keeps of a response is bounded: a body is kept as a short
//! excerpt with its full length, and `Display`/`Debug` cut the server's message and code, so a
//! hostile server decides neither the size of an error nor of the log lines that print it.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;

use crate::enums::ErrorCode;
use crate::excerpt::Excerpt;
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
    /// No complete response: connect failure, timeout (of the attempt), reset, or a body cut
    /// off. `Display` says "timed out" when the cause is a timeout.
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
        /// The first bytes of the body as received, at most 4 KiB.
        body: Bytes,
        /// The body's full length in bytes (at most the client's `max_response_bytes`).
        body_len: u64,
        /// The cause. serde writes the offending value into its message, so a cause whose
        /// text passes 512 bytes is replaced by one with the same line, column and category
        /// name and a cut message: a server decides no more of an error's size than its body's.
        source: serde_json::Error,
    },
    /// A status the spec does not document for this operation.
    #[non_exhaustive]
    UnexpectedStatus {
        /// The status.
        status: StatusCode,
        /// `Retry-After`, if the response had one.
        retry_after: Option<Duration>,
        /// The first bytes of the body as received, at most 4 KiB (it is not the error
        /// envelope).
        body: Bytes,
        /// The body's full length in bytes (at most the client's `max_response_bytes`).
        body_len: u64,
    },
    /// The response was larger than the client's `max_response_bytes`
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)). Not
    /// retried: the same server would send the same body.
    #[non_exhaustive]
    ResponseTooLarge {
        /// The response's status.
        status: Option<StatusCode>,
        /// The limit, in bytes.
        limit: u64,
        /// The declared `Content-Length`, when it alone refused the body (nothing was read);
        /// `None` when the body was cut the moment it passed the limit.
        content_length: Option<u64>,
    },
    /// The call's deadline ([`RetryPolicy::deadline`](crate::RetryPolicy::deadline)) passed
    /// during an attempt: the attempt was abandoned, waiting for the response or reading it.
    #[non_exhaustive]
    DeadlineExceeded {
        /// The status, when the head of the response arrived before the deadline.
        status: Option<StatusCode>,
        /// The deadline.
        deadline: Duration,
    },
    /// A stream's page contradicts the pages before it (a non-empty page past the total, or the
    /// same page twice under the same total). The stream ends with this error instead of looping
    /// or repeating items.
    #[non_exhaustive]
    InconsistentPage {
        /// The offset of the page at fault.
        offset: u64,
        /// What it contradicts.
        reason: Cow<'static, str>,
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
/// `Display` and `Debug` show at most the first 256 bytes of the message (then `…`).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The machine-readable code; unknown codes are kept in `ErrorCode::Unknown`.
    pub code: ErrorCode,
    /// The human-readable message, whole (bounded by the client's `max_response_bytes`).
    pub message: String,
    /// `Retry-After`, when the API sent one (on `429`).
    pub retry_after: Option<Duration>,
}

/// Bytes of a body an error keeps.
const BODY_EXCERPT_BYTES: usize = 4 * 1024;
/// Bytes of the server's message shown by `Display`, `Debug` and logs.
const MESSAGE_EXCERPT_BYTES: usize = 256;
/// Bytes of the server's error code shown by `Display` and `Debug` (real codes are short).
const CODE_EXCERPT_BYTES: usize = crate::excerpt::WORD_EXCERPT_BYTES;

impl ApiError {
    /// The whole message (bounded by the client's `max_response_bytes`); `Display` shows an
    /// excerpt.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field(
                "code",
                &Excerpt(self.code.as_str(), CODE_EXCERPT_BYTES).to_string(),
            )
            .field(
                "message",
                &Excerpt(&self.message, MESSAGE_EXCERPT_BYTES).to_string(),
            )
            .field("message_len", &self.message.len())
            .field("retry_after", &self.retry_after)
            .finish()
    }
}

/// Longest decode-error text kept as it is.
const DECODE_CAUSE_BYTES: usize = 512;

/// `source`, or, when its text is longer than `DECODE_CAUSE_BYTES` (serde quotes the offending
/// value whole: a 3 MB string in a number's place), a custom error with the same text cut in the
/// middle: the head names the value, the tail what was expected and where.
fn bounded_decode_error(source: serde_json::Error) -> serde_json::Error {
    let text = source.to_string();
    if text.len() <= DECODE_CAUSE_BYTES {
        return source;
    }
    let head = Excerpt(&text, DECODE_CAUSE_BYTES * 3 / 4).to_string();
    let tail_start = (text.len() - DECODE_CAUSE_BYTES / 4..text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    <serde_json::Error as serde::de::Error>::custom(format_args!(
        "{head}{} ({} bytes of text, cut)",
        &text[tail_start..],
        text.len()
    ))
}

/// The first `BODY_EXCERPT_BYTES` of `body`, copied so the whole body is freed, and its length.
fn excerpt(body: &Bytes) -> (Bytes, u64) {
    let kept = body.len().min(BODY_EXCERPT_BYTES);
    (Bytes::copy_from_slice(&body[..kept]), body.len() as u64)
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
            | G::ResponseBodyError(source) => Self::transport(source.status().or(status), source),
            G::InvalidResponsePayload(body, source) => {
                let (body, body_len) = excerpt(&body);
                ErrorKind::Decode {
                    status,
                    retry_after: observed.and_then(|m| m.retry_after),
                    body,
                    body_len,
                    source: bounded_decode_error(source),
                }
            }
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
                        Err(_) => {
                            let (body, body_len) = excerpt(&body);
                            ErrorKind::UnexpectedStatus {
                                status,
                                retry_after,
                                body,
                                body_len,
                            }
                        }
                    },
                    Err(source) => Self::transport(Some(status), source),
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

    /// A transport failure, or the size limit when that is what failed the body.
    fn transport(status: Option<StatusCode>, source: reqwest::Error) -> ErrorKind {
        match crate::body_limit::find(&source) {
            Some(excess) => ErrorKind::ResponseTooLarge {
                status,
                limit: excess.limit,
                content_length: excess.content_length,
            },
            None => ErrorKind::Transport { status, source },
        }
    }

    /// The call's deadline passed during an attempt that had seen `observed` of a response.
    pub(crate) fn deadline_exceeded(deadline: Duration, observed: Option<ResponseMeta>) -> Self {
        Self::new(ErrorKind::DeadlineExceeded {
            status: observed.map(|m| m.status),
            deadline,
        })
    }

    /// A stream's page at `offset` contradicts the pages before it.
    pub(crate) fn inconsistent_page(offset: u64, reason: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::InconsistentPage {
            offset,
            reason: reason.into(),
        })
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
            ErrorKind::Transport { status, .. }
            | ErrorKind::Decode { status, .. }
            | ErrorKind::ResponseTooLarge { status, .. }
            | ErrorKind::DeadlineExceeded { status, .. } => *status,
            ErrorKind::UnexpectedStatus { status, .. } => Some(*status),
            ErrorKind::InvalidInput { .. } | ErrorKind::InconsistentPage { .. } => None,
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
            ErrorKind::Transport { .. }
            | ErrorKind::Decode { .. }
            | ErrorKind::DeadlineExceeded { .. } => true,
            ErrorKind::Api(api) => {
                api.status.is_server_error() || api.code == ErrorCode::IdempotencyInProgress
            }
            ErrorKind::UnexpectedStatus { status, .. } => status.is_server_error(),
            // A success too large to read may still have created what it answers.
            ErrorKind::ResponseTooLarge { status, .. } => {
                !status.is_some_and(|status| status.is_client_error())
            }
            ErrorKind::InvalidInput { .. } | ErrorKind::InconsistentPage { .. } => false,
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
            ErrorKind::Api(api) => write!(
                f,
                "{} {}: {}",
                api.status,
                Excerpt(api.code.as_str(), CODE_EXCERPT_BYTES),
                Excerpt(&api.message, MESSAGE_EXCERPT_BYTES)
            )?,
            ErrorKind::Transport { status, source } => match (status, source.is_timeout()) {
                (None, true) => f.write_str("timed out waiting for a response")?,
                (None, false) => f.write_str("no response")?,
                (Some(status), true) => write!(f, "{status} response timed out mid-body")?,
                (Some(status), false) => write!(f, "{status} response cut off")?,
            },
            ErrorKind::ResponseTooLarge {
                status,
                limit,
                content_length,
            } => {
                if let Some(status) = status {
                    write!(f, "{status} ")?;
                }
                match content_length {
                    Some(length) => write!(
                        f,
                        "response refused: Content-Length {length} exceeds max_response_bytes ({limit})"
                    )?,
                    None => write!(f, "response cut: body exceeds max_response_bytes ({limit})")?,
                }
            }
            ErrorKind::DeadlineExceeded { status, deadline } => match status {
                Some(status) => write!(
                    f,
                    "timed out: the call's {deadline:?} deadline passed while reading the {status} response"
                )?,
                None => write!(
                    f,
                    "timed out: the call's {deadline:?} deadline passed waiting for a response"
                )?,
            },
            ErrorKind::InconsistentPage { offset, reason } => write!(
                f,
                "page at offset {offset} contradicts the pages before it: {reason}"
            )?,
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
