//! `/docs`, the API reference with its "try it" console, and `/openapi.yaml`, the spec it
//! renders with its `servers` pointing at this sandbox, so every "try it" request comes here.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::cross_site::own_origin;
use super::templates::render;
use crate::state::AppState;

/// The checked-in spec, copied in by `cargo xtask docs-assets`.
const SPEC: &str = include_str!("../../assets/openapi.yaml");

/// A sandbox key the page offers.
#[derive(Debug, Serialize)]
struct OfferedKey<'a> {
    partner: &'a str,
    key: &'a str,
}

#[derive(Debug, Serialize)]
struct DocsPage<'a> {
    keys: Vec<OfferedKey<'a>>,
    console: bool,
}

/// `GET /docs`. It shows the sandbox's own test keys (the ones the banner prints) and
/// authorises "try it" with the first.
pub(super) async fn page(State(state): State<Arc<AppState>>) -> Response {
    let keys: Vec<_> = state
        .partner_keys()
        .map(|(partner, key)| OfferedKey { partner, key })
        .collect();
    render(
        StatusCode::OK,
        "docs.html",
        DocsPage {
            keys,
            console: state.control_api,
        },
    )
}

/// `GET /openapi.yaml`: the spec, with one server, this sandbox as the browser reaches it.
pub(super) async fn spec(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let base_url = own_origin(&headers).unwrap_or_else(|| state.base_url.clone());
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/yaml; charset=utf-8"),
        )],
        with_server(SPEC, &base_url),
    )
        .into_response()
}

/// `spec` with its top-level `servers` list replaced by `base_url` alone.
fn with_server(spec: &str, base_url: &str) -> String {
    let mut out = String::with_capacity(spec.len() + base_url.len());
    let mut lines = spec.lines().peekable();
    let mut replaced = false;
    while let Some(line) = lines.next() {
        if !replaced && line == "servers:" {
            replaced = true;
            out.push_str("servers:\n  - url: ");
            out.push_str(base_url);
            out.push_str("\n    description: This sandbox\n");
            // The old entries: every indented or comment line up to the next top-level key.
            while lines.peek().is_some_and(|next| {
                next.starts_with(' ') || next.starts_with('#') || next.is_empty()
            }) {
                lines.next();
            }
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_served_spec_has_this_sandbox_as_its_only_server() {
        let served = with_server(SPEC, "http://127.0.0.1:9");
        assert!(
            served.contains(
                "servers:\n  - url: http://127.0.0.1:9\n    description: This sandbox\nsecurity:"
            ),
            "{}",
            &served[..served.len().min(1500)]
        );
        assert!(
            !served.contains("url: https://api.theopenmoney.info\n    description: Production")
        );
        // Every other top-level key and every path is kept.
        let top_level = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|line| !line.starts_with(' ') && !line.starts_with('#'))
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(top_level(&served), top_level(SPEC));
        assert!(served.contains("  /api/v1/health:\n"));
    }
}
