//! What the run's proxy may do to an exchange, by operation: pass it, answer it itself, drop
//! or stall the connection (client-side retry clauses), or rewrite the response (the
//! broken-server proofs).

use std::sync::{Arc, Mutex};

use test_proxy::{ProxiedRequest, ProxiedResponse, Verdict, WireOptions};

/// Sees every exchange through a [`RecordingProxy`](crate::proxy::RecordingProxy).
pub trait Interceptor: Send + Sync + std::fmt::Debug + 'static {
    /// Decides what happens to a request for `operation` (`None`: not in the spec); may
    /// rewrite it before it goes upstream.
    fn on_request(&self, _operation: Option<&str>, _request: &mut ProxiedRequest) -> Verdict {
        Verdict::Forward
    }

    /// How the proxy writes answers on the wire (header-name case).
    fn wire(&self) -> WireOptions {
        WireOptions::default()
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

/// The `Idempotency-Key` of every request a [`FaultOnce`] saw for its operation, in order
/// (`None`: the request carried none). The first is the one that was faulted.
pub(crate) type Attempts = Arc<Mutex<Vec<Option<String>>>>;

/// Gives the first request for `operation` the verdict `fault`, and records the
/// `Idempotency-Key` of that request and of every later one for `operation`; later requests
/// pass.
#[derive(Debug)]
pub(crate) struct FaultOnce {
    operation: &'static str,
    fault: Verdict,
    attempts: Attempts,
}

impl FaultOnce {
    pub(crate) fn new(operation: &'static str, fault: Verdict, attempts: Attempts) -> Self {
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
        self.fault.clone()
    }
}
