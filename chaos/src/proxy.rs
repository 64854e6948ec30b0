//! A fault-injecting HTTP/1.1 proxy on loopback, built on hyper.
//!
//! Every request is read whole, given an identity (its JSON body's `client_reference`, or its
//! method and path), and handed to the [`FaultPlan`]. The faults that reach the server (a
//! dropped, delayed or reset response) forward the request in a task of its own, so the server
//! commits it even when the client has long given up; the others answer without forwarding.

use std::collections::HashMap;
use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::uri::{Authority, Uri};
use http::{Request, Response, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::service::service_fn;
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;

use super::fault::{Fault, FaultPlan};

/// How long a reset waits between sending part of the body and resetting, so that the client
/// has read the head and the partial body first: a reset then lands mid-body, not before it.
const RESET_PAUSE: Duration = Duration::from_millis(20);
/// How long [`Proxy::shutdown`] waits for requests it forwarded to finish at the server.
const DRAIN_LIMIT: Duration = Duration::from_secs(10);

/// Where to forward and what to inject.
#[derive(Debug, Clone)]
pub(crate) struct ProxyConfig {
    /// The server's base URL, `http://host:port` (any path is ignored).
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

/// A running proxy. Dropping it stops it at once; [`Proxy::shutdown`] also waits for forwarded
/// requests to finish at the server.
#[derive(Debug)]
pub(crate) struct Proxy {
    addr: SocketAddr,
    state: Arc<State>,
    accept: JoinHandle<()>,
    /// Closed once every forward has finished (each holds a sender).
    forwards_done: mpsc::Receiver<Infallible>,
}

impl Proxy {
    /// Binds `127.0.0.1` on a free port and starts serving.
    pub(crate) async fn start(config: ProxyConfig) -> anyhow::Result<Self> {
        let upstream = upstream_authority(&config.upstream)?;
        let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let state = Arc::new(State {
            upstream,
            config,
            client: HttpClient::builder(TokioExecutor::new()).build(connector),
            occurrences: Mutex::default(),
            counters: Counters::default(),
        });
        let (forward_tx, forwards_done) = mpsc::channel(1);
        let accept = tokio::spawn(accept_loop(listener, Arc::clone(&state), forward_tx));
        Ok(Self {
            addr,
            state,
            accept,
            forwards_done,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub(crate) fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// What the proxy has seen so far.
    pub(crate) fn stats(&self) -> ProxyStats {
        self.state.counters.snapshot()
    }

    /// Stops accepting, closes every connection, and waits (at most ten seconds) until every
    /// forwarded request has finished at the server, so that the server's records are final.
    pub(crate) async fn shutdown(mut self) -> anyhow::Result<ProxyStats> {
        self.accept.abort();
        let drained = tokio::time::timeout(DRAIN_LIMIT, self.forwards_done.recv()).await;
        anyhow::ensure!(
            drained.is_ok(),
            "forwarded requests were still running {DRAIN_LIMIT:?} after the proxy stopped"
        );
        Ok(self.stats())
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

#[derive(Debug)]
struct State {
    upstream: Authority,
    config: ProxyConfig,
    client: HttpClient<HttpConnector, Full<Bytes>>,
    occurrences: Mutex<HashMap<String, u32>>,
    counters: Counters,
}

impl State {
    /// How many earlier requests carried `identity`; counts this one.
    fn next_occurrence(&self, identity: &str) -> u32 {
        let mut seen = self.occurrences.lock().unwrap_or_else(|p| p.into_inner());
        let count = seen.entry(identity.to_owned()).or_default();
        let occurrence = *count;
        *count += 1;
        occurrence
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

fn upstream_authority(base_url: &str) -> anyhow::Result<Authority> {
    let uri: Uri = base_url
        .parse()
        .map_err(|e| anyhow::anyhow!("upstream `{base_url}` is not a URL: {e}"))?;
    anyhow::ensure!(
        uri.scheme_str() == Some("http"),
        "upstream `{base_url}` must be a plain http:// URL"
    );
    uri.authority()
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("upstream `{base_url}` has no host"))
}

/// Accepts connections until aborted; aborting drops the set, which aborts every connection.
async fn accept_loop(
    listener: TcpListener,
    state: Arc<State>,
    forward_tx: mpsc::Sender<Infallible>,
) {
    let mut connections = JoinSet::new();
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of descriptors and the like: back off instead of spinning.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        // Reap finished connections so the set does not grow with the run.
        while connections.try_join_next().is_some() {}
        connections.spawn(serve_connection(
            stream,
            Arc::clone(&state),
            forward_tx.clone(),
        ));
    }
}

async fn serve_connection(
    stream: TcpStream,
    state: Arc<State>,
    forward_tx: mpsc::Sender<Infallible>,
) {
    let _ = stream.set_nodelay(true);
    let reset = Arc::new(AtomicBool::new(false));
    let io = TokioIo::new(Downstream {
        stream,
        reset: Arc::clone(&reset),
    });
    let service = service_fn(move |request| {
        handle(
            Arc::clone(&state),
            Arc::clone(&reset),
            forward_tx.clone(),
            request,
        )
    });
    // Connection errors are the faults themselves, or a client that gave up: nothing to report.
    let _ = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .keep_alive(true)
        .serve_connection(io, service)
        .await;
}

type ProxyBody = UnsyncBoxBody<Bytes, io::Error>;

/// A whole response from the server.
struct Upstream {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

async fn handle(
    state: Arc<State>,
    reset: Arc<AtomicBool>,
    forward_tx: mpsc::Sender<Infallible>,
    request: Request<Incoming>,
) -> io::Result<Response<ProxyBody>> {
    let arrived = Instant::now();
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map_err(io::Error::other)?.to_bytes();
    Counters::bump(&state.counters.requests);
    let identity = identity(&parts.method, &parts.uri, &body);
    let occurrence = state.next_occurrence(&identity);
    let fault = state.config.plan.decide(&identity, occurrence);
    if let Some(fault) = fault {
        Counters::bump(&state.counters.faults[fault.index()]);
    }
    let retry_after_secs = state.config.retry_after_secs;
    match fault {
        Some(Fault::BadGateway) => Ok(canned_bad_gateway()),
        Some(Fault::Unavailable) => Ok(canned_unavailable()),
        Some(Fault::RateLimited) => Ok(canned_rate_limited(retry_after_secs)),
        None => Ok(relay(&state, parts, body, forward_tx)
            .await
            .map_or_else(|failed| failed, whole)),
        Some(Fault::DropResponse) => match relay(&state, parts, body, forward_tx).await {
            Ok(_) => Err(io::Error::other("chaos: response dropped")),
            Err(failed) => Ok(failed),
        },
        Some(Fault::Delay) => {
            let response = relay(&state, parts, body, forward_tx)
                .await
                .map_or_else(|failed| failed, whole);
            tokio::time::sleep_until(arrived + state.config.delay).await;
            Ok(response)
        }
        Some(Fault::ResetMidBody) => match relay(&state, parts, body, forward_tx).await {
            Ok(upstream) => {
                reset.store(true, Ordering::Relaxed);
                Ok(cut_off(upstream))
            }
            Err(failed) => Ok(failed),
        },
    }
}

/// Forwards in a task of its own, so the server finishes the request even if the client's
/// connection is gone by then. A server that cannot be reached is a `502` that is no injected
/// fault.
async fn relay(
    state: &Arc<State>,
    parts: http::request::Parts,
    body: Bytes,
    forward_tx: mpsc::Sender<Infallible>,
) -> Result<Upstream, Response<ProxyBody>> {
    Counters::bump(&state.counters.forwarded);
    let task = {
        let state = Arc::clone(state);
        tokio::spawn(async move {
            let response = forward(&state, parts, body).await;
            drop(forward_tx);
            response
        })
    };
    let Ok(Ok(upstream)) = task.await else {
        Counters::bump(&state.counters.upstream_errors);
        return Err(text(
            StatusCode::BAD_GATEWAY,
            "text/plain",
            "chaos proxy: upstream unreachable",
        ));
    };
    if upstream
        .headers
        .get("idempotent-replayed")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"))
    {
        Counters::bump(&state.counters.replayed);
    }
    Ok(upstream)
}

/// The request's call identity: the `client_reference` of its JSON body, so that every attempt
/// of one call shares it, or else its method and path.
fn identity(method: &http::Method, uri: &Uri, body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|json| {
            json.get("client_reference")?
                .as_str()
                .map(|reference| format!("ref:{reference}"))
        })
        .unwrap_or_else(|| format!("{method} {}", uri.path()))
}

async fn forward(
    state: &State,
    mut parts: http::request::Parts,
    body: Bytes,
) -> anyhow::Result<Upstream> {
    let path = parts
        .uri
        .path_and_query()
        .map_or("/", http::uri::PathAndQuery::as_str);
    parts.uri = Uri::builder()
        .scheme("http")
        .authority(state.upstream.clone())
        .path_and_query(path)
        .build()?;
    strip_hop_by_hop(&mut parts.headers);
    parts.headers.remove(header::HOST);
    let response = state
        .client
        .request(Request::from_parts(parts, Full::new(body)))
        .await?;
    let (parts, body) = response.into_parts();
    let mut headers = parts.headers;
    strip_hop_by_hop(&mut headers);
    Ok(Upstream {
        status: parts.status,
        headers,
        body: body.collect().await?.to_bytes(),
    })
}

fn strip_hop_by_hop(headers: &mut HeaderMap) {
    const HOP_BY_HOP: [HeaderName; 7] = [
        header::CONNECTION,
        header::PROXY_AUTHENTICATE,
        header::PROXY_AUTHORIZATION,
        header::TE,
        header::TRAILER,
        header::TRANSFER_ENCODING,
        header::UPGRADE,
    ];
    for name in HOP_BY_HOP {
        headers.remove(name);
    }
    headers.remove("keep-alive");
    headers.remove(header::CONTENT_LENGTH);
}

fn response(
    status: StatusCode,
    mut headers: HeaderMap,
    length: usize,
    body: ProxyBody,
) -> Response<ProxyBody> {
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

fn whole(upstream: Upstream) -> Response<ProxyBody> {
    let length = upstream.body.len();
    let body = Full::new(upstream.body)
        .map_err(|never| match never {})
        .boxed_unsync();
    response(upstream.status, upstream.headers, length, body)
}

/// The head (announcing the whole length) and the first half of the body; then, after
/// [`RESET_PAUSE`], a body error that makes hyper drop the connection, which [`Downstream`]
/// turns into a TCP reset.
fn cut_off(upstream: Upstream) -> Response<ProxyBody> {
    let length = upstream.body.len();
    let sent = upstream.body.slice(..length / 2);
    let frames = futures_util::stream::iter([Ok(Frame::data(sent))]).chain(
        futures_util::stream::once(async {
            tokio::time::sleep(RESET_PAUSE).await;
            Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "chaos: reset mid-body",
            ))
        }),
    );
    let body = StreamBody::new(frames).boxed_unsync();
    response(upstream.status, upstream.headers, length, body)
}

fn text(status: StatusCode, content_type: &'static str, body: &'static str) -> Response<ProxyBody> {
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let body = Bytes::from_static(body.as_bytes());
    let length = body.len();
    response(
        status,
        headers,
        length,
        Full::new(body)
            .map_err(|never| match never {})
            .boxed_unsync(),
    )
}

/// What a load balancer answers when the backend is gone: an HTML page.
fn canned_bad_gateway() -> Response<ProxyBody> {
    text(
        StatusCode::BAD_GATEWAY,
        "text/html",
        "<html><head><title>502 Bad Gateway</title></head>\
         <body><center><h1>502 Bad Gateway</h1></center></body></html>\n",
    )
}

fn canned_unavailable() -> Response<ProxyBody> {
    text(
        StatusCode::SERVICE_UNAVAILABLE,
        "text/plain",
        "upstream connect error or disconnect/reset before headers\n",
    )
}

/// The API's own `429`, with its error envelope and `Retry-After`.
fn canned_rate_limited(retry_after_secs: u64) -> Response<ProxyBody> {
    let mut response = text(
        StatusCode::TOO_MANY_REQUESTS,
        "application/json",
        r#"{"ok":false,"error_code":"RATE_LIMITED","error_message":"rate limit exceeded (chaos proxy)","data":null}"#,
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    response
}

/// The client's socket. When a reset was asked for, it skips the graceful shutdown and closes
/// with `SO_LINGER` 0, so the kernel sends RST instead of FIN.
#[derive(Debug)]
struct Downstream {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
}

impl Downstream {
    fn resetting(&self) -> bool {
        self.reset.load(Ordering::Relaxed)
    }
}

impl AsyncRead for Downstream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Downstream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.resetting() {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

impl Drop for Downstream {
    fn drop(&mut self) {
        if self.resetting() {
            // Best effort: if it fails the close is a FIN, still a cut-off body to the client.
            let _ = self.stream.set_zero_linger();
        }
    }
}

#[cfg(test)]
mod tests;
