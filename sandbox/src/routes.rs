//! The router: the spec's 17 operations under `/api/v1`, the control surface, and envelopes
//! for everything else (unknown paths `404`, wrong methods `405` with `Allow`).

use std::any::Any;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{Method, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;

use crate::control;
use crate::error_reply::{Bug, ErrorReply};
use crate::handlers::{balance, health, orders, pricing, recipients};
use crate::state::AppState;
use crate::{request_recording, web};

/// The whole application.
pub(crate) fn router(state: Arc<AppState>, control_api: bool) -> Router {
    let api = Router::new()
        .route("/api/v1/orders/stars", post(orders::create_stars))
        .route("/api/v1/orders/premium", post(orders::create_premium))
        .route("/api/v1/orders", get(orders::list))
        .route("/api/v1/orders/stats/summary", get(orders::stats))
        .route("/api/v1/orders/by-memo/{memo}", get(orders::by_memo))
        .route(
            "/api/v1/orders/by-reference/{ref}",
            get(orders::by_reference),
        )
        .route("/api/v1/orders/{id}", get(orders::get))
        .route("/api/v1/orders/{id}/cancel", post(orders::cancel))
        .route("/api/v1/pricing/ton-rate", get(pricing::ton_rate))
        .route("/api/v1/pricing/fee", get(pricing::fee))
        .route(
            "/api/v1/pricing/estimate/stars",
            get(pricing::estimate_stars),
        )
        .route(
            "/api/v1/pricing/estimate/premium",
            get(pricing::estimate_premium),
        )
        .route("/api/v1/recipients/stars", get(recipients::check_stars))
        .route("/api/v1/recipients/premium", get(recipients::check_premium))
        .route("/api/v1/balance", get(balance::get_balance))
        .route(
            "/api/v1/balance/transactions",
            get(balance::list_transactions),
        )
        .route("/api/v1/health", get(health::health))
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            request_recording::record,
        ));
    let api = api.merge(web::router(control_api));
    let app = if control_api {
        api.merge(control::router())
    } else {
        api
    };
    let body_limit = state.body_limit_bytes;
    app.fallback(unknown_path)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn(log_request))
        .layer(middleware::from_fn(web::cross_site::refuse_cross_site))
        .layer(CatchPanicLayer::custom(panic_response))
        .with_state(state)
}

/// A handler that panicked still answers with the envelope (a bug, so it is logged as one,
/// with the panic's message when it has one).
fn panic_response(payload: Box<dyn Any + Send + 'static>) -> Response {
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message");
    ErrorReply::internal(&Bug(format!("a handler panicked: {message}"))).into_response()
}

async fn unknown_path(method: Method, uri: Uri) -> ErrorReply {
    ErrorReply::not_found(format!(
        "no such endpoint: {method} {}; the API lives under /api/v1",
        uri.path()
    ))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ErrorReply {
    ErrorReply::method_not_allowed(format!(
        "{method} is not allowed on {}; see the Allow header",
        uri.path()
    ))
}

/// One debug line per request: method, path, status, time. Never headers (they hold keys).
async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    tracing::debug!(
        %method,
        path,
        status = response.status().as_u16(),
        elapsed_us = started.elapsed().as_micros(),
        "request"
    );
    response
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;

    use super::*;

    #[tokio::test]
    async fn a_panic_is_answered_with_the_internal_error_envelope() {
        let response = panic_response(Box::new("boom"));
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        let envelope: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(envelope["ok"], false);
        assert_eq!(envelope["error_code"], "INTERNAL_ERROR");
        assert_eq!(envelope["data"], serde_json::Value::Null);
    }
}
