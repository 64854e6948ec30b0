//! The run's recording proxy, in both modes: the workspace's loopback proxy (`test-proxy`) with
//! a handler that maps each request to its operation, enforces the run's request budget,
//! records what was exercised, remembers created orders for the cleanup, keeps the exchanges
//! for snapshots and reports, and lets an [`Interceptor`] inject faults or rewrite responses.

use std::sync::{Arc, Mutex};

use http::header;
use test_proxy::{Handler, ProxiedRequest, ProxiedResponse, Proxy, Verdict};

use crate::intercept::Interceptor;
use crate::run::{CreatedOrder, RunState};
use crate::spec::{Status, spec};

/// Error code of the answer the proxy gives once the budget is spent.
pub(crate) const BUDGET_EXHAUSTED: &str = "CONTRACT_BUDGET_EXHAUSTED";

/// One request and what the client got back (`None`: dropped).
#[derive(Debug, Clone)]
pub(crate) struct Exchange {
    /// The operation, when the request is one of the spec's.
    pub(crate) operation: Option<String>,
    pub(crate) request: ProxiedRequest,
    /// The response the client received.
    pub(crate) response: Option<ProxiedResponse>,
}

/// A running recording proxy; stops when dropped.
#[derive(Debug)]
pub struct RecordingProxy {
    proxy: Proxy,
    recorder: Arc<Recorder>,
}

impl RecordingProxy {
    /// Starts a proxy on a free loopback port in front of `upstream` (scheme, host, port).
    pub async fn start(
        upstream: &str,
        run: Arc<RunState>,
        interceptor: Arc<dyn Interceptor>,
    ) -> std::io::Result<Self> {
        let wire = interceptor.wire();
        let recorder = Arc::new(Recorder {
            run,
            interceptor,
            exchanges: Mutex::default(),
        });
        let proxy = Proxy::start_with(upstream, recorder.clone(), wire).await?;
        Ok(Self { proxy, recorder })
    }

    /// The proxy's base URL, `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.proxy.base_url()
    }

    /// Every exchange so far.
    pub(crate) fn exchanges(&self) -> Vec<Exchange> {
        self.recorder
            .exchanges
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

#[derive(Debug)]
struct Recorder {
    run: Arc<RunState>,
    interceptor: Arc<dyn Interceptor>,
    exchanges: Mutex<Vec<Exchange>>,
}

/// The spec's operation for `request`, if it is one.
fn operation_of(request: &ProxiedRequest) -> Option<String> {
    spec()
        .operation_for(&request.method, request.path())
        .map(|o| o.id.clone())
}

impl Handler for Recorder {
    fn on_request(&self, request: &mut ProxiedRequest) -> Verdict {
        let operation = operation_of(request);
        let verdict = self.interceptor.on_request(operation.as_deref(), request);
        if verdict.forwards() && !self.run.budget.try_take() {
            return Verdict::Respond(ProxiedResponse::json(
                503,
                &serde_json::json!({
                    "ok": false,
                    "error_code": BUDGET_EXHAUSTED,
                    "error_message": "the contract run's request budget is spent: raise CONTRACT_REQUEST_BUDGET",
                    "data": null
                }),
            ));
        }
        verdict
    }

    fn on_response(&self, request: &ProxiedRequest, response: &mut ProxiedResponse) {
        let operation = operation_of(request);
        remember_created_order(&self.run, operation.as_deref(), request, response);
        self.interceptor
            .on_response(operation.as_deref(), request, response);
    }

    fn on_exchange(&self, request: &ProxiedRequest, answer: Option<&ProxiedResponse>) {
        let operation = operation_of(request);
        if let (Some(op), Some(answer)) = (&operation, answer) {
            record(&self.run, op, answer);
        }
        self.exchanges
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Exchange {
                operation,
                request: request.clone(),
                response: answer.cloned(),
            });
    }
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
        // Already marked by the proxy; kept here so the run's list never depends on it.
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
