//! Checking a live answer: its status and error code for a clause, then its envelope.

use serde_json::Value;

use crate::envelope::WireResponse;
use crate::failure::{Clause, ClauseResult};

/// Checks status and code (for `clause`), then the envelope (the envelope clause).
pub(crate) fn expect(
    clause: Clause,
    operation: &str,
    response: &WireResponse,
    status: u16,
    code: Option<&str>,
) -> ClauseResult {
    let expected = format!(
        "{status}{}",
        code.map(|c| format!(" {c}")).unwrap_or_default()
    );
    clause.ensure(response.status == status, operation, || {
        format!("expected {expected}, saw {}", response.describe())
    })?;
    if let Some(code) = code {
        clause.ensure(
            response.error_code().as_deref() == Some(code),
            operation,
            || {
                format!(
                    "expected {expected}, saw error_code {:?}: {}",
                    response.error_code(),
                    response.describe()
                )
            },
        )?;
    }
    crate::envelope::check(operation, response)
}

/// The `data` of a success.
pub(crate) fn data(response: &WireResponse) -> Value {
    response.json().get("data").cloned().unwrap_or(Value::Null)
}
