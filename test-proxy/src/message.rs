//! A request and a response as the proxy keeps them, hands them to its handler and records
//! them. Credential headers never show in their `Debug`, marked sensitive or not.

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, header};

/// Headers whose values are credentials.
const CREDENTIAL_HEADERS: [HeaderName; 4] = [
    header::AUTHORIZATION,
    header::PROXY_AUTHORIZATION,
    header::COOKIE,
    header::SET_COOKIE,
];

/// Whether `name` carries a credential (`Authorization`, `Proxy-Authorization`, `Cookie`,
/// `Set-Cookie`).
pub fn is_credential(name: &HeaderName) -> bool {
    CREDENTIAL_HEADERS.contains(name)
}

/// Marks every credential header of `headers` sensitive, so `http`'s own `Debug` of the map,
/// of a clone or of anything forwarded from it, redacts the value. hyper does not do it for
/// headers it parses; the proxy does it to everything it keeps.
pub fn mark_credentials(headers: &mut HeaderMap) {
    for (name, value) in headers.iter_mut() {
        if is_credential(name) {
            value.set_sensitive(true);
        }
    }
}

/// `Debug` of a header map with credential and sensitive values redacted, whether or not
/// anyone marked them.
struct RedactedHeaders<'a>(&'a HeaderMap);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Redacted;
        impl fmt::Debug for Redacted {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("<redacted>")
            }
        }
        f.debug_map()
            .entries(self.0.iter().map(|(name, value)| {
                let shown: &dyn fmt::Debug = if is_credential(name) || value.is_sensitive() {
                    &Redacted
                } else {
                    value
                };
                (name, shown)
            }))
            .finish()
    }
}

/// A request as the proxy received it. Its `Debug` never shows a credential header.
#[derive(Clone)]
pub struct ProxiedRequest {
    /// The method.
    pub method: http::Method,
    /// Path and query, e.g. `/api/v1/orders?limit=5`.
    pub path_and_query: String,
    /// The headers, as received (credentials marked sensitive).
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Bytes,
}

impl fmt::Debug for ProxiedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxiedRequest")
            .field("method", &self.method)
            .field("path_and_query", &self.path_and_query)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &self.body)
            .finish()
    }
}

impl ProxiedRequest {
    /// The path without the query.
    pub fn path(&self) -> &str {
        self.path_and_query
            .split_once('?')
            .map_or(self.path_and_query.as_str(), |(path, _)| path)
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A response: the server's, or one the handler answers with. Its `Debug` never shows a
/// credential header.
#[derive(Clone)]
pub struct ProxiedResponse {
    /// The status.
    pub status: u16,
    /// The headers (credentials marked sensitive). Framing headers are the proxy's business:
    /// it sends the body's own length whatever `Content-Length` says.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Bytes,
}

impl fmt::Debug for ProxiedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxiedResponse")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &self.body)
            .finish()
    }
}

impl ProxiedResponse {
    /// `status` with `body` as `content_type`.
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Bytes>) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        Self {
            status,
            headers,
            body: body.into(),
        }
    }

    /// A JSON response.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Self::new(status, "application/json", body.to_string())
    }

    /// The body as JSON, when it is.
    pub fn json_body(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_credential_even_unmarked() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            "Bearer osk_debug_test_secret".parse().unwrap(),
        );
        headers.insert(header::COOKIE, "session=cookie_secret".parse().unwrap());
        headers.insert("idempotency-key", "k-1".parse().unwrap());
        let request = ProxiedRequest {
            method: http::Method::GET,
            path_and_query: "/api/v1/balance".to_owned(),
            headers: headers.clone(),
            body: Bytes::new(),
        };
        let response = ProxiedResponse {
            status: 200,
            headers: headers.clone(),
            body: Bytes::new(),
        };
        for shown in [format!("{request:?}"), format!("{response:?}")] {
            assert!(!shown.contains("osk_debug_test_secret"), "{shown}");
            assert!(!shown.contains("cookie_secret"), "{shown}");
            assert!(
                shown.contains("<redacted>") && shown.contains("k-1"),
                "{shown}"
            );
        }
        // Marked, `http`'s own Debug of the map (and of its clones) redacts them too.
        mark_credentials(&mut headers);
        let shown = format!("{:?}", headers.clone());
        assert!(!shown.contains("osk_debug_test_secret") && !shown.contains("cookie_secret"));
        assert_eq!(
            headers
                .get(header::AUTHORIZATION)
                .unwrap()
                .to_str()
                .unwrap(),
            "Bearer osk_debug_test_secret",
            "marking keeps the value to send"
        );
    }
}
