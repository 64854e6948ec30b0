//! What a browser sees: the API reference at `/docs` (Swagger UI, vendored, with the spec at
//! `/openapi.yaml`) and, with the control surface, the console at `/_sandbox/`. Pages are
//! rendered on the server; every response here carries a Content-Security-Policy that allows
//! only the sandbox's own files.

mod assets;
mod console;
pub(crate) mod cross_site;
mod docs;
mod templates;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::middleware;
use axum::response::Response;
use axum::routing::get;

use crate::state::AppState;

/// Only the sandbox's own scripts, styles, images and requests; no frames, no plugins.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
     form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The pages and their files; the console only when the control surface is on.
pub(crate) fn router(control_api: bool) -> Router<Arc<AppState>> {
    let pages = Router::new()
        .route("/docs", get(docs::page))
        .route("/openapi.yaml", get(docs::spec))
        .route("/_assets/{*path}", get(assets::serve));
    let pages = if control_api {
        pages.merge(console::router())
    } else {
        pages
    };
    pages.layer(middleware::map_response(security_headers))
}

async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}
