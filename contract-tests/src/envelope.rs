//! The envelope clause on the wire: every success is `{ok: true, data: …}` valid against its
//! schema; every error is `{ok: false, error_code: <string>, error_message: <non-empty>,
//! data: null}` with a JSON content type, at a status the spec documents for the operation.

use serde_json::Value;

use crate::failure::{Clause, ClauseResult};
use crate::schema::{error_schema, success_schema};
use crate::spec::{Status, spec};

/// The envelope clause.
pub(crate) const ENVELOPE: Clause = Clause("envelope");

/// A response as a clause sees it.
#[derive(Debug, Clone)]
pub(crate) struct WireResponse {
    pub status: u16,
    pub headers: http::HeaderMap,
    /// The raw body.
    pub body: bytes::Bytes,
}

impl WireResponse {
    /// The body as JSON (`Null` when it is not JSON).
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// A header as text.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `error_code`, when the body has a string one.
    pub(crate) fn error_code(&self) -> Option<String> {
        self.json()
            .get("error_code")
            .and_then(Value::as_str)
            .map(str::to_owned)
    }

    /// A short description for failure messages: status and the body's start.
    pub(crate) fn describe(&self) -> String {
        let body = String::from_utf8_lossy(&self.body);
        let body: String = body.chars().take(300).collect();
        format!("{} {body}", self.status)
    }
}

fn is_json(response: &WireResponse) -> bool {
    response
        .header("content-type")
        .and_then(|ct| ct.split(';').next())
        .is_some_and(|mime| {
            let mime = mime.trim().to_ascii_lowercase();
            mime == "application/json" || mime.ends_with("+json")
        })
}

/// Checks a response of `operation`, success or error, against the envelope clause.
pub(crate) fn check(operation: &str, response: &WireResponse) -> ClauseResult {
    crate::declared_headers::check(operation, response.status, &response.headers)?;
    if (200..300).contains(&response.status) {
        check_success(operation, response)
    } else {
        check_error(operation, response)
    }
}

/// Checks a success response.
pub(crate) fn check_success(operation: &str, response: &WireResponse) -> ClauseResult {
    let op = spec().operation(operation);
    ENVELOPE.ensure(
        op.response(Status::Exact(response.status)).is_some(),
        operation,
        || format!("success status {} is not documented", response.status),
    )?;
    ENVELOPE.ensure(is_json(response), operation, || {
        format!(
            "content type {:?} on a success, not JSON",
            response.header("content-type")
        )
    })?;
    let body = response.json();
    ENVELOPE.ensure(
        body.get("ok") == Some(&Value::Bool(true)),
        operation,
        || format!("a success without `ok: true`: {}", response.describe()),
    )?;
    let schema = success_schema(operation);
    let violations = schema.violations(&body, 5);
    ENVELOPE.ensure(violations.is_empty(), operation, || {
        format!(
            "the {} body breaks the schema {}: {}",
            response.status,
            schema.name,
            violations.join("; ")
        )
    })
}

/// Checks an error response.
pub(crate) fn check_error(operation: &str, response: &WireResponse) -> ClauseResult {
    let op = spec().operation(operation);
    let status = Status::documented_for(op, response.status);
    ENVELOPE.ensure(op.response(status).is_some(), operation, || {
        format!(
            "status {} is not documented for this operation",
            response.status
        )
    })?;
    ENVELOPE.ensure(is_json(response), operation, || {
        format!(
            "content type {:?} on a {}, not JSON",
            response.header("content-type"),
            response.status
        )
    })?;
    let body = response.json();
    let seen = |what: &str| {
        format!(
            "{what} in a {} error: {}",
            response.status,
            response.describe()
        )
    };
    ENVELOPE.ensure(
        body.get("ok") == Some(&Value::Bool(false)),
        operation,
        || seen("no `ok: false`"),
    )?;
    ENVELOPE.ensure(
        body.get("error_code").is_some_and(Value::is_string),
        operation,
        || seen("no string `error_code`"),
    )?;
    ENVELOPE.ensure(
        body.get("error_message")
            .and_then(Value::as_str)
            .is_some_and(|m| !m.trim().is_empty()),
        operation,
        || seen("no non-empty `error_message`"),
    )?;
    ENVELOPE.ensure(body.get("data") == Some(&Value::Null), operation, || {
        seen("`data` not null")
    })?;
    let violations = error_schema().violations(&body, 5);
    ENVELOPE.ensure(violations.is_empty(), operation, || {
        format!(
            "the {} error breaks the ErrorEnvelope schema: {}",
            response.status,
            violations.join("; ")
        )
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn response(status: u16, content_type: &str, body: Value) -> WireResponse {
        let mut headers = http::HeaderMap::new();
        headers.insert("content-type", content_type.parse().unwrap());
        WireResponse {
            status,
            headers,
            body: body.to_string().into(),
        }
    }

    #[test]
    fn a_well_formed_error_passes_and_each_break_fails_naming_it() {
        let good = json!({"ok": false, "error_code": "NOT_FOUND", "error_message": "order 1 not found", "data": null});
        assert_eq!(
            check(
                "get_order",
                &response(404, "application/json", good.clone())
            ),
            Ok(())
        );
        let new_code = json!({"ok": false, "error_code": "KYC_REQUIRED", "error_message": "kyc", "data": null, "extra": 1});
        assert_eq!(
            check(
                "get_order",
                &response(404, "application/json; charset=utf-8", new_code)
            ),
            Ok(())
        );
        let cases = [
            (
                json!({"ok": false, "error_message": "x", "data": null}),
                "error_code",
            ),
            (
                json!({"ok": false, "error_code": "NOT_FOUND", "error_message": "", "data": null}),
                "error_message",
            ),
            (
                json!({"ok": false, "error_code": "NOT_FOUND", "error_message": "x", "data": {}}),
                "`data` not null",
            ),
            (
                json!({"ok": false, "error_code": "NOT_FOUND", "error_message": "x"}),
                "`data` not null",
            ),
            (
                json!({"ok": true, "error_code": "NOT_FOUND", "error_message": "x", "data": null}),
                "ok: false",
            ),
        ];
        for (body, needle) in cases {
            let err = check("get_order", &response(404, "application/json", body)).unwrap_err();
            assert!(err.to_string().contains(needle), "{err}");
            assert_eq!(
                (err.clause, err.operation.as_str()),
                ("envelope", "get_order")
            );
        }
        let html = check("get_order", &response(404, "text/html", good)).unwrap_err();
        assert!(html.seen.contains("not JSON"), "{html}");
        let undocumented =
            json!({"ok": false, "error_code": "CONFLICT", "error_message": "x", "data": null});
        assert!(
            check(
                "get_balance",
                &response(409, "application/json", undocumented)
            )
            .is_err()
        );
    }
}
