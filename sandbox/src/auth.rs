//! Bearer keys and the per-key rate limit: an extractor every `/api/v1` handler except
//! `/health` takes first, so a request is authenticated and counted before anything else is
//! looked at. Keys are compared and dropped here; they are never logged or echoed.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::error_reply::ErrorReply;
use crate::state::{AppState, PartnerState};

/// The partner a request is authenticated as.
#[derive(Debug, Clone)]
pub(crate) struct Authenticated(pub(crate) Arc<PartnerState>);

impl FromRequestParts<Arc<AppState>> for Authenticated {
    type Rejection = ErrorReply;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let key = bearer_key(&parts.headers)?;
        let partner = state
            .partner_by_key(key)
            .ok_or_else(|| ErrorReply::unauthorized("invalid bearer key"))?;
        partner.limiter.check()?;
        Ok(Self(Arc::clone(partner)))
    }
}

/// The key of the one `Authorization: Bearer …` header.
pub(crate) fn bearer_key(headers: &HeaderMap) -> Result<&str, ErrorReply> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let value = values.next().ok_or_else(|| {
        ErrorReply::unauthorized("missing bearer key: send Authorization: Bearer osk_…")
    })?;
    if values.next().is_some() {
        return Err(ErrorReply::unauthorized(
            "send exactly one Authorization header",
        ));
    }
    let value = value
        .to_str()
        .map_err(|_| ErrorReply::unauthorized("invalid bearer key"))?;
    let (scheme, key) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ErrorReply::unauthorized(
            "Authorization must use the Bearer scheme: Bearer osk_…",
        ));
    }
    let key = key.trim();
    if key.is_empty() {
        return Err(ErrorReply::unauthorized("missing bearer key after Bearer"));
    }
    Ok(key)
}
