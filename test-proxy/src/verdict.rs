//! What the proxy does with a request, and the handler that decides it.

use std::fmt::Debug;
use std::time::Duration;

use crate::message::{ProxiedRequest, ProxiedResponse};

/// What happens to one request.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// Send it to the server and pass its answer on.
    Forward,
    /// Answer it without going to the server.
    Respond(ProxiedResponse),
    /// Close the connection without an answer; the server never sees the request.
    Drop,
    /// Hold the connection this long, then close it without an answer; the server never sees
    /// the request.
    Stall(Duration),
    /// Send it to the server, let the server finish it, then close the connection without
    /// passing the answer on.
    ForwardThenDrop,
    /// Send it to the server and pass the answer on no sooner than this long after the
    /// request arrived.
    ForwardThenDelay(Duration),
    /// Send it to the server, pass on the answer's head (announcing the whole length) and half
    /// of its body, then reset the connection (TCP RST).
    ForwardThenReset,
}

impl Verdict {
    /// Whether the request goes to the server.
    pub fn forwards(&self) -> bool {
        matches!(
            self,
            Self::Forward
                | Self::ForwardThenDrop
                | Self::ForwardThenDelay(_)
                | Self::ForwardThenReset
        )
    }
}

/// Decides what happens to each request, and sees what came of it. Every request, response and
/// answer a hook gets has its credential headers marked sensitive.
pub trait Handler: Send + Sync + Debug + 'static {
    /// The verdict on `request`, which the handler may rewrite before it goes to the server.
    fn on_request(&self, request: &mut ProxiedRequest) -> Verdict;

    /// May rewrite the server's answer to a forwarded request before the verdict delivers it.
    /// Runs whether or not the client is still there.
    fn on_response(&self, _request: &ProxiedRequest, _response: &mut ProxiedResponse) {}

    /// What the client gets when a forwarded request could not reach the server or its answer
    /// could not be read; `None` (the default) closes the connection without an answer. The
    /// answer is delivered whole (after the delay of a [`Verdict::ForwardThenDelay`]): a drop
    /// or a reset applies only to the server's own answer.
    fn on_upstream_error(&self, _request: &ProxiedRequest) -> Option<ProxiedResponse> {
        None
    }

    /// Sees each request with what its client is sent (`None`: nothing), just before it is
    /// sent: after a stall or a delay; for a reset, the answer whose body is cut.
    fn on_exchange(&self, _request: &ProxiedRequest, _answer: Option<&ProxiedResponse>) {}
}
