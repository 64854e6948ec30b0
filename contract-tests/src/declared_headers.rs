//! The response headers the spec declares, checked against their schemas wherever they appear
//! (every response a clause checks goes through here): a declared header that is present must
//! be valid; whether it must be present is the clause's business (`Retry-After` on a `429`,
//! `Idempotent-Replayed` on a replay).

use serde_json::Value;

use crate::failure::{Clause, ClauseResult};
use crate::spec::{Status, spec};

/// The declared-headers clause.
pub(crate) const DECLARED_HEADERS: Clause = Clause("headers/schema");

/// Checks each header the spec declares on `operation`'s response at `status`.
pub(crate) fn check(operation: &str, status: u16, headers: &http::HeaderMap) -> ClauseResult {
    let op = spec().operation(operation);
    let Some(documented) = op.response(Status::documented_for(op, status)) else {
        return Ok(());
    };
    for declared in &documented.headers {
        for value in headers.get_all(declared.name.as_str()) {
            let text = value.to_str().unwrap_or("<not visible ASCII>");
            DECLARED_HEADERS.ensure(valid(&declared.schema, text), operation, || {
                format!(
                    "header `{}: {text}` on a {status} breaks its schema {}",
                    declared.name, declared.schema
                )
            })?;
        }
    }
    Ok(())
}

/// Whether a header's text is valid against its (simple, reference-free) schema: numbers are
/// read as JSON numbers, anything else as a string.
fn valid(schema: &Value, text: &str) -> bool {
    let candidate = match schema["type"].as_str() {
        Some("integer" | "number") => match serde_json::from_str::<Value>(text.trim()) {
            Ok(number @ Value::Number(_)) => number,
            _ => return false,
        },
        _ => Value::String(text.to_owned()),
    };
    jsonschema::options()
        .build(schema)
        .is_ok_and(|validator| validator.is_valid(&candidate))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn header_values_are_read_by_their_schema_type() {
        let seconds = json!({"type": "integer", "minimum": 0});
        assert!(valid(&seconds, "3") && valid(&seconds, " 0 "));
        assert!(!valid(&seconds, "-1") && !valid(&seconds, "soon") && !valid(&seconds, "1.5"));
        let replayed = json!({"type": "string", "enum": ["true"]});
        assert!(valid(&replayed, "true"));
        assert!(!valid(&replayed, "yes") && !valid(&replayed, "TRUE"));
    }

    #[test]
    fn a_present_header_breaking_its_schema_fails_where_it_is_declared() {
        let mut headers = http::HeaderMap::new();
        headers.insert("idempotent-replayed", "yes".parse().unwrap());
        let failure = check("create_stars_order", 200, &headers).unwrap_err();
        assert_eq!(failure.clause, "headers/schema");
        assert!(
            failure.seen.contains("idempotent-replayed: yes"),
            "{failure}"
        );
        // Undeclared there: not this clause's business.
        check("get_balance", 200, &headers).unwrap();
    }
}
