//! What the CLI tests share: the binary run against an in-memory sandbox, what a run printed
//! and its redaction for snapshots, and a server that always answers `429`.

use std::process::Stdio;
use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;
use serde_json::Value;
use theopenmoney_sandbox::{Database, Sandbox, SandboxHandle};
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

pub const KEY: &str = "osk_sandbox_alpha";
pub const BIN: &str = env!("CARGO_BIN_EXE_theopenmoney");

/// What one run printed.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Both streams, redacted, for a snapshot.
    pub fn redacted(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code,
            redact(&self.stdout),
            redact(&self.stderr)
        )
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.stdout, self.stderr))
    }
}

pub fn redact(text: &str) -> String {
    static RULES: LazyLock<Vec<(Regex, &str)>> = LazyLock::new(|| {
        [
            (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "[time]"),
            (
                r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                "[key]",
            ),
            (r"\bU[QC][A-Za-z0-9_-]{46}\b", "[address]"),
            (r"\b(STARS|PREMIUM)-[0-9a-f]+\b", "[memo]"),
            (r"\b1000[1-9]\b|\b100[1-9]\d\b", "[id]"),
            (r"\b\d+ polls?\b", "[n] polls"),
            (r"(?m)(^[█▀▄ ]{20,}\n)+", "[qr code]\n"),
            (r"\d+m \d\ds|\b\d+s\b", "[duration]"),
            (r"127\.0\.0\.1:\d+", "[addr]"),
        ]
        .into_iter()
        .map(|(re, with)| (Regex::new(re).unwrap(), with))
        .collect()
    });
    RULES.iter().fold(text.to_owned(), |t, (re, with)| {
        re.replace_all(&t, *with).into_owned()
    })
}

pub struct Env {
    pub sandbox: SandboxHandle,
    pub http: reqwest::Client,
}

impl Env {
    pub async fn start() -> Self {
        Self::with(Sandbox::builder()).await
    }

    pub async fn with(builder: theopenmoney_sandbox::SandboxBuilder) -> Self {
        let sandbox = builder.database(Database::InMemory).start().await.unwrap();
        Self {
            sandbox,
            http: reqwest::Client::new(),
        }
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BIN);
        command
            .args(args)
            .env_clear()
            .env("THEOPENMONEY_BASE_URL", self.sandbox.base_url())
            .env("THEOPENMONEY_API_KEY", KEY)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        command
    }

    pub async fn run(&self, args: &[&str]) -> Run {
        finish(self.command(args)).await
    }

    pub async fn control(&self, path: &str) -> Value {
        let response = self
            .http
            .post(format!("{}{path}", self.sandbox.base_url()))
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response.json().await.unwrap()
    }

    pub async fn create(&self, reference: &str) -> (Run, String) {
        let run = self
            .run(&[
                "orders",
                "create-stars",
                "--recipient-username",
                "pandus",
                "--quantity",
                "100",
                "--client-reference",
                reference,
                "-o",
                "json",
            ])
            .await;
        assert_eq!(run.code, 0, "{run:?}");
        let id = run.json()["id"].to_string();
        (run, id)
    }
}

pub async fn finish(mut command: Command) -> Run {
    let output = tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .expect("the command ended within a minute")
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// A loopback server that answers every request `429 RATE_LIMITED` with `Retry-After: 0`, and
/// counts the requests it got.
pub async fn always_rate_limited() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let hits = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                counter.fetch_add(1, Ordering::SeqCst);
                let body = r#"{"ok":false,"error_code":"RATE_LIMITED","error_message":"slow down","data":null}"#;
                let answer = format!(
                    "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\n\
                     retry-after: 0\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    (url, hits)
}
