//! What the proxy may do to an exchange: pass it, answer it itself, drop or stall the
//! connection (client-side retry clauses), or rewrite the response (the broken-server proofs).

use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use http::HeaderMap;

/// A request as the proxy received it.
#[derive(Debug, Clone)]
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

/// A response as the proxy sends it on.
#[derive(Debug, Clone)]
pub struct ProxiedResponse {
    /// The status.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
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

/// Injects `fault` into the first request for `operation` and remembers the
/// `Idempotency-Key` that request carried; later requests pass.
#[derive(Debug)]
pub struct FaultOnce {
    operation: &'static str,
    fault: Fault,
    first_key: std::sync::Arc<Mutex<Option<String>>>,
}

impl FaultOnce {
    /// The fault, and the slot where the first attempt's key lands.
    pub fn new(
        operation: &'static str,
        fault: Fault,
        first_key: std::sync::Arc<Mutex<Option<String>>>,
    ) -> Self {
        Self {
            operation,
            fault,
            first_key,
        }
    }
}

impl Interceptor for FaultOnce {
    fn on_request(&self, operation: Option<&str>, request: &mut ProxiedRequest) -> Verdict {
        if operation != Some(self.operation) {
            return Verdict::Forward;
        }
        let mut first = self.first_key.lock().unwrap_or_else(|e| e.into_inner());
        if first.is_some() {
            return Verdict::Forward;
        }
        *first = Some(
            request
                .header("idempotency-key")
                .unwrap_or("<no Idempotency-Key>")
                .to_owned(),
        );
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
