//! A `curl` command that sends an exchange's request again: the server from
//! `$CONTRACT_BASE_URL`, every key from its variable, never its value.

use test_proxy::{ProxiedRequest, is_credential};

use crate::report::secrets::{Secrets, Shown};

/// Request headers left out: per connection, or set by curl itself.
const LEFT_OUT: [&str; 6] = [
    "host",
    "content-length",
    "connection",
    "transfer-encoding",
    "accept-encoding",
    "user-agent",
];

/// `value` quoted for a POSIX shell, expanding nothing.
pub(crate) fn single_quoted(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// The command reproducing `request`.
pub(crate) fn command(request: &ProxiedRequest, secrets: &Secrets) -> String {
    let mut lines = vec![format!(
        "curl -sS -i -X {} \"$CONTRACT_BASE_URL\"{}",
        request.method,
        single_quoted(&request.path_and_query)
    )];
    for (name, value) in &request.headers {
        if LEFT_OUT.contains(&name.as_str()) {
            continue;
        }
        let text = String::from_utf8_lossy(value.as_bytes());
        let header = if is_credential(name) {
            match secrets.show(&text) {
                // Double quotes, so the shell puts the key in.
                shown @ Shown::Variable { .. } => format!("-H \"{name}: {shown}\""),
                shown => format!("-H {}", single_quoted(&format!("{name}: {shown}"))),
            }
        } else {
            format!("-H {}", single_quoted(&format!("{name}: {text}")))
        };
        lines.push(header);
    }
    if !request.body.is_empty() {
        lines.push(format!(
            "--data-raw {}",
            single_quoted(&String::from_utf8_lossy(&request.body))
        ));
    }
    lines.join(" \\\n  ")
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use http::HeaderMap;

    use super::*;
    use crate::config::{LiveConfig, Secret};

    fn request(authorization: &str, body: &str) -> ProxiedRequest {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", authorization.parse().unwrap());
        headers.insert("idempotency-key", "k-1".parse().unwrap());
        headers.insert("content-type", "application/json".parse().unwrap());
        headers.insert("host", "127.0.0.1:1".parse().unwrap());
        headers.insert("user-agent", "theopenmoney-rust/0.1.0".parse().unwrap());
        ProxiedRequest {
            method: http::Method::POST,
            path_and_query: "/api/v1/orders/stars?x='1'".to_owned(),
            headers,
            body: Bytes::from(body.to_owned()),
        }
    }

    fn secrets() -> Secrets {
        Secrets::of(&LiveConfig {
            base_url: "http://127.0.0.1:9".parse().unwrap(),
            api_key: Secret::new("osk_curl_test_key"),
            api_key_2: None,
            rate_limit_key: None,
            request_budget: 1,
            proptest_cases: 1,
        })
    }

    #[test]
    fn the_key_is_read_from_its_variable_and_everything_else_is_quoted() {
        let curl = command(
            &request(
                "Bearer osk_curl_test_key",
                r#"{"recipient_username":"o'brien"}"#,
            ),
            &secrets(),
        );
        assert_eq!(
            curl,
            [
                r#"curl -sS -i -X POST "$CONTRACT_BASE_URL"'/api/v1/orders/stars?x='\''1'\'''"#,
                r#"  -H "authorization: Bearer $CONTRACT_API_KEY""#,
                r#"  -H 'idempotency-key: k-1'"#,
                r#"  -H 'content-type: application/json'"#,
                r#"  --data-raw '{"recipient_username":"o'\''brien"}'"#,
            ]
            .join(" \\\n")
        );
        assert!(!curl.contains("osk_curl_test_key"));
    }

    #[test]
    fn an_unknown_credential_is_redacted_and_a_fake_one_kept() {
        let unknown = command(&request("Bearer osk_not_ours", ""), &secrets());
        assert!(
            unknown.contains("-H 'authorization: <redacted>'"),
            "{unknown}"
        );
        assert!(!unknown.contains("osk_not_ours") && !unknown.contains("--data-raw"));
        let fake = command(
            &request("Bearer osk_contract_suite_not_a_key", ""),
            &secrets(),
        );
        assert!(
            fake.contains("-H 'authorization: Bearer osk_contract_suite_not_a_key'"),
            "{fake}"
        );
    }
}
