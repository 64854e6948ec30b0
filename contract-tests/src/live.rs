//! The live target: a server at a URL, reached through the run's recording proxy, with raw
//! requests (for wire-level checks) and sdk clients (as a user would call it). Raw requests
//! honour `429 Retry-After`; the run's created orders are cancelled at the end.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::config::{LiveConfig, Secret};
use crate::envelope::WireResponse;
use crate::intercept::Interceptor;
use crate::proxy::{Exchange, RecordingProxy};
use crate::run::RunState;

/// The longest `Retry-After` a raw request waits out before giving up.
const MAX_HONOURED_RETRY_AFTER: Duration = Duration::from_secs(20);

/// The bearer [`Auth::Invalid`] sends: no server issued it, so reports may show it.
pub(crate) const INVALID_BEARER: &str = "osk_contract_suite_not_a_key";
/// The `Authorization` [`Auth::NotBearer`] sends (`osk:nope`): reports may show it.
pub(crate) const NOT_BEARER: &str = "Basic b3NrOm5vcGU=";

/// Which key a raw request carries.
#[derive(Debug, Clone)]
pub(crate) enum Auth {
    /// `CONTRACT_API_KEY`.
    Primary,
    /// A given key.
    Key(Secret),
    /// No `Authorization` header.
    Missing,
    /// A well-formed bearer no server issued.
    Invalid,
    /// An `Authorization` header that is not a bearer.
    NotBearer,
}

/// A live server behind the run's proxy.
#[derive(Debug)]
pub struct Live {
    /// The run.
    pub run: Arc<RunState>,
    pub(crate) config: LiveConfig,
    proxy: RecordingProxy,
    raw: reqwest::Client,
}

/// A raw request.
#[derive(Debug, Clone)]
pub(crate) struct Raw {
    method: http::Method,
    path: String,
    auth: Auth,
    idempotency_key: Option<String>,
    body: Option<Value>,
    honour_429: bool,
}

impl Raw {
    /// A `GET` of `path` (with its query) under the primary key.
    pub(crate) fn get(path: impl Into<String>) -> Self {
        Self::new(http::Method::GET, path)
    }

    /// A `POST` of `path` under the primary key.
    pub(crate) fn post(path: impl Into<String>) -> Self {
        Self::new(http::Method::POST, path)
    }

    fn new(method: http::Method, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            auth: Auth::Primary,
            idempotency_key: None,
            body: None,
            honour_429: true,
        }
    }

    /// Sends it under `auth`.
    #[must_use]
    pub(crate) fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    /// Sends it with `Idempotency-Key: key`.
    #[must_use]
    pub(crate) fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Sends `body` as JSON.
    #[must_use]
    pub(crate) fn json(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    /// Returns a `429` as it is instead of waiting it out (the rate-limit clause).
    #[must_use]
    pub(crate) fn keep_429(mut self) -> Self {
        self.honour_429 = false;
        self
    }
}

impl Live {
    /// Starts the proxy in front of the configured server.
    pub async fn start(
        config: LiveConfig,
        run: Arc<RunState>,
        interceptor: Arc<dyn Interceptor>,
    ) -> std::io::Result<Self> {
        let proxy =
            RecordingProxy::start(config.base_url.as_str(), run.clone(), interceptor).await?;
        let raw = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(std::io::Error::other)?;
        Ok(Self {
            run,
            config,
            proxy,
            raw,
        })
    }

    /// The proxy's base URL.
    pub(crate) fn base_url(&self) -> String {
        self.proxy.base_url()
    }

    /// Every exchange through this target's proxy so far (credentials marked sensitive).
    pub(crate) fn exchanges(&self) -> Vec<Exchange> {
        self.proxy.exchanges()
    }

    /// An sdk client with `key`, retrying as a user's would but with short waits.
    pub(crate) fn sdk(&self, key: &Secret) -> theopenmoney::Client {
        let retry = crate::sdk_client::quick_retries(3).max_retry_after(MAX_HONOURED_RETRY_AFTER);
        crate::sdk_client::client(
            &self.base_url(),
            key.expose(),
            retry,
            Duration::from_secs(30),
        )
    }

    /// An sdk client with the primary key.
    pub(crate) fn primary(&self) -> theopenmoney::Client {
        self.sdk(&self.config.api_key)
    }

    /// Sends a raw request; waits out a `429` (at most twice) unless told to keep it.
    pub(crate) async fn send(&self, request: Raw) -> WireResponse {
        let mut waited = 0;
        loop {
            let response = self.send_once(&request).await;
            let wait = wait_before_resending(
                response.status,
                response.header("retry-after"),
                request.honour_429,
                waited,
            );
            match wait {
                Some(wait) => {
                    waited += 1;
                    tokio::time::sleep(wait).await;
                }
                None => return response,
            }
        }
    }

    async fn send_once(&self, request: &Raw) -> WireResponse {
        let url = format!("{}{}", self.base_url(), request.path);
        let mut builder = self.raw.request(request.method.clone(), url);
        let bearer = |key: &str| format!("Bearer {key}");
        builder = match &request.auth {
            Auth::Primary => builder.header("authorization", bearer(self.config.api_key.expose())),
            Auth::Key(key) => builder.header("authorization", bearer(key.expose())),
            Auth::Missing => builder,
            Auth::Invalid => builder.header("authorization", bearer(INVALID_BEARER)),
            Auth::NotBearer => builder.header("authorization", NOT_BEARER),
        };
        if let Some(key) = &request.idempotency_key {
            builder = builder.header("idempotency-key", key);
        }
        if let Some(body) = &request.body {
            builder = builder.json(body);
        }
        match builder.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let headers = response.headers().clone();
                let body = response.bytes().await.unwrap_or_default();
                WireResponse {
                    status,
                    headers,
                    body,
                }
            }
            // A dropped connection shows as a status the spec never documents.
            Err(e) => WireResponse {
                status: 599,
                headers: http::HeaderMap::new(),
                body: format!("no response: {e}").into(),
            },
        }
    }
}

/// Cancels every order `run` created, straight at the server of `config` (not counted as
/// coverage). Returns (cancelled now, already final, failed).
pub(crate) async fn cancel_created(config: &LiveConfig, run: &RunState) -> (u32, u32, u32) {
    let (mut cancelled, mut final_, mut failed) = (0, 0, 0);
    for order in run.take_created() {
        let key = uuid::Uuid::new_v4().to_string();
        match send_direct(
            config.base_url.as_str(),
            http::Method::POST,
            &format!("/api/v1/orders/{}/cancel", order.id),
            &order.authorization,
            Some(&key),
        )
        .await
        {
            Ok(200) => cancelled += 1,
            Ok(409) => final_ += 1,
            _ => failed += 1,
        }
    }
    (cancelled, final_, failed)
}

/// Sends `request` straight to `upstream`, bypassing any proxy: for the end-of-run cleanup.
async fn send_direct(
    upstream: &str,
    method: http::Method,
    path: &str,
    authorization: &http::HeaderValue,
    idempotency_key: Option<&str>,
) -> Result<u16, reqwest::Error> {
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()?;
    let mut builder = http
        .request(method, format!("{}{path}", upstream.trim_end_matches('/')))
        .header(http::header::AUTHORIZATION, authorization.clone());
    if let Some(key) = idempotency_key {
        builder = builder.header("idempotency-key", key);
    }
    builder.send().await.map(|r| r.status().as_u16())
}

/// How long to wait before sending a request again after `status`, or `None` to keep the
/// answer: only a `429` with a delta-seconds `Retry-After` of at most 20 s, at most twice, and
/// not when the caller wants the `429` itself.
fn wait_before_resending(
    status: u16,
    retry_after: Option<&str>,
    honour_429: bool,
    waited: u32,
) -> Option<Duration> {
    let wait = Duration::from_secs(retry_after?.trim().parse().ok()?);
    (status == 429 && honour_429 && waited < 2 && wait <= MAX_HONOURED_RETRY_AFTER).then_some(wait)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::Budget;
    use crate::rewrite::Break;
    use crate::runtime::block_on;

    #[test]
    fn keys_carried_through_the_proxy_never_reach_debug() {
        const KEY: &str = "osk_live_debug_test_primary";
        const OTHER: &str = "osk_live_debug_test_other";
        let server = httpmock::MockServer::start();
        let answer = |then: httpmock::Then| {
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"ok":true,"data":{}}"#);
        };
        let balance = server.mock(|when, then| {
            when.path("/api/v1/balance")
                .header("authorization", format!("Bearer {KEY}"));
            answer(then);
        });
        // `ServeAs` swaps the key of `get_order` for another partner's on the way.
        let order = server.mock(|when, then| {
            when.path("/api/v1/orders/7")
                .header("authorization", format!("Bearer {OTHER}"));
            answer(then);
        });
        let config = LiveConfig {
            base_url: server.base_url().parse().expect("a URL"),
            api_key: Secret::new(KEY),
            api_key_2: None,
            rate_limit_key: None,
            request_budget: 10,
            proptest_cases: 1,
        };
        let run = Arc::new(RunState::new(Budget::limited(10)));
        let interceptor = Arc::new(Break::ServeAs(Secret::new(format!("Bearer {OTHER}"))));
        let live = block_on(async {
            let live = Live::start(config, run, interceptor.clone())
                .await
                .expect("the proxy starts");
            assert_eq!(live.send(Raw::get("/api/v1/balance")).await.status, 200);
            assert_eq!(live.send(Raw::get("/api/v1/orders/7")).await.status, 200);
            live
        });
        balance.assert();
        order.assert();
        // The exchanges do hold both keys (they were forwarded)…
        let carried: Vec<String> = live
            .proxy
            .exchanges()
            .iter()
            .filter_map(|e| e.request.header("authorization").map(str::to_owned))
            .collect();
        assert_eq!(
            carried,
            [format!("Bearer {KEY}"), format!("Bearer {OTHER}")]
        );
        // …and no Debug shows either.
        for shown in [
            format!("{live:?}"),
            format!("{:?}", live.proxy.exchanges()),
            format!("{interceptor:?}"),
        ] {
            assert!(!shown.contains(KEY) && !shown.contains(OTHER), "{shown}");
        }
    }

    #[test]
    fn a_429_is_waited_out_for_its_retry_after() {
        assert_eq!(
            wait_before_resending(429, Some("3"), true, 0),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            wait_before_resending(429, Some(" 0 "), true, 1),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn anything_else_is_kept() {
        // Not a 429, or the caller wants the 429, or no usable Retry-After.
        assert_eq!(wait_before_resending(503, Some("3"), true, 0), None);
        assert_eq!(wait_before_resending(429, Some("3"), false, 0), None);
        assert_eq!(wait_before_resending(429, None, true, 0), None);
        assert_eq!(
            wait_before_resending(429, Some("Wed, 21 Oct 2026 07:28:00 GMT"), true, 0),
            None
        );
        // At most twice, and never longer than 20 s.
        assert_eq!(wait_before_resending(429, Some("3"), true, 2), None);
        assert_eq!(wait_before_resending(429, Some("21"), true, 0), None);
    }
}
