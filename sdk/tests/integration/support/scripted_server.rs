//! A loopback HTTP/1.1 server that answers each request with the next step of a script and
//! records every request, so tests can see exactly what the sdk sent on every attempt.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Step {
    /// Answer with this status, headers and JSON body.
    Json(u16, Vec<(&'static str, String)>, String),
    /// Answer with an HTML body (a proxy's error page).
    Html(u16, String),
    /// Close the connection without answering.
    Drop,
    /// Wait this long, then answer like `Json`.
    Delay(Duration, u16, String),
    /// Answer `200` with this JSON body, chunked (no `Content-Length`), in pieces of this size.
    Chunked(String, usize),
}

impl Step {
    pub fn ok(body: &str) -> Self {
        Self::Json(200, Vec::new(), body.to_owned())
    }

    pub fn error(status: u16, code: &str) -> Self {
        Self::Json(status, Vec::new(), error_body(code))
    }
}

pub fn error_body(code: &str) -> String {
    format!(r#"{{"ok":false,"error_code":"{code}","error_message":"{code} happened","data":null}}"#)
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct ScriptedServer {
    pub base_url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl ScriptedServer {
    /// Serves `script` in order; requests past its end get a 500.
    pub async fn start(script: Vec<Step>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(script.into_iter()));
        let recorded = requests.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (script, recorded) = (script.clone(), recorded.clone());
                tokio::spawn(serve(stream, script, recorded));
            }
        });
        Self { base_url, requests }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

async fn serve(
    mut stream: TcpStream,
    script: Arc<Mutex<std::vec::IntoIter<Step>>>,
    recorded: Arc<Mutex<Vec<Recorded>>>,
) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    recorded.lock().unwrap().push(request);
    let step = script
        .lock()
        .unwrap()
        .next()
        .unwrap_or_else(|| Step::error(500, "SCRIPT_EXHAUSTED"));
    let (status, headers, content_type, body) = match step {
        Step::Drop => return,
        Step::Chunked(body, piece) => return write_chunked(&mut stream, &body, piece).await,
        Step::Json(status, headers, body) => (status, headers, "application/json", body),
        Step::Html(status, body) => (status, Vec::new(), "text/html", body),
        Step::Delay(wait, status, body) => {
            tokio::time::sleep(wait).await;
            (status, Vec::new(), "application/json", body)
        }
    };
    let mut head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}

async fn write_chunked(stream: &mut TcpStream, body: &str, piece: usize) {
    let mut out = String::from(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
    );
    for chunk in body.as_bytes().chunks(piece) {
        out.push_str(&format!(
            "{:x}\r\n{}\r\n",
            chunk.len(),
            String::from_utf8_lossy(chunk)
        ));
    }
    out.push_str("0\r\n\r\n");
    let _ = stream.write_all(out.as_bytes()).await;
    let _ = stream.shutdown().await;
}

async fn read_request(stream: &mut TcpStream) -> Option<Recorded> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut start = lines.next()?.split(' ');
    let (method, path) = (start.next()?.to_owned(), start.next()?.to_owned());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Recorded {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).to_string(),
    })
}
