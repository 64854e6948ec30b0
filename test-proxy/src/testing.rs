//! For tests of the proxy and of its handlers: a server that counts what reaches it, and a
//! client that reads the raw wire, so that a FIN, a reset and a timeout are told apart.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

/// What [`CountingUpstream`] answers: an order, as the API's success envelope.
pub const BODY: &str = r#"{"ok":true,"data":{"id":1,"status":"pending_payment","padding":"0123456789abcdef0123456789abcdef"}}"#;

/// A server that counts requests as they arrive and as they finish, waiting `work` between, and
/// answers [`BODY`]; a request with `Idempotency-Key: replay` is answered as the API answers a
/// replay (`Idempotent-Replayed: true`). Stops when dropped.
#[derive(Debug)]
pub struct CountingUpstream {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Requests that reached it.
    pub arrived: Arc<AtomicU64>,
    /// Requests it finished.
    pub finished: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for CountingUpstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl CountingUpstream {
    /// Starts it on a free loopback port.
    pub async fn start(work: Duration) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let arrived = Arc::new(AtomicU64::new(0));
        let finished = Arc::new(AtomicU64::new(0));
        let (a, f) = (Arc::clone(&arrived), Arc::clone(&finished));
        let task = tokio::spawn(async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let (a, f) = (Arc::clone(&a), Arc::clone(&f));
                tokio::spawn(async move {
                    let service = service_fn(move |request: Request<Incoming>| {
                        let (a, f) = (Arc::clone(&a), Arc::clone(&f));
                        async move {
                            a.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(work).await;
                            f.fetch_add(1, Ordering::SeqCst);
                            let replay = request
                                .headers()
                                .get("idempotency-key")
                                .is_some_and(|k| k == "replay");
                            let mut response =
                                Response::builder().header("content-type", "application/json");
                            if replay {
                                response = response.header("idempotent-replayed", "true");
                            }
                            Ok::<_, std::convert::Infallible>(
                                response
                                    .body(Full::new(Bytes::from_static(BODY.as_bytes())))
                                    .unwrap(),
                            )
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self {
            addr,
            arrived,
            finished,
            task,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// How the client's read ended.
#[derive(Debug, PartialEq, Eq)]
pub enum End {
    /// The connection closed (FIN).
    Eof,
    /// The connection was reset (RST).
    Reset,
    /// Nothing more came within the client's patience.
    TimedOut,
}

/// Everything the client read, and how the read ended.
#[derive(Debug)]
pub struct RawExchange {
    /// The bytes, head and body.
    pub received: Vec<u8>,
    /// How the read ended.
    pub end: End,
}

impl RawExchange {
    /// What was read, as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.received).into_owned()
    }

    /// The status, when a head arrived.
    pub fn status(&self) -> Option<u16> {
        self.text()
            .strip_prefix("HTTP/1.1 ")?
            .get(..3)?
            .parse()
            .ok()
    }

    /// A header of the head, by name in any case.
    pub fn header(&self, name: &str) -> Option<String> {
        let text = self.text();
        let (head, _) = text.split_once("\r\n\r\n")?;
        head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    }

    /// What came after the head.
    pub fn body(&self) -> String {
        self.text()
            .split_once("\r\n\r\n")
            .map(|(_, body)| body.to_owned())
            .unwrap_or_default()
    }
}

/// Writes `request` (a whole HTTP/1.1 request) on a fresh connection to `base_url`
/// (`http://host:port`), then reads until EOF, a reset, or `patience`.
pub async fn raw_exchange(base_url: &str, request: &str, patience: Duration) -> RawExchange {
    let mut stream = TcpStream::connect(base_url.trim_start_matches("http://"))
        .await
        .unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    let deadline = Instant::now() + patience;
    let mut buf = [0; 4096];
    let end = loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => break End::TimedOut,
            Ok(Ok(0)) => break End::Eof,
            Ok(Ok(n)) => received.extend_from_slice(&buf[..n]),
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionReset => break End::Reset,
            Ok(Err(e)) => panic!("unexpected read error {e}"),
        }
    };
    RawExchange { received, end }
}
