//! A loopback HTTP/1.1 server that misbehaves the same way on every request (an endless body,
//! a huge declared length, a body that stalls) and counts the body bytes it managed to send,
//! so a test can bound what the client read without timing anything.
//!
//! Also used by `benches/peak_rss.rs`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// Body bytes written per write call.
const CHUNK: usize = 64 * 1024;

/// How the server answers every request.
#[derive(Debug, Clone, Copy)]
pub enum Misbehaviour {
    /// A chunked body that never ends (until `give_up_after` bytes, so a broken client fails its
    /// test instead of hanging it).
    EndlessChunked { status: u16, give_up_after: u64 },
    /// `Content-Length: length`, then that many bytes (or until the client hangs up).
    DeclaredLength { status: u16, length: u64 },
    /// `Content-Length: declared`, then endless bytes (until `give_up_after`).
    Overrun {
        status: u16,
        declared: u64,
        give_up_after: u64,
    },
    /// `Content-Length: length`, then `sent` bytes, then silence with the connection open.
    Stall { status: u16, length: u64, sent: u64 },
}

pub struct HostileServer {
    pub base_url: String,
    state: Arc<State>,
}

#[derive(Default)]
struct State {
    requests: AtomicU64,
    body_bytes_sent: AtomicU64,
    connections_open: AtomicU64,
    connection_closed: Notify,
}

impl HostileServer {
    pub async fn start(misbehaviour: Misbehaviour) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(State::default());
        let shared = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = shared.clone();
                state.connections_open.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    serve(stream, misbehaviour, &state).await;
                    state.connections_open.fetch_sub(1, Ordering::SeqCst);
                    state.connection_closed.notify_waiters();
                });
            }
        });
        Self { base_url, state }
    }

    /// Requests received.
    pub fn requests(&self) -> u64 {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// Body bytes the server wrote into its sockets so far (the client read at most this).
    pub fn body_bytes_sent(&self) -> u64 {
        self.state.body_bytes_sent.load(Ordering::SeqCst)
    }

    /// Waits until the server has stopped writing on every connection (the client hung up),
    /// up to `limit`; false if it is still writing then.
    pub async fn wait_until_idle(&self, limit: Duration) -> bool {
        tokio::time::timeout(limit, async {
            loop {
                let closed = self.state.connection_closed.notified();
                if self.state.connections_open.load(Ordering::SeqCst) == 0 {
                    return;
                }
                closed.await;
            }
        })
        .await
        .is_ok()
    }
}

async fn serve(mut stream: TcpStream, misbehaviour: Misbehaviour, state: &State) {
    if !read_head(&mut stream).await {
        return;
    }
    state.requests.fetch_add(1, Ordering::SeqCst);
    let filler = vec![b'x'; CHUNK];
    match misbehaviour {
        Misbehaviour::EndlessChunked {
            status,
            give_up_after,
        } => {
            let head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
            );
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let mut frame = format!("{CHUNK:x}\r\n").into_bytes();
            frame.extend_from_slice(&filler);
            frame.extend_from_slice(b"\r\n");
            while state.body_bytes_sent.load(Ordering::SeqCst) < give_up_after {
                if stream.write_all(&frame).await.is_err() {
                    return;
                }
                state
                    .body_bytes_sent
                    .fetch_add(CHUNK as u64, Ordering::SeqCst);
            }
        }
        Misbehaviour::DeclaredLength { status, length } => {
            if write_head(&mut stream, status, length).await {
                write_body(&mut stream, length, &filler, state).await;
            }
        }
        Misbehaviour::Overrun {
            status,
            declared,
            give_up_after,
        } => {
            if write_head(&mut stream, status, declared).await {
                write_body(&mut stream, give_up_after, &filler, state).await;
            }
        }
        Misbehaviour::Stall {
            status,
            length,
            sent,
        } => {
            if write_head(&mut stream, status, length).await
                && write_body(&mut stream, sent, &filler, state).await
            {
                // Holds the connection open, silent, until the client hangs up.
                let mut byte = [0u8; 1];
                let _ = stream.read(&mut byte).await;
            }
        }
    }
}

async fn write_head(stream: &mut TcpStream, status: u16, length: u64) -> bool {
    let head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.is_ok()
}

/// Writes `length` filler bytes; false when the client hung up first.
async fn write_body(stream: &mut TcpStream, length: u64, filler: &[u8], state: &State) -> bool {
    let mut left = length;
    while left > 0 {
        let n = left.min(filler.len() as u64) as usize;
        if stream.write_all(&filler[..n]).await.is_err() {
            return false;
        }
        state.body_bytes_sent.fetch_add(n as u64, Ordering::SeqCst);
        left -= n as u64;
    }
    true
}

/// Reads a request's head (GET requests only have one); false if the client went away.
async fn read_head(stream: &mut TcpStream) -> bool {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
        if buffer.windows(4).any(|w| w == b"\r\n\r\n") {
            return true;
        }
    }
}
