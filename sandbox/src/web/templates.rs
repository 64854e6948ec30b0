//! The pages' templates (minijinja, HTML-escaped by default), parsed once.

use std::sync::LazyLock;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::Environment;
use minijinja::value::Serde;
use serde::Serialize;

use crate::error_reply::{Bug, ErrorReply};

static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    for (name, source) in [
        ("base.html", include_str!("templates/base.html")),
        ("docs.html", include_str!("templates/docs.html")),
        ("console.html", include_str!("templates/console.html")),
        ("error.html", include_str!("templates/error.html")),
    ] {
        // The templates are part of the binary: a syntax error is caught by the tests.
        env.add_template(name, source)
            .expect("the built-in templates parse");
    }
    env
});

/// `status` with the page `name` rendered from `context`.
pub(super) fn render(status: StatusCode, name: &str, context: impl Serialize) -> Response {
    let html = TEMPLATES
        .get_template(name)
        .and_then(|template| template.render(Serde(&context)));
    match html {
        Ok(html) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )],
            html,
        )
            .into_response(),
        Err(error) => {
            ErrorReply::internal(&Bug(format!("cannot render {name}: {error:#}"))).into_response()
        }
    }
}

/// An error as a page: its status, its message and a way back.
pub(super) fn error_page(error: &ErrorReply) -> Response {
    render(
        error.status(),
        "error.html",
        ErrorPage {
            title: format!(
                "{} {}",
                error.status().as_u16(),
                error.status().canonical_reason().unwrap_or("")
            ),
            message: error.message(),
            console: true,
        },
    )
}

#[derive(Debug, Serialize)]
struct ErrorPage<'a> {
    title: String,
    message: &'a str,
    console: bool,
}
