//! A small HTTP client for the tests: every answer is checked to be JSON with the spec's
//! envelope before a test looks at it.

use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use theopenmoney_sandbox::{Database, Sandbox, SandboxBuilder, SandboxHandle};

pub const ALPHA: &str = "osk_sandbox_alpha";
pub const BETA: &str = "osk_sandbox_beta";
pub const THROTTLED: &str = "osk_sandbox_throttled";

/// One answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    pub body: Value,
}

impl Reply {
    /// `data` of a success envelope (asserts it is one).
    pub fn data(&self) -> &Value {
        assert_eq!(self.body["ok"], json!(true), "not a success: {}", self.text);
        &self.body["data"]
    }

    /// Asserts an error envelope with this status and code; returns the message.
    pub fn expect_error(&self, status: u16, code: &str) -> &str {
        assert_eq!(self.status, status, "{}", self.text);
        assert_eq!(self.body["ok"], json!(false), "{}", self.text);
        assert_eq!(self.body["error_code"], json!(code), "{}", self.text);
        assert_eq!(self.body["data"], Value::Null, "{}", self.text);
        let keys: Vec<_> = self.body.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys.len(), 4, "extra fields: {}", self.text);
        let message = self.body["error_message"].as_str().unwrap();
        assert!(!message.is_empty());
        message
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
}

/// A running in-memory sandbox and a client for it.
pub struct Api {
    pub sandbox: SandboxHandle,
    pub client: reqwest::Client,
}

impl Api {
    pub async fn start() -> Self {
        Self::start_with(Sandbox::builder()).await
    }

    pub async fn start_with(builder: SandboxBuilder) -> Self {
        let sandbox = builder.database(Database::InMemory).start().await.unwrap();
        Self::connect(sandbox)
    }

    pub fn connect(sandbox: SandboxHandle) -> Self {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        Self { sandbox, client }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.base_url())
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        assert_eq!(
            headers.get("content-type").map(|v| v.to_str().unwrap()),
            Some("application/json"),
            "status {status}: {text}"
        );
        let body: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("status {status}, not JSON ({e}): {text}"));
        Reply {
            status,
            headers,
            text,
            body,
        }
    }

    pub async fn get(&self, key: &str, path: &str) -> Reply {
        self.send(self.client.get(self.url(path)).bearer_auth(key))
            .await
    }

    pub async fn post(
        &self,
        key: &str,
        path: &str,
        body: &Value,
        idempotency_key: Option<&str>,
    ) -> Reply {
        let mut request = self
            .client
            .post(self.url(path))
            .bearer_auth(key)
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(idempotency_key) = idempotency_key {
            request = request.header("Idempotency-Key", idempotency_key);
        }
        self.send(request).await
    }

    /// `POST` without a body (cancel, control transitions).
    pub async fn post_empty(
        &self,
        key: Option<&str>,
        path: &str,
        idempotency_key: Option<&str>,
    ) -> Reply {
        let mut request = self.client.post(self.url(path));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        if let Some(idempotency_key) = idempotency_key {
            request = request.header("Idempotency-Key", idempotency_key);
        }
        self.send(request).await
    }

    /// Creates a Stars order and returns it (asserts success).
    pub async fn create_stars(
        &self,
        key: &str,
        body: &Value,
        idempotency_key: Option<&str>,
    ) -> Value {
        let reply = self
            .post(key, "/api/v1/orders/stars", body, idempotency_key)
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.data().clone()
    }

    /// Every order of every partner, from the control surface.
    pub async fn all_orders(&self, client_reference: Option<&str>) -> Vec<Value> {
        let mut request = self.client.get(self.url("/_sandbox/orders"));
        if let Some(reference) = client_reference {
            request = request.query(&[("client_reference", reference)]);
        }
        let reply = self.send(request).await;
        reply.data().as_array().unwrap().clone()
    }

    pub async fn set_processing_delay(&self, millis: u64) {
        let reply = self
            .send(
                self.client
                    .put(self.url("/_sandbox/processing-delay"))
                    .json(&json!({ "millis": millis })),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }
}

impl Api {
    /// Waits until a request of `partner` holds `idempotency_key` (as `GET /_sandbox/in-flight`
    /// reports), so a test orders its requests by what the server did, not by a sleep. Panics
    /// after 30 s.
    pub async fn wait_until_in_flight(&self, partner: &str, idempotency_key: &str) {
        let wanted = json!({"partner": partner, "idempotency_key": idempotency_key});
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let held = self
                .send(self.client.get(self.url("/_sandbox/in-flight")))
                .await;
            if held.data().as_array().unwrap().contains(&wanted) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{idempotency_key} was never in flight: {}",
                held.text
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// A valid Stars body.
pub fn stars(quantity: u32, client_reference: &str) -> Value {
    json!({
        "recipient_username": "pandus",
        "quantity": quantity,
        "payment_method": "ton_memo",
        "payment_currency": "TON",
        "client_reference": client_reference,
    })
}

/// A valid Premium body.
pub fn premium(months: u32, client_reference: &str) -> Value {
    json!({
        "recipient_username": "@pandus",
        "months": months,
        "payment_method": "ton_memo",
        "payment_currency": "TON",
        "client_reference": client_reference,
    })
}

/// A fresh idempotency key.
pub fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The text of a JSON number, digit for digit.
pub fn number(value: &Value) -> String {
    assert!(value.is_number(), "not a number: {value}");
    value.to_string()
}

/// A directory removed when dropped.
pub struct TempDir(std::path::PathBuf);

impl TempDir {
    pub fn new() -> Self {
        let path = std::env::temp_dir().join(format!("theopenmoney-sandbox-test-{}", key()));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
