//! The sandbox's own records: every order it holds, read from its control surface
//! (`GET /_sandbox/orders`), straight from the sandbox and never through the proxy.

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

/// An order as the server recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServerOrder {
    pub(crate) id: u64,
    pub(crate) client_reference: Option<String>,
    /// The `Idempotency-Key` it was created under.
    pub(crate) idempotency_key: Option<String>,
}

/// Every order of `partner` at the sandbox listening on `base_url`.
pub(crate) async fn fetch(base_url: &str, partner: &str) -> anyhow::Result<Vec<ServerOrder>> {
    let url = format!("{base_url}/_sandbox/orders?partner={partner}");
    let client = HttpClient::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
    let response = client.get(url.parse()?).await?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    anyhow::ensure!(
        status.is_success(),
        "GET {url} answered {status}: {}",
        String::from_utf8_lossy(&body)
    );
    parse(&body).map_err(|e| anyhow::anyhow!("GET {url}: {e}"))
}

/// `{"ok": true, "data": [{"partner", "idempotency_key", "order": {"id", "client_reference", …}}]}`.
fn parse(body: &[u8]) -> anyhow::Result<Vec<ServerOrder>> {
    let envelope: Value = serde_json::from_slice(body)?;
    let entries = envelope
        .get("data")
        .and_then(Value::as_array)
        .ok_or_else(|| anyhow::anyhow!("no `data` array in the answer"))?;
    entries
        .iter()
        .map(|entry| {
            let order = entry
                .get("order")
                .ok_or_else(|| anyhow::anyhow!("an entry has no `order`: {entry}"))?;
            let id = order
                .get("id")
                .and_then(Value::as_u64)
                .ok_or_else(|| anyhow::anyhow!("an order has no numeric `id`: {order}"))?;
            let text = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_owned);
            Ok(ServerOrder {
                id,
                client_reference: text(order.get("client_reference")),
                idempotency_key: text(entry.get("idempotency_key")),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_control_surface_listing() {
        let body = br#"{"ok":true,"data":[
            {"partner":"alpha","idempotency_key":"k1","order":{"id":7,"client_reference":"r1","status":"pending_payment"}},
            {"partner":"alpha","idempotency_key":null,"order":{"id":8}}
        ]}"#;
        assert_eq!(
            parse(body).unwrap(),
            [
                ServerOrder {
                    id: 7,
                    client_reference: Some("r1".into()),
                    idempotency_key: Some("k1".into()),
                },
                ServerOrder {
                    id: 8,
                    client_reference: None,
                    idempotency_key: None,
                },
            ]
        );
        assert!(parse(br#"{"ok":false}"#).is_err());
        assert!(parse(br#"{"ok":true,"data":[{"order":{"id":"x"}}]}"#).is_err());
    }
}
