//! `Idempotency-Key` handling, as the contract notes say: the answer is stored with the change
//! it answers (see `store::idempotency`), scoped per partner, honoured for 24 hours; the same key
//! with a different request is `422 IDEMPOTENCY_KEY_REUSED`; a key whose request is still being
//! processed is `409 IDEMPOTENCY_IN_PROGRESS`; requests rejected by validation are not stored.
//!
//! Two mechanisms, each doing one job: an in-memory registry of keys in flight answers the
//! concurrent duplicates at once with `409`, and the database's primary key on
//! `(partner, key)` plus the single writer make "one order per key" hold even if the registry
//! were bypassed.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use sha2::{Digest, Sha256};
use theopenmoney::IdempotencyKey;

use crate::error_reply::ErrorReply;

/// The header a replayed answer carries.
pub(crate) const REPLAYED_HEADER: &str = "idempotent-replayed";

/// A request that carried a valid `Idempotency-Key`, with its fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeyedRequest {
    key: IdempotencyKey,
    fingerprint: String,
}

impl KeyedRequest {
    /// `key` for the request `method path` with `body`.
    pub(crate) fn new(key: IdempotencyKey, method: &str, path: &str, body: Option<&Value>) -> Self {
        Self {
            fingerprint: fingerprint(method, path, body),
            key,
        }
    }

    /// Takes the key's in-flight slot for `partner` (`409 IDEMPOTENCY_IN_PROGRESS` if taken).
    pub(crate) fn acquire(
        &self,
        in_flight: &Arc<InFlight>,
        partner: &str,
    ) -> Result<InFlightGuard, ErrorReply> {
        in_flight.acquire(partner, self.key.as_str())
    }

    /// The claim checked against stored records at `now_ms`, honouring records younger than
    /// `ttl`.
    pub(crate) fn claim(self, now_ms: i64, ttl: Duration) -> Claim {
        Claim {
            key: self.key.as_str().to_owned(),
            fingerprint: self.fingerprint,
            honoured_since_ms: now_ms.saturating_sub(crate::clock::millis(ttl)),
        }
    }
}

/// What identifies "the same request" under one key, and the window it is honoured in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Claim {
    pub(crate) key: String,
    pub(crate) fingerprint: String,
    /// Records created before this instant (Unix ms) are too old to be honoured.
    pub(crate) honoured_since_ms: i64,
}

/// An answer as it was sent, kept for replays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoredResponse {
    pub(crate) status: u16,
    pub(crate) body: String,
}

impl StoredResponse {
    /// `200` with `body`.
    pub(crate) fn ok(body: String) -> Self {
        Self { status: 200, body }
    }

    /// The answer, marked as a replay when it is one.
    pub(crate) fn into_response(self, replayed: bool) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        let mut response = (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            self.body,
        )
            .into_response();
        if replayed {
            response
                .headers_mut()
                .insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
        }
        response
    }
}

/// The `(partner, key)` pairs whose request is being processed right now.
#[derive(Debug, Default)]
pub(crate) struct InFlight {
    slots: Mutex<HashSet<(String, String)>>,
}

impl InFlight {
    /// Takes the slot of `(partner, key)`, or answers `409 IDEMPOTENCY_IN_PROGRESS` when a
    /// request holding it is still being processed.
    pub(crate) fn acquire(
        self: &Arc<Self>,
        partner: &str,
        key: &str,
    ) -> Result<InFlightGuard, ErrorReply> {
        let slot = (partner.to_owned(), key.to_owned());
        let fresh = self
            .slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(slot.clone());
        if fresh {
            Ok(InFlightGuard {
                registry: Arc::clone(self),
                slot,
            })
        } else {
            Err(ErrorReply::idempotency_in_progress())
        }
    }

    /// The `(partner, key)` pairs held right now, sorted.
    pub(crate) fn held(&self) -> Vec<(String, String)> {
        let mut held: Vec<_> = self
            .slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .cloned()
            .collect();
        held.sort();
        held
    }
}

/// Holds a key's slot; dropping it frees the slot.
#[derive(Debug)]
pub(crate) struct InFlightGuard {
    registry: Arc<InFlight>,
    slot: (String, String),
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        self.registry
            .slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.slot);
    }
}

/// The fingerprint of a request: SHA-256 over the method, the path and the body in canonical
/// form (keys sorted, no whitespace, numbers as sent), so a client that re-serialises the same
/// body differently still matches, while `100` and `101` never do.
fn fingerprint(method: &str, path: &str, body: Option<&Value>) -> String {
    let mut canonical = String::new();
    if let Some(body) = body {
        write_canonical(body, &mut canonical);
    }
    let digest = Sha256::new()
        .chain_update(method.as_bytes())
        .chain_update(b"\n")
        .chain_update(path.as_bytes())
        .chain_update(b"\n")
        .chain_update(canonical.as_bytes())
        .finalize();
    digest
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (name, value)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(name.clone()).to_string());
                out.push(':');
                write_canonical(value, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn fingerprints_ignore_key_order_and_whitespace_only() {
        let a: Value =
            serde_json::from_str(r#"{"quantity": 100, "recipient_username":"pandus"}"#).unwrap();
        let b: Value =
            serde_json::from_str(r#"{"recipient_username":"pandus","quantity":100}"#).unwrap();
        let c = json!({"recipient_username": "pandus", "quantity": 101});
        let path = "/api/v1/orders/stars";
        assert_eq!(
            fingerprint("POST", path, Some(&a)),
            fingerprint("POST", path, Some(&b))
        );
        assert_ne!(
            fingerprint("POST", path, Some(&a)),
            fingerprint("POST", path, Some(&c))
        );
        assert_ne!(
            fingerprint("POST", "/api/v1/orders/1/cancel", None),
            fingerprint("POST", "/api/v1/orders/2/cancel", None)
        );
    }

    #[test]
    fn a_slot_is_held_until_its_guard_drops() {
        let registry = Arc::new(InFlight::default());
        let guard = registry.acquire("alpha", "k").unwrap();
        assert_eq!(
            registry.acquire("alpha", "k").unwrap_err().status(),
            StatusCode::CONFLICT
        );
        // Scoped per partner.
        let other = registry.acquire("beta", "k").unwrap();
        assert_eq!(
            registry.held(),
            [
                ("alpha".to_owned(), "k".to_owned()),
                ("beta".to_owned(), "k".to_owned())
            ]
        );
        drop(guard);
        drop(other);
        assert_eq!(registry.held(), []);
        assert!(registry.acquire("alpha", "k").is_ok());
    }
}
