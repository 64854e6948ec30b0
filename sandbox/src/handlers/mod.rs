//! The handlers of the 17 operations, one file per resource, and what they share.

pub(crate) mod balance;
pub(crate) mod health;
pub(crate) mod orders;
pub(crate) mod pricing;
pub(crate) mod recipients;

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;

use crate::error_reply::{Bug, ErrorReply};

/// The one path parameter of a route, percent-decoded. Unlike `Path`, its rejection is the
/// error envelope.
#[derive(Debug, Clone)]
pub(crate) struct PathParam(pub(crate) String);

impl<S: Send + Sync> FromRequestParts<S> for PathParam {
    type Rejection = ErrorReply;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| {
                ErrorReply::validation("path parameters must be valid UTF-8 once decoded")
            })?;
        params
            .iter()
            .next()
            .map(|(_, value)| Self(value.to_owned()))
            .ok_or_else(|| ErrorReply::internal(&Bug("route without a path parameter".to_owned())))
    }
}
