//! `Idempotency-Key` values: validated, generated, or derived from the caller's own id.

use std::fmt;
use std::str::FromStr;

use schemars::schema::{InstanceType, Schema};

/// Longest key the API accepts.
pub const MAX_LEN: usize = 255;

/// Namespace for keys derived with [`IdempotencyKey::derived_from`] (a fixed, random UUID).
const DERIVED_NAMESPACE: uuid::Uuid =
    uuid::Uuid::from_u128(0x6f0b_5e8e_1c4a_4d3b_9a57_2e0d_4c1f_8a36);

/// The value of an `Idempotency-Key` header: 1–255 printable ASCII characters with no leading
/// or trailing space. A retry that carries the same key returns the first result instead of
/// acting twice, so keep the key of every create until you know its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// A fresh random key (a UUIDv4): what the sdk uses when the caller gives none.
    pub fn random() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    /// A key derived deterministically from your own id (an invoice number, say), so a restart
    /// of your process that retries the same invoice reuses the same key.
    pub fn derived_from(reference: &str) -> Self {
        Self(uuid::Uuid::new_v5(&DERIVED_NAMESPACE, reference.as_bytes()).to_string())
    }

    /// Checks and wraps a key you chose.
    pub fn new(key: impl Into<String>) -> Result<Self, crate::Error> {
        let key = key.into();
        let invalid =
            |reason: &'static str| Err(crate::Error::invalid_input("Idempotency-Key", reason));
        if key.is_empty() {
            return invalid("must not be empty");
        }
        if key.len() > MAX_LEN {
            return invalid("must be at most 255 characters");
        }
        if !key.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
            return invalid("must be printable ASCII");
        }
        if key.starts_with(' ') || key.ends_with(' ') {
            return invalid("must not start or end with a space");
        }
        Ok(Self(key))
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for IdempotencyKey {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<&str> for IdempotencyKey {
    type Error = crate::Error;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl TryFrom<String> for IdempotencyKey {
    type Error = crate::Error;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl From<uuid::Uuid> for IdempotencyKey {
    fn from(value: uuid::Uuid) -> Self {
        Self(value.to_string())
    }
}

impl serde::Serialize for IdempotencyKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for IdempotencyKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::new(String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for IdempotencyKey {
    fn schema_name() -> String {
        "IdempotencyKey".to_owned()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> Schema {
        let mut schema = crate::schema::described(
            InstanceType::String,
            "1–255 printable ASCII characters, no leading or trailing space.",
        );
        schema.string().min_length = Some(1);
        schema.string().max_length = Some(MAX_LEN as u32);
        schema.string().pattern = Some("^[!-~]([ -~]*[!-~])?$".to_owned());
        schema.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_keys_are_valid_uuids_and_distinct() {
        let (a, b) = (IdempotencyKey::random(), IdempotencyKey::random());
        assert_ne!(a, b);
        assert!(uuid::Uuid::parse_str(a.as_str()).is_ok());
        assert!(IdempotencyKey::new(a.as_str()).is_ok());
    }

    #[test]
    fn derived_keys_are_stable_per_reference() {
        assert_eq!(
            IdempotencyKey::derived_from("invoice-42"),
            IdempotencyKey::derived_from("invoice-42")
        );
        assert_ne!(
            IdempotencyKey::derived_from("invoice-42"),
            IdempotencyKey::derived_from("invoice-43")
        );
    }

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

/// The result of an idempotent call (a create or a cancel) with the key it was sent under.
#[derive(Debug, Clone, PartialEq)]
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

/// The result of an idempotent call: its payload, the key it ran under, whether the server
/// replayed it, and the attempts it took.
pub(crate) fn idempotent<T>(
    (response, attempts): (
        progenitor_client::ResponseValue<crate::envelope::Envelope<T>>,
        u32,
    ),
    key: IdempotencyKey,
) -> Idempotent<T> {
    let replayed = response
        .headers()
        .get(IDEMPOTENT_REPLAYED)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"));
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
