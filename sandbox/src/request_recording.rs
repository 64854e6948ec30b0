//! Recording every `/api/v1` request into the console's feed once it is answered.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;

use crate::auth;
use crate::clock::now_ms;
use crate::idempotency::REPLAYED_HEADER;
use crate::request_feed::{FeedEntry, bounded};
use crate::state::AppState;

/// Middleware on the `/api/v1` routes: records each request once it is answered.
pub(crate) async fn record(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let at_ms = now_ms();
    let method = request.method().to_string();
    let path = bounded(request.uri().path());
    let partner = partner_of(&state, request.headers());
    let idempotency_key = request
        .headers()
        .get("idempotency-key")
        .map(|value| bounded(&String::from_utf8_lossy(value.as_bytes())));
    let response = next.run(request).await;
    state.feed.push(FeedEntry {
        at_ms,
        partner,
        method,
        path,
        status: response.status().as_u16(),
        idempotency_key,
        replayed: response.headers().contains_key(REPLAYED_HEADER),
    });
    response
}

fn partner_of(state: &AppState, headers: &HeaderMap) -> Option<String> {
    let key = auth::bearer_key(headers).ok()?;
    state
        .partner_by_key(key)
        .map(|partner| partner.name.clone())
}
