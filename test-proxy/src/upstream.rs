//! The server behind the proxy, and how a request reaches it.

use std::io;
use std::time::Duration;

use http::header;

use crate::headers::end_to_end;
use crate::message::{ProxiedRequest, ProxiedResponse, mark_credentials};

/// How long a forwarded request may take, answer included.
const FORWARD_LIMIT: Duration = Duration::from_secs(30);

/// Where requests are forwarded: `http` or `https`, a host, and a path prefix (usually none)
/// that every forwarded path is appended to.
#[derive(Debug)]
pub(crate) struct Upstream {
    base: String,
    client: reqwest::Client,
}

impl Upstream {
    pub(crate) fn new(base_url: &str) -> io::Result<Self> {
        let invalid = |why: String| io::Error::new(io::ErrorKind::InvalidInput, why);
        let uri: http::Uri = base_url
            .parse()
            .map_err(|e| invalid(format!("upstream `{base_url}` is not a URL: {e}")))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.host().is_none() {
            return Err(invalid(format!(
                "upstream `{base_url}` is not an http:// or https:// URL with a host"
            )));
        }
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .tcp_nodelay(true)
            .timeout(FORWARD_LIMIT)
            .build()
            .map_err(io::Error::other)?;
        Ok(Self {
            base: base_url.trim_end_matches('/').to_owned(),
            client,
        })
    }

    /// Sends `request` on, without its hop-by-hop headers and `Host`, and reads the whole answer.
    pub(crate) async fn send(&self, request: &ProxiedRequest) -> reqwest::Result<ProxiedResponse> {
        let mut headers = end_to_end(&request.headers);
        headers.remove(header::HOST);
        let response = self
            .client
            .request(
                request.method.clone(),
                format!("{}{}", self.base, request.path_and_query),
            )
            .headers(headers)
            .body(request.body.clone())
            .send()
            .await?;
        let status = response.status().as_u16();
        let mut headers = response.headers().clone();
        mark_credentials(&mut headers);
        let body = response.bytes().await?;
        Ok(ProxiedResponse {
            status,
            headers,
            body,
        })
    }
}
