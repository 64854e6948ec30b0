//! The fault plan as the workspace's loopback proxy sees it (`test-proxy`): every request is
//! given an identity (its JSON body's `client_reference`, or its method and path), the
//! [`FaultPlan`] picks its fault, and the fault becomes the proxy's verdict. The faults that
//! reach the server (a dropped, delayed or reset response) are forwarded in a task of their
//! own, so the server commits them even when the client has long given up; the others are
//! answered without forwarding.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use test_proxy::{Handler, ProxiedRequest, ProxiedResponse, Proxy, Verdict};

use super::fault::{Fault, FaultPlan};

/// Where to forward and what to inject.
#[derive(Debug, Clone)]
pub(crate) struct ProxyConfig {
    /// The server's base URL, `http://host:port`.
    pub(crate) upstream: String,
    /// Which fault each request meets.
    pub(crate) plan: FaultPlan,
    /// How long after its arrival a [`Fault::Delay`] response is sent: longer than the
    /// client's timeout.
    pub(crate) delay: Duration,
    /// The `Retry-After` of a [`Fault::RateLimited`] answer, in whole seconds.
    pub(crate) retry_after_secs: u64,
}

/// Counts, as seen by the proxy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProxyStats {
    /// Requests received.
    pub requests: u64,
    /// Requests forwarded to the server.
    pub forwarded: u64,
    /// Forwarded requests the server answered as a replay (`Idempotent-Replayed: true`).
    pub replayed: u64,
    /// Forwards that failed (the server unreachable); answered with a 502 that is no injected
    /// fault.
    pub upstream_errors: u64,
    /// Faults injected, in [`Fault::ALL`] order.
    pub faults: [u64; Fault::ALL.len()],
}

impl ProxyStats {
    /// Faults of one kind.
    pub fn faults_of(&self, fault: Fault) -> u64 {
        self.faults[fault.index()]
    }

    /// Faults of every kind.
    pub(crate) fn total_faults(&self) -> u64 {
        self.faults.iter().sum()
    }
}

/// The loopback proxy running the fault plan. Dropping it stops it at once;
/// [`FaultProxy::shutdown`] also waits for forwarded requests to finish at the server.
#[derive(Debug)]
pub(crate) struct FaultProxy {
    proxy: Proxy,
    injector: Arc<FaultInjector>,
}

impl FaultProxy {
    /// Binds `127.0.0.1` on a free port and starts serving.
    pub(crate) async fn start(config: ProxyConfig) -> anyhow::Result<Self> {
        anyhow::ensure!(
            config.upstream.starts_with("http://"),
            "upstream `{}` must be a plain http:// URL",
            config.upstream
        );
        let upstream = config.upstream.clone();
        let injector = Arc::new(FaultInjector {
            config,
            occurrences: Mutex::default(),
            counters: Counters::default(),
        });
        let proxy = Proxy::start(&upstream, injector.clone()).await?;
        Ok(Self { proxy, injector })
    }

    /// `http://127.0.0.1:PORT`.
    pub(crate) fn base_url(&self) -> String {
        self.proxy.base_url()
    }

    /// Stops accepting, closes every connection, and waits (at most ten seconds) until every
    /// forwarded request has finished at the server, so that the server's records are final.
    pub(crate) async fn shutdown(self) -> anyhow::Result<ProxyStats> {
        self.proxy.shutdown().await?;
        Ok(self.injector.counters.snapshot())
    }
}

/// Decides each request's fault and counts what happened.
#[derive(Debug)]
struct FaultInjector {
    config: ProxyConfig,
    occurrences: Mutex<HashMap<String, u32>>,
    counters: Counters,
}

impl FaultInjector {
    /// How many earlier requests carried `identity`; counts this one.
    fn next_occurrence(&self, identity: &str) -> u32 {
        let mut seen = self.occurrences.lock().unwrap_or_else(|p| p.into_inner());
        let count = seen.entry(identity.to_owned()).or_default();
        let occurrence = *count;
        *count += 1;
        occurrence
    }
}

impl Handler for FaultInjector {
    fn on_request(&self, request: &mut ProxiedRequest) -> Verdict {
        Counters::bump(&self.counters.requests);
        let identity = identity(request);
        let occurrence = self.next_occurrence(&identity);
        let fault = self.config.plan.decide(&identity, occurrence);
        if let Some(fault) = fault {
            Counters::bump(&self.counters.faults[fault.index()]);
        }
        let verdict = match fault {
            None => Verdict::Forward,
            Some(Fault::BadGateway) => Verdict::Respond(canned_bad_gateway()),
            Some(Fault::Unavailable) => Verdict::Respond(canned_unavailable()),
            Some(Fault::RateLimited) => {
                Verdict::Respond(canned_rate_limited(self.config.retry_after_secs))
            }
            Some(Fault::DropResponse) => Verdict::ForwardThenDrop,
            Some(Fault::Delay) => Verdict::ForwardThenDelay(self.config.delay),
            Some(Fault::ResetMidBody) => Verdict::ForwardThenReset,
        };
        if verdict.forwards() {
            Counters::bump(&self.counters.forwarded);
        }
        verdict
    }

    fn on_response(&self, _: &ProxiedRequest, response: &mut ProxiedResponse) {
        if response
            .headers
            .get("idempotent-replayed")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"))
        {
            Counters::bump(&self.counters.replayed);
        }
    }

    /// A server that cannot be reached is a `502` that is no injected fault.
    fn on_upstream_error(&self, _: &ProxiedRequest) -> Option<ProxiedResponse> {
        Counters::bump(&self.counters.upstream_errors);
        Some(ProxiedResponse::new(
            502,
            "text/plain",
            "chaos proxy: upstream unreachable",
        ))
    }
}

#[derive(Debug, Default)]
struct Counters {
    requests: AtomicU64,
    forwarded: AtomicU64,
    replayed: AtomicU64,
    upstream_errors: AtomicU64,
    faults: [AtomicU64; Fault::ALL.len()],
}

impl Counters {
    fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn snapshot(&self) -> ProxyStats {
        let read = |c: &AtomicU64| c.load(Ordering::Relaxed);
        ProxyStats {
            requests: read(&self.requests),
            forwarded: read(&self.forwarded),
            replayed: read(&self.replayed),
            upstream_errors: read(&self.upstream_errors),
            faults: self.faults.each_ref().map(read),
        }
    }
}

/// The request's call identity: the `client_reference` of its JSON body, so that every attempt
/// of one call shares it, or else its method and path.
fn identity(request: &ProxiedRequest) -> String {
    serde_json::from_slice::<serde_json::Value>(&request.body)
        .ok()
        .and_then(|json| {
            json.get("client_reference")?
                .as_str()
                .map(|reference| format!("ref:{reference}"))
        })
        .unwrap_or_else(|| format!("{} {}", request.method, request.path()))
}

/// What a load balancer answers when the backend is gone: an HTML page.
fn canned_bad_gateway() -> ProxiedResponse {
    ProxiedResponse::new(
        502,
        "text/html",
        "<html><head><title>502 Bad Gateway</title></head>\
         <body><center><h1>502 Bad Gateway</h1></center></body></html>\n",
    )
}

fn canned_unavailable() -> ProxiedResponse {
    ProxiedResponse::new(
        503,
        "text/plain",
        "upstream connect error or disconnect/reset before headers\n",
    )
}

/// The API's own `429`, with its error envelope and `Retry-After`.
fn canned_rate_limited(retry_after_secs: u64) -> ProxiedResponse {
    let mut response = ProxiedResponse::new(
        429,
        "application/json",
        r#"{"ok":false,"error_code":"RATE_LIMITED","error_message":"rate limit exceeded (chaos proxy)","data":null}"#,
    );
    response.headers.insert(
        http::header::RETRY_AFTER,
        http::HeaderValue::from(retry_after_secs),
    );
    response
}

#[cfg(test)]
mod tests;
