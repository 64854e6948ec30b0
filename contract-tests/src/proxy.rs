//! A loopback HTTP proxy that every request of the suite goes through, in both modes. It maps
//! each request to its operation, enforces the run's request budget, records what was
//! exercised, remembers created orders for the cleanup, keeps the exchanges for snapshots, and
//! lets an [`Interceptor`] inject faults or rewrite responses.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, header};
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::intercept::{Interceptor, ProxiedRequest, ProxiedResponse, Verdict, mark_secrets};
use crate::run::{CreatedOrder, RunState};
use crate::spec::{Status, spec};

/// Error code of the answer the proxy gives once the budget is spent.
pub const BUDGET_EXHAUSTED: &str = "CONTRACT_BUDGET_EXHAUSTED";

/// One request and what the client got back (`None`: dropped).
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The operation, when the request is one of the spec's.
    pub operation: Option<String>,
    /// The request.
    pub request: ProxiedRequest,
    /// The response the client received.
    pub response: Option<ProxiedResponse>,
}

/// A running proxy; stops accepting when dropped.
#[derive(Debug)]
pub struct Proxy {
    addr: SocketAddr,
    exchanges: Arc<Mutex<Vec<Exchange>>>,
    accept: JoinHandle<()>,
}

#[derive(Debug)]
struct Shared {
    upstream: String,
    http: reqwest::Client,
    run: Arc<RunState>,
    interceptor: Arc<dyn Interceptor>,
    exchanges: Arc<Mutex<Vec<Exchange>>>,
}

/// Headers that belong to one connection, not to the message.
const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "upgrade",
    "te",
    "trailer",
    "content-length",
];

fn end_to_end(headers: &HeaderMap) -> HeaderMap {
    let mut out = headers.clone();
    for name in HOP_BY_HOP.iter().chain(&["host"]) {
        out.remove(*name);
    }
    out
}

impl Proxy {
    /// Starts a proxy on a free loopback port in front of `upstream` (scheme, host, port).
    pub async fn start(
        upstream: &str,
        run: Arc<RunState>,
        interceptor: Arc<dyn Interceptor>,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(std::io::Error::other)?;
        let exchanges = Arc::new(Mutex::new(Vec::new()));
        let shared = Arc::new(Shared {
            upstream: upstream.trim_end_matches('/').to_owned(),
            http,
            run,
            interceptor,
            exchanges: exchanges.clone(),
        });
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let shared = shared.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| handle(shared.clone(), request));
                    // A dropped or stalled exchange ends the connection with an error: expected.
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Self {
            addr,
            exchanges,
            accept,
        })
    }

    /// The proxy's base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every exchange so far.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.exchanges
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn handle(
    shared: Arc<Shared>,
    request: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, std::io::Error> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map_err(std::io::Error::other)?
        .to_bytes();
    let mut request = ProxiedRequest {
        method: parts.method,
        path_and_query: parts
            .uri
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned()),
        headers: parts.headers,
        body,
    };
    // hyper does not mark the partner key sensitive: mark it before it is kept or forwarded.
    mark_secrets(&mut request.headers);
    let operation = spec()
        .operation_for(&request.method, request.path())
        .map(|o| o.id.clone());
    let verdict = shared
        .interceptor
        .on_request(operation.as_deref(), &mut request);
    // An interceptor may have set a credential of its own.
    mark_secrets(&mut request.headers);
    let mut response = match verdict {
        Verdict::Forward => forward(&shared, operation.as_deref(), &request).await,
        Verdict::Respond(response) => Some(response),
        Verdict::Drop => None,
        Verdict::Stall(duration) => {
            tokio::time::sleep(duration).await;
            None
        }
    };
    if let Some(response) = response.as_mut() {
        mark_secrets(&mut response.headers);
    }
    if let (Some(op), Some(response)) = (&operation, &response) {
        record(&shared.run, op, response);
    }
    shared
        .exchanges
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(Exchange {
            operation,
            request,
            response: response.clone(),
        });
    let Some(response) = response else {
        return Err(std::io::Error::other("connection dropped by the proxy"));
    };
    let mut out = hyper::Response::new(Full::new(response.body));
    *out.status_mut() =
        http::StatusCode::from_u16(response.status).unwrap_or(http::StatusCode::BAD_GATEWAY);
    *out.headers_mut() = end_to_end(&response.headers);
    Ok(out)
}

async fn forward(
    shared: &Shared,
    operation: Option<&str>,
    request: &ProxiedRequest,
) -> Option<ProxiedResponse> {
    if !shared.run.budget.try_take() {
        return Some(ProxiedResponse::json(
            503,
            &serde_json::json!({
                "ok": false,
                "error_code": BUDGET_EXHAUSTED,
                "error_message": "the contract run's request budget is spent: raise CONTRACT_REQUEST_BUDGET",
                "data": null
            }),
        ));
    }
    let url = format!("{}{}", shared.upstream, request.path_and_query);
    let sent = shared
        .http
        .request(request.method.clone(), url)
        .headers(end_to_end(&request.headers))
        .body(request.body.clone())
        .send()
        .await;
    let mut response = match sent {
        Ok(upstream) => {
            let status = upstream.status().as_u16();
            let mut headers = upstream.headers().clone();
            mark_secrets(&mut headers);
            match upstream.bytes().await {
                Ok(body) => ProxiedResponse {
                    status,
                    headers,
                    body,
                },
                Err(_) => return None,
            }
        }
        Err(_) => return None,
    };
    remember_created_order(&shared.run, operation, request, &response);
    shared
        .interceptor
        .on_response(operation, request, &mut response);
    Some(response)
}

fn remember_created_order(
    run: &RunState,
    operation: Option<&str>,
    request: &ProxiedRequest,
    response: &ProxiedResponse,
) {
    if !matches!(
        operation,
        Some("create_stars_order" | "create_premium_order")
    ) || response.status != 200
    {
        return;
    }
    let id = response
        .json_body()
        .and_then(|body| body.pointer("/data/id").and_then(serde_json::Value::as_u64));
    let authorization = request.headers.get(header::AUTHORIZATION).cloned();
    if let (Some(id), Some(mut authorization)) = (id, authorization) {
        // Already marked by `handle`; kept here so the run's list never depends on it.
        authorization.set_sensitive(true);
        run.created(CreatedOrder { authorization, id });
    }
}

fn record(run: &RunState, operation: &str, response: &ProxiedResponse) {
    let body = response.json_body();
    let code = body
        .as_ref()
        .and_then(|b| b.get("error_code"))
        .and_then(serde_json::Value::as_str);
    if code == Some(BUDGET_EXHAUSTED) {
        return;
    }
    let code = match code {
        Some(code) => code.to_owned(),
        None if response.status >= 400 => "(none)".to_owned(),
        None => "-".to_owned(),
    };
    let status = Status::documented_for(spec().operation(operation), response.status);
    run.coverage.record(operation, status, &code);
}

/// Sends `request` straight to `upstream`, bypassing any proxy: for the end-of-run cleanup.
pub async fn send_direct(
    upstream: &str,
    method: http::Method,
    path: &str,
    authorization: &HeaderValue,
    idempotency_key: Option<&str>,
) -> Result<u16, reqwest::Error> {
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()?;
    let mut builder = http
        .request(method, format!("{}{path}", upstream.trim_end_matches('/')))
        .header(header::AUTHORIZATION, authorization.clone());
    if let Some(key) = idempotency_key {
        builder = builder.header("idempotency-key", key);
    }
    builder.send().await.map(|r| r.status().as_u16())
}
