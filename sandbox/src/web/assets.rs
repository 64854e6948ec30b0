//! The files the pages load, embedded in the binary: Swagger UI as vendored by
//! `cargo xtask docs-assets` (see `sandbox/assets/MANIFEST.sha256`) and the sandbox's own few.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error_reply::ErrorReply;

struct Asset {
    path: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

const ASSETS: &[Asset] = &[
    Asset {
        path: "swagger-ui/swagger-ui-bundle.js",
        content_type: JS,
        bytes: include_bytes!("../../assets/swagger-ui/swagger-ui-bundle.js"),
    },
    Asset {
        path: "swagger-ui/swagger-ui.css",
        content_type: CSS,
        bytes: include_bytes!("../../assets/swagger-ui/swagger-ui.css"),
    },
    Asset {
        path: "docs.js",
        content_type: JS,
        bytes: include_bytes!("static/docs.js"),
    },
    Asset {
        path: "console.js",
        content_type: JS,
        bytes: include_bytes!("static/console.js"),
    },
    Asset {
        path: "sandbox.css",
        content_type: CSS,
        bytes: include_bytes!("static/sandbox.css"),
    },
];

/// `GET /_assets/{path}`.
pub(super) async fn serve(Path(path): Path<String>) -> Result<Response, ErrorReply> {
    let asset = ASSETS
        .iter()
        .find(|asset| asset.path == path)
        .ok_or_else(|| ErrorReply::not_found(format!("no such asset: {path}")))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            ),
            // The binary's files change only with the binary; an hour is plenty.
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        asset.bytes,
    )
        .into_response())
}
