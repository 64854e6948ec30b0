//! The JSON request body, checked in the order a client can fix things: size (`413`), presence
//! (`422`), media type (`415`), syntax (`422`), then that it is an object (`422`). Every
//! rejection is the error envelope. Malformed JSON is `422`, not `400`, because the spec
//! documents `422` for every invalid request and no `400` at all.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, FailedToBufferBody};
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use serde_json::{Map, Value};

use crate::error_reply::ErrorReply;
use crate::state::AppState;

/// A request body that is a JSON object.
#[derive(Debug, Clone)]
pub(crate) struct JsonObject(pub(crate) Map<String, Value>);

impl FromRequest<Arc<AppState>> for JsonObject {
    type Rejection = ErrorReply;

    async fn from_request(
        request: Request,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let content_type = request
            .headers()
            .get(CONTENT_TYPE)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
        let bytes =
            Bytes::from_request(request, state)
                .await
                .map_err(|rejection| match rejection {
                    BytesRejection::FailedToBufferBody(FailedToBufferBody::LengthLimitError(_)) => {
                        ErrorReply::body_too_large(state.body_limit_bytes)
                    }
                    other => {
                        ErrorReply::bad_request(format!("could not read the request body: {other}"))
                    }
                })?;
        if bytes.is_empty() {
            return Err(ErrorReply::validation(
                "request body is required: a JSON object",
            ));
        }
        if !content_type.as_deref().is_some_and(is_json) {
            return Err(ErrorReply::unsupported_media_type(format!(
                "Content-Type must be application/json, not {}",
                content_type.as_deref().unwrap_or("missing")
            )));
        }
        match serde_json::from_slice(&bytes) {
            Ok(Value::Object(map)) => Ok(Self(map)),
            Ok(_) => Err(ErrorReply::validation("request body must be a JSON object")),
            Err(error) => Err(ErrorReply::validation(format!(
                "request body is not valid JSON: {error}"
            ))),
        }
    }
}

/// `application/json` or `application/<something>+json`, with any parameters.
fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || essence
            .strip_prefix("application/")
            .is_some_and(|subtype| subtype.ends_with("+json"))
}

#[cfg(test)]
mod tests {
    use super::is_json;

    #[test]
    fn json_media_types() {
        assert!(is_json("application/json"));
        assert!(is_json("Application/JSON; charset=utf-8"));
        assert!(is_json("application/vnd.api+json"));
        assert!(!is_json("text/plain"));
        assert!(!is_json("application/jsonx"));
        assert!(!is_json(""));
    }
}
