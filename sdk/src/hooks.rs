//! The generated client's hooks: authentication on every request, a record of each response's
//! head (`response_head`) taken before the generated code decodes the body, and the cap on the
//! bytes read from that body (`body_limit`).

use std::sync::{Arc, OnceLock};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderValue, USER_AGENT};

use crate::auth::ApiKey;
use crate::generated::Client as GeneratedClient;
use crate::response_head::{ResponseMeta, retry_after};

/// Per-client settings and per-attempt observations that the generated client carries.
#[derive(Debug, Clone)]
pub struct CallContext {
    api_key: Option<ApiKey>,
    user_agent: Option<HeaderValue>,
    max_response_bytes: u64,
    observed: Arc<OnceLock<ResponseMeta>>,
}

impl CallContext {
    /// A context that authenticates with `api_key`.
    pub(crate) fn new(api_key: ApiKey) -> Self {
        Self {
            api_key: Some(api_key),
            user_agent: None,
            max_response_bytes: crate::body_limit::DEFAULT_MAX_RESPONSE_BYTES,
            observed: Arc::default(),
        }
    }

    pub(crate) fn with_user_agent(mut self, user_agent: Option<HeaderValue>) -> Self {
        self.user_agent = user_agent;
        self
    }

    pub(crate) fn with_max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The same settings with a fresh observation slot, for one attempt.
    pub(crate) fn for_attempt(&self) -> Self {
        Self {
            observed: Arc::default(),
            ..self.clone()
        }
    }

    pub(crate) fn observed(&self) -> Option<ResponseMeta> {
        self.observed.get().copied()
    }
}

impl ClientHooks<CallContext> for GeneratedClient {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let context = self.inner();
        let headers = request.headers_mut();
        if let Some(key) = &context.api_key {
            headers.insert(AUTHORIZATION, key.authorization().clone());
        }
        if let Some(agent) = &context.user_agent {
            headers.insert(USER_AGENT, agent.clone());
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let response = self.client().execute(request).await?;
        let context = self.inner();
        let _ = context.observed.set(ResponseMeta {
            status: response.status(),
            retry_after: retry_after(response.headers()),
        });
        Ok(crate::body_limit::limit(
            response,
            context.max_response_bytes,
        ))
    }
}
