//! Idempotent calls: checking a key the caller chose, and the result of a call that ran under
//! one key on every attempt.

use std::str::FromStr;

use crate::error::Error;
use crate::idempotency_key::{IdempotencyKey, check};

impl IdempotencyKey {
    /// Checks and wraps a key you chose.
    pub fn new(key: impl Into<String>) -> Result<Self, Error> {
        let key = key.into();
        match check(&key) {
            Ok(()) => Ok(Self::checked(key)),
            Err(reason) => Err(Error::invalid_input("Idempotency-Key", reason)),
        }
    }
}

impl FromStr for IdempotencyKey {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<&str> for IdempotencyKey {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl TryFrom<String> for IdempotencyKey {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

/// The result of an idempotent call (a create or a cancel) with the key it was sent under.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Idempotent<T> {
    /// The result.
    pub value: T,
    /// The `Idempotency-Key` every attempt carried; sending it again replays this result.
    pub idempotency_key: IdempotencyKey,
    /// Whether the server answered with a replay of an earlier request with this key.
    pub replayed: bool,
    /// Attempts this call took (1 when the first one succeeded).
    pub attempts: u32,
}

/// Response header set on a replayed idempotent request (IETF idempotency draft).
const IDEMPOTENT_REPLAYED: &str = "idempotent-replayed";

/// Whether a response says the server replayed an earlier result (`Idempotent-Replayed: true`).
pub(crate) fn is_replayed(headers: &reqwest::header::HeaderMap) -> bool {
    headers
        .get(IDEMPOTENT_REPLAYED)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"))
}

/// The result of an idempotent call: its payload, the key it ran under, whether the server
/// replayed it, and the attempts it took.
pub(crate) fn idempotent<T>(
    (response, attempts): (
        progenitor_client::ResponseValue<crate::envelope::Envelope<T>>,
        u32,
    ),
    key: IdempotencyKey,
) -> Idempotent<T> {
    let replayed = is_replayed(response.headers());
    Idempotent {
        value: crate::envelope::data(response),
        idempotency_key: key,
        replayed,
        attempts,
    }
}

impl<T> Idempotent<T> {
    /// The result, dropping the key.
    pub fn into_value(self) -> T {
        self.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_keys_name_the_field() {
        for bad in ["", " lead", "trail ", "tab\tkey", "ключ"] {
            let err = IdempotencyKey::new(bad).unwrap_err();
            assert!(err.to_string().contains("Idempotency-Key"), "{err}");
        }
        assert!(IdempotencyKey::new("x".repeat(256)).is_err());
        assert!(IdempotencyKey::new("x".repeat(255)).is_ok());
    }
}
