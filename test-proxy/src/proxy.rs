//! A running proxy: it accepts connections on loopback, serves each request by its verdict, and
//! stops either at once (dropped) or after the server has finished every forwarded request
//! ([`Proxy::shutdown`]).

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::{JoinHandle, JoinSet};

use crate::downstream::Downstream;
use crate::exchange::{Shared, handle};
use crate::upstream::Upstream;
use crate::verdict::Handler;

/// How long [`Proxy::shutdown`] waits for requests it forwarded to finish at the server.
const DRAIN_LIMIT: Duration = Duration::from_secs(10);

/// How the proxy writes its answers on the wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct WireOptions {
    /// Header names in Title-Case (`Idempotent-Replayed`) instead of hyper's lower case: names
    /// are case-insensitive (RFC 9110 §5.1), so a correct client must not notice.
    pub title_case_headers: bool,
}

impl WireOptions {
    /// Header names written in Title-Case.
    pub fn title_case_headers() -> Self {
        Self {
            title_case_headers: true,
        }
    }
}

/// A running proxy. Dropping it stops it at once, closing every connection; forwards already
/// under way still finish at the server.
#[derive(Debug)]
pub struct Proxy {
    addr: SocketAddr,
    accept: JoinHandle<()>,
    /// Closed once every forward has finished (each holds a sender).
    forwards_done: mpsc::Receiver<Infallible>,
}

impl Proxy {
    /// Binds `127.0.0.1` on a free port and starts serving, in front of `upstream`
    /// (`http://` or `https://`, a host and port, and a path prefix if any), each request as
    /// `handler` decides.
    pub async fn start(upstream: &str, handler: Arc<dyn Handler>) -> io::Result<Self> {
        Self::start_with(upstream, handler, WireOptions::default()).await
    }

    /// [`Proxy::start`], writing answers as `wire` says.
    pub async fn start_with(
        upstream: &str,
        handler: Arc<dyn Handler>,
        wire: WireOptions,
    ) -> io::Result<Self> {
        let upstream = Upstream::new(upstream)?;
        let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let (forwards, forwards_done) = mpsc::channel(1);
        let shared = Arc::new(Shared {
            upstream,
            handler,
            forwards,
        });
        let accept = tokio::spawn(accept_loop(listener, shared, wire));
        Ok(Self {
            addr,
            accept,
            forwards_done,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, closes every connection, and waits (at most ten seconds) until every
    /// forwarded request has finished at the server, so that the server's records are final.
    pub async fn shutdown(mut self) -> io::Result<()> {
        self.accept.abort();
        match tokio::time::timeout(DRAIN_LIMIT, self.forwards_done.recv()).await {
            Ok(_) => Ok(()),
            Err(_) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "forwarded requests were still running {DRAIN_LIMIT:?} after the proxy stopped"
                ),
            )),
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// Accepts connections until aborted; aborting drops the set, which aborts every connection.
async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, wire: WireOptions) {
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
        connections.spawn(serve_connection(stream, Arc::clone(&shared), wire));
    }
}

async fn serve_connection(stream: TcpStream, shared: Arc<Shared>, wire: WireOptions) {
    let _ = stream.set_nodelay(true);
    let (downstream, reset) = Downstream::new(stream);
    let service =
        service_fn(move |request| handle(Arc::clone(&shared), Arc::clone(&reset), request));
    // Connection errors are the verdicts themselves, or a client that gave up: nothing to report.
    let _ = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .keep_alive(true)
        .title_case_headers(wire.title_case_headers)
        .serve_connection(TokioIo::new(downstream), service)
        .await;
}
