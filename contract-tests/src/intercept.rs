//! What the proxy may do to an exchange: pass it, answer it itself, drop or stall the
//! connection (client-side retry clauses), or rewrite the response (the broken-server proofs).

use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, header};

/// Headers whose values are credentials: marked sensitive wherever the proxy keeps them, and
/// never printed by the `Debug` of a request or response.
const SECRET_HEADERS: [HeaderName; 4] = [
    header::AUTHORIZATION,
    header::PROXY_AUTHORIZATION,
    header::COOKIE,
    header::SET_COOKIE,
];

fn is_secret(name: &HeaderName) -> bool {
    SECRET_HEADERS.contains(name)
}

/// Marks every credential header of `headers` sensitive, so `http`'s own `Debug` of the map,
/// of a clone or of anything forwarded from it, redacts the value. hyper does not do it for
/// headers it parses.
pub fn mark_secrets(headers: &mut HeaderMap) {
    for (name, value) in headers.iter_mut() {
        if is_secret(name) {
            value.set_sensitive(true);
        }
    }
}

/// `Debug` of a header map with credential and sensitive values redacted, whether or not
/// anyone marked them.
struct RedactedHeaders<'a>(&'a HeaderMap);

impl std::fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        struct Redacted;
        impl std::fmt::Debug for Redacted {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("<redacted>")
            }
        }
        f.debug_map()
            .entries(self.0.iter().map(|(name, value)| {
                let shown: &dyn std::fmt::Debug = if is_secret(name) || value.is_sensitive() {
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
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl std::fmt::Debug for ProxiedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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

/// A response as the proxy sends it on. Its `Debug` never shows a credential header.
#[derive(Clone)]
pub struct ProxiedResponse {
    /// The status.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl std::fmt::Debug for ProxiedResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxiedResponse")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &self.body)
            .finish()
    }
}

impl ProxiedResponse {
    /// A JSON response.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        Self {
            status,
            headers,
            body: Bytes::from(body.to_string()),
        }
    }

    /// The body as JSON, when it is.
    pub fn json_body(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// What to do with a request.
#[derive(Debug)]
pub enum Verdict {
    /// Send it upstream.
    Forward,
    /// Answer it without going upstream.
    Respond(ProxiedResponse),
    /// Close the connection without an answer.
    Drop,
    /// Hold the connection this long, then close it without an answer.
    Stall(Duration),
}

/// Sees every exchange through a proxy.
pub trait Interceptor: Send + Sync + std::fmt::Debug + 'static {
    /// Decides what happens to a request for `operation` (`None`: not in the spec); may
    /// rewrite it before it goes upstream.
    fn on_request(&self, _operation: Option<&str>, _request: &mut ProxiedRequest) -> Verdict {
        Verdict::Forward
    }

    /// May rewrite the upstream's response before the client sees it.
    fn on_response(
        &self,
        _operation: Option<&str>,
        _request: &ProxiedRequest,
        _response: &mut ProxiedResponse,
    ) {
    }
}

/// Passes everything unchanged.
#[derive(Debug, Default)]
pub struct Passthrough;

impl Interceptor for Passthrough {}

/// A fault injected into the first request for one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answer `500 INTERNAL_ERROR`.
    ServerError,
    /// Close the connection without an answer.
    DropConnection,
    /// Hold the connection past the client's timeout.
    Stall(Duration),
}

/// The `Idempotency-Key` of every request a [`FaultOnce`] saw for its operation, in order
/// (`None`: the request carried none). The first is the one that was faulted.
pub type Attempts = std::sync::Arc<Mutex<Vec<Option<String>>>>;

/// Injects `fault` into the first request for `operation`, and records the `Idempotency-Key`
/// of that request and of every later one for `operation`; later requests pass.
#[derive(Debug)]
pub struct FaultOnce {
    operation: &'static str,
    fault: Fault,
    attempts: Attempts,
}

impl FaultOnce {
    /// The fault, and where the attempts are recorded.
    pub fn new(operation: &'static str, fault: Fault, attempts: Attempts) -> Self {
        Self {
            operation,
            fault,
            attempts,
        }
    }
}

impl Interceptor for FaultOnce {
    fn on_request(&self, operation: Option<&str>, request: &mut ProxiedRequest) -> Verdict {
        if operation != Some(self.operation) {
            return Verdict::Forward;
        }
        let mut attempts = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        attempts.push(request.header("idempotency-key").map(str::to_owned));
        if attempts.len() > 1 {
            return Verdict::Forward;
        }
        match self.fault {
            Fault::ServerError => Verdict::Respond(ProxiedResponse::json(
                500,
                &serde_json::json!({
                    "ok": false,
                    "error_code": "INTERNAL_ERROR",
                    "error_message": "injected by the contract suite",
                    "data": null
                }),
            )),
            Fault::DropConnection => Verdict::Drop,
            Fault::Stall(duration) => Verdict::Stall(duration),
        }
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
        mark_secrets(&mut headers);
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
