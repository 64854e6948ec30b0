//! The client: configuration, and the one loop every call goes through (attempts with the same
//! `Idempotency-Key`, retry decisions, tracing).

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use progenitor_client::ResponseValue;
use reqwest::header::HeaderValue;
use tracing::Instrument;

use crate::auth::ApiKey;
use crate::error::Error;
use crate::generated::Client as GeneratedClient;
use crate::generated::types::ErrorEnvelope;
use crate::hooks::CallContext;
use crate::idempotency_key::IdempotencyKey;
use crate::retry::{Decision, RetryBudget, RetryPolicy, StopReason, decide};
use crate::retryability::{Retryability, classify};

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.theopenmoney.info";
/// Environment variable holding the API key, read by [`Client::from_env`].
pub const API_KEY_ENV: &str = "THEOPENMONEY_API_KEY";
/// Environment variable overriding the base URL, read by [`Client::from_env`].
pub const BASE_URL_ENV: &str = "THEOPENMONEY_BASE_URL";

/// A TheOpenMoney API client. Cheap to clone; clones share connections and the retry budget.
#[derive(Debug, Clone)]
pub struct Client {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    base_url: String,
    http: reqwest::Client,
    context: CallContext,
    retry: RetryPolicy,
    budget: RetryBudget,
}

impl Client {
    /// A client for the production API with default settings.
    pub fn new(api_key: impl AsRef<str>) -> Result<Self, Error> {
        Self::builder(api_key).build()
    }

    /// A builder for a client with custom settings.
    pub fn builder(api_key: impl AsRef<str>) -> ClientBuilder {
        ClientBuilder::new(api_key)
    }

    /// A client configured from `THEOPENMONEY_API_KEY` and, optionally,
    /// `THEOPENMONEY_BASE_URL`. A variable that is set but not UTF-8 is an error, never
    /// silently skipped: a key meant for a sandbox must not reach production.
    pub fn from_env() -> Result<Self, Error> {
        let key =
            env_var(API_KEY_ENV)?.ok_or_else(|| Error::invalid_input(API_KEY_ENV, "is not set"))?;
        let mut builder = Self::builder(key);
        if let Some(url) = env_var(BASE_URL_ENV)? {
            builder = builder.base_url(url);
        }
        builder.build()
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The generated builder-style client, authenticated like this one, for anything the
    /// hand-written methods do not cover. It does not retry, nor apply the retry policy's
    /// deadline; its responses are capped at `max_response_bytes` like every call's.
    pub fn generated(&self) -> GeneratedClient {
        GeneratedClient::new_with_client(
            &self.shared.base_url,
            self.shared.http.clone(),
            self.shared.context.for_attempt(),
        )
    }

    /// Runs one call: attempts `send` until it succeeds or the retry policy says stop, and
    /// returns the response with the number of attempts made. Every attempt gets a fresh
    /// generated client whose hooks record the response head.
    pub(crate) async fn call_counted<T, F, Fut>(
        &self,
        operation: &'static str,
        idempotency_key: Option<&IdempotencyKey>,
        send: F,
    ) -> Result<(ResponseValue<T>, u32), Error>
    where
        F: Fn(GeneratedClient) -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<ErrorEnvelope>>>,
    {
        let span = tracing::info_span!(
            "theopenmoney.call",
            operation,
            idempotency_key = idempotency_key.map(IdempotencyKey::as_str),
            attempt = tracing::field::Empty,
            // Recorded before `status`, so a subscriber reading the attempt's status sees it.
            replayed = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        let shared = &self.shared;
        async move {
            let started = Instant::now();
            let mut attempt = 0;
            let mut spent = 0;
            loop {
                attempt += 1;
                tracing::Span::current().record("attempt", attempt);
                let context = shared.context.for_attempt();
                let client = GeneratedClient::new_with_client(
                    &shared.base_url,
                    shared.http.clone(),
                    context.clone(),
                );
                // The attempt (its body and an undocumented status's body included) ends by the
                // call's deadline: its timeout is the smaller of reqwest's and the time left.
                let this_attempt = async {
                    match send(client).await {
                        Ok(response) => Ok(response),
                        Err(error) => Err(Error::from_generated(error, context.observed()).await),
                    }
                };
                let outcome = match shared.retry.deadline {
                    Some(deadline) => {
                        let left = deadline.saturating_sub(started.elapsed());
                        tokio::time::timeout(left, this_attempt).await.unwrap_or_else(|_| {
                            Err(Error::deadline_exceeded(deadline, context.observed()))
                        })
                    }
                    None => this_attempt.await,
                };
                let error = match outcome {
                    Ok(response) => {
                        let span = tracing::Span::current();
                        if crate::idempotency::is_replayed(response.headers()) {
                            span.record("replayed", true);
                        }
                        span.record("status", response.status().as_u16());
                        shared.budget.record_success(spent);
                        return Ok((response, attempt));
                    }
                    Err(error) => error,
                };
                if let Some(status) = error.status() {
                    tracing::Span::current().record("status", status.as_u16());
                }
                let failure = classify(&error);
                let decision = decide(
                    &shared.retry,
                    failure,
                    attempt,
                    started.elapsed(),
                    crate::random::unit(),
                );
                let wait = match (decision, failure) {
                    (Decision::RetryAfter(wait), Retryability::Transient { cost, .. })
                        if shared.budget.try_spend(cost) =>
                    {
                        spent += cost;
                        wait
                    }
                    (Decision::RetryAfter(_), _) => {
                        tracing::debug!(reason = ?StopReason::BudgetExhausted, error = %error, "giving up");
                        return Err(error.with_call(operation, attempt, idempotency_key.cloned()));
                    }
                    (Decision::Stop(reason), _) => {
                        tracing::debug!(?reason, error = %error, "giving up");
                        return Err(error.with_call(operation, attempt, idempotency_key.cloned()));
                    }
                };
                tracing::info!(wait_ms = wait.as_millis() as u64, error = %error, "retrying");
                tokio::time::sleep(wait).await;
            }
        }
        .instrument(span)
        .await
    }
}

/// Builds a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    api_key: Result<ApiKey, Error>,
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: u64,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    allow_insecure_http: bool,
}

impl ClientBuilder {
    fn new(api_key: impl AsRef<str>) -> Self {
        Self {
            api_key: ApiKey::new(api_key),
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: Duration::from_secs(15),
            connect_timeout: Duration::from_secs(5),
            retry: RetryPolicy::default(),
            max_response_bytes: crate::body_limit::DEFAULT_MAX_RESPONSE_BYTES,
            user_agent: None,
            http: None,
            allow_insecure_http: false,
        }
    }

    /// The API's base URL, scheme and host (and port), without `/api/v1`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Timeout of one attempt (default 15 s), the body included. The whole call is bounded by
    /// the retry policy's deadline: an attempt still running when it passes is abandoned, so an
    /// attempt's timeout is in effect the smaller of this and the time left.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connect timeout of one attempt (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The most bytes read from one response body (default 4 MiB, about 100 times a page of
    /// 100 orders). A `Content-Length` over it is refused before reading, a longer body is cut
    /// the moment it passes it, on success and error responses alike: the call fails with
    /// [`ErrorKind::ResponseTooLarge`](crate::ErrorKind::ResponseTooLarge) and is not retried.
    /// Must be at least 1.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// A product token put before the sdk's own in `User-Agent`.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = Some(agent.into());
        self
    }

    /// Uses your own `reqwest::Client` (proxies, TLS roots, pools). Timeouts set here are then
    /// ignored: configure them on your client. The retry policy's deadline and
    /// `max_response_bytes` still apply.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Allows plain `http://` to hosts other than loopback. Your key would travel in clear
    /// text: only for test rigs on private networks.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let api_key = self.api_key?;
        if self.max_response_bytes == 0 {
            return Err(Error::invalid_input(
                "max_response_bytes",
                "must be at least 1",
            ));
        }
        let base_url = crate::base_url::validate(&self.base_url, self.allow_insecure_http)?;
        let agent = match &self.user_agent {
            Some(product) => format!("{product} {}", sdk_user_agent()),
            None => sdk_user_agent(),
        };
        let agent = HeaderValue::try_from(agent).map_err(|e| {
            Error::invalid_input_caused_by("user_agent", "is not a valid header value", e)
        })?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .timeout(self.timeout)
                .connect_timeout(self.connect_timeout)
                .build()
                .map_err(|e| {
                    Error::new(crate::error::ErrorKind::Transport {
                        status: None,
                        source: e,
                    })
                })?,
        };
        Ok(Client {
            shared: Arc::new(Shared {
                base_url,
                http,
                context: CallContext::new(api_key)
                    .with_user_agent(Some(agent))
                    .with_max_response_bytes(self.max_response_bytes),
                retry: self.retry,
                budget: RetryBudget::default(),
            }),
        })
    }
}

/// `Ok(None)` when `name` is unset; an error naming it when it is set but not UTF-8.
fn env_var(name: &'static str) -> Result<Option<String>, Error> {
    match std::env::var(name) {
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(e @ std::env::VarError::NotUnicode(_)) => {
            Err(Error::invalid_input_caused_by(name, "is not UTF-8", e))
        }
    }
}

fn sdk_user_agent() -> String {
    format!("theopenmoney-rust/{}", env!("CARGO_PKG_VERSION"))
}
