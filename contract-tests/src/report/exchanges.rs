//! `exchanges.jsonl`: for each failed clause, the exchange that broke it, one JSON object a
//! line: the test, clause, operation and message, the request and the response (keys shown as
//! their variables, other credentials redacted), and the `curl` command reproducing it.

use http::HeaderMap;
use serde::Serialize;
use serde_json::{Map, Value, json};
use test_proxy::is_credential;

use crate::report::run_report::{Outcome, RunReport};
use crate::report::secrets::Secrets;

/// One line, its fields in reading order.
#[derive(Serialize)]
struct Line<'a> {
    test: &'a str,
    clause: Option<&'a str>,
    operation: Option<&'a str>,
    message: &'a str,
    request: Value,
    response: Option<Value>,
    curl: Option<String>,
}

/// Headers as a JSON object, credentials shown as [`Secrets::show`] does; `host` left out
/// (it names the suite's loopback proxy, not the server).
fn headers(map: &HeaderMap, secrets: &Secrets) -> Value {
    let mut out = Map::new();
    for (name, value) in map {
        if name == http::header::HOST {
            continue;
        }
        let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
        let shown = if is_credential(name) {
            secrets.show(&text).to_string()
        } else {
            text
        };
        // A repeated header keeps every value, in order.
        match out.get_mut(name.as_str()) {
            Some(Value::String(first)) => {
                let first = std::mem::take(first);
                out.insert(name.as_str().to_owned(), json!([first, shown]));
            }
            Some(Value::Array(values)) => values.push(json!(shown)),
            _ => {
                out.insert(name.as_str().to_owned(), json!(shown));
            }
        }
    }
    Value::Object(out)
}

/// A body as JSON when it is, else as text; `null` when empty.
fn body(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

/// The lines of `exchanges.jsonl`.
pub(crate) fn render(report: &RunReport, secrets: &Secrets) -> String {
    let mut out = String::new();
    for test in &report.clauses {
        let Outcome::Failed(failure) = &test.outcome else {
            continue;
        };
        let Some(exchange) = &failure.exchange else {
            continue;
        };
        let request = &exchange.request;
        let line = Line {
            test: &test.name,
            clause: failure.clause.as_deref(),
            operation: failure.operation.as_deref(),
            message: &failure.message,
            request: json!({
                "method": request.method.as_str(),
                "path": request.path_and_query,
                "headers": headers(&request.headers, secrets),
                "body": body(&request.body),
            }),
            response: exchange.response.as_ref().map(|r| {
                json!({
                    "status": r.status,
                    "headers": headers(&r.headers, secrets),
                    "body": body(&r.body),
                })
            }),
            curl: failure.reproducer(secrets),
        };
        let line = serde_json::to_string(&line).expect("a line serializes");
        out.push_str(&secrets.scrub(&line));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn one_line_per_failure_with_request_response_and_reproducer() {
        let text = render(&fixture::report(), &fixture::secrets());
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is JSON"))
            .collect();
        assert_eq!(lines.len(), 1, "{text}");
        assert!(text.starts_with("{\"test\":\"error_codes::not_found_404\",\"clause\":"));
        let line = &lines[0];
        assert_eq!(line["test"], "error_codes::not_found_404");
        assert_eq!(line["clause"], "error-codes/404");
        assert_eq!(line["operation"], "get_order");
        assert_eq!(line["request"]["method"], "GET");
        assert_eq!(line["request"]["path"], "/api/v1/orders/9");
        assert_eq!(
            line["request"]["headers"]["authorization"],
            "Bearer $CONTRACT_API_KEY"
        );
        assert_eq!(line["request"]["body"], Value::Null);
        assert_eq!(line["request"]["headers"].get("host"), None);
        assert_eq!(line["response"]["status"], 400);
        assert_eq!(line["response"]["body"]["error_code"], "BAD");
        assert_eq!(line["response"]["headers"]["set-cookie"], "<redacted>");
        assert!(
            line["curl"]
                .as_str()
                .unwrap()
                .starts_with("curl -sS -i -X GET")
        );
        assert!(
            line["message"]
                .as_str()
                .unwrap()
                .contains("$CONTRACT_API_KEY")
        );
        assert!(!text.contains(fixture::KEY));
    }

    #[test]
    fn repeated_headers_keep_every_value() {
        let mut map = HeaderMap::new();
        for v in ["a", "b", "c"] {
            map.append("x-many", v.parse().unwrap());
        }
        assert_eq!(
            headers(&map, &Secrets::default()),
            json!({"x-many": ["a", "b", "c"]})
        );
        assert_eq!(body(b"not json"), json!("not json"));
    }
}
