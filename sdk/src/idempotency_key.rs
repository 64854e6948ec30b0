//! `Idempotency-Key` values: generated, derived from the caller's own id, or checked. The
//! fallible constructor, which reports through the crate's `Error`, is in `idempotency.rs`.

use std::fmt;

/// Longest key the API accepts.
pub const MAX_LEN: usize = 255;

/// Namespace for keys derived with [`IdempotencyKey::derived_from`] (a fixed, random UUID,
/// `6f0b5e8e-1c4a-4d3b-9a57-2e0d4c1f8a36`). Changing it would change every derived key, and a
/// partner restarting across an upgrade would then create a second order.
const DERIVED_NAMESPACE: [u8; 16] = 0x6f0b_5e8e_1c4a_4d3b_9a57_2e0d_4c1f_8a36_u128.to_be_bytes();

/// The value of an `Idempotency-Key` header: 1–255 printable ASCII characters with no leading
/// or trailing space. A retry that carries the same key returns the first result instead of
/// acting twice, so keep the key of every create until you know its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// A fresh random key (a UUIDv4, RFC 9562): what the sdk uses when the caller gives none.
    pub fn random() -> Self {
        Self(uuid_text(crate::random::bytes(), 4))
    }

    /// A key derived deterministically from your own id (an invoice number, say), so a restart
    /// of your process that retries the same invoice reuses the same key: the UUIDv5 (RFC 9562,
    /// SHA-1) of `reference` in the sdk's fixed namespace.
    pub fn derived_from(reference: &str) -> Self {
        let mut sha1 = sha1_smol::Sha1::new();
        sha1.update(&DERIVED_NAMESPACE);
        sha1.update(reference.as_bytes());
        let digest = sha1.digest().bytes();
        let mut bytes = [0; 16];
        bytes.copy_from_slice(&digest[..16]);
        Self(uuid_text(bytes, 5))
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

/// Why `key` is not a valid `Idempotency-Key`, if it is not.
pub(crate) fn check(key: &str) -> Result<(), &'static str> {
    if key.is_empty() {
        return Err("must not be empty");
    }
    if key.len() > MAX_LEN {
        return Err("must be at most 255 characters");
    }
    if !key.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        return Err("must be printable ASCII");
    }
    if key.starts_with(' ') || key.ends_with(' ') {
        return Err("must not start or end with a space");
    }
    Ok(())
}

impl IdempotencyKey {
    /// Wraps a key that passed [`check`].
    pub(crate) fn checked(key: String) -> Self {
        Self(key)
    }
}

/// The hyphenated lower-case text of a UUID made from `bytes` with the given version and the
/// RFC 9562 variant bits set.
fn uuid_text(mut bytes: [u8; 16], version: u8) -> String {
    bytes[6] = (bytes[6] & 0x0f) | (version << 4);
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(36);
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            text.push('-');
        }
        text.push(char::from(HEX[usize::from(byte >> 4)]));
        text.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    text
}

impl serde::Serialize for IdempotencyKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for IdempotencyKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let key = String::deserialize(deserializer)?;
        match check(&key) {
            Ok(()) => Ok(Self(key)),
            Err(reason) => Err(serde::de::Error::custom(format!(
                "Idempotency-Key {reason}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_keys_are_valid_v4_uuids_and_distinct() {
        let (a, b) = (IdempotencyKey::random(), IdempotencyKey::random());
        assert_ne!(a, b);
        let parsed = uuid::Uuid::parse_str(a.as_str()).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
        assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122);
        assert_eq!(parsed.hyphenated().to_string(), a.as_str());
        assert_eq!(check(a.as_str()), Ok(()));
    }

    proptest::proptest! {
        /// Keys derived before this sdk made its own UUIDs (with the `uuid` crate) stay the same:
        /// a restart across an upgrade must reuse its key.
        #[test]
        fn derived_keys_are_the_uuid_crates_v5(reference in ".{0,80}") {
            let namespace = uuid::Uuid::from_bytes(DERIVED_NAMESPACE);
            let expected = uuid::Uuid::new_v5(&namespace, reference.as_bytes()).to_string();
            let derived = IdempotencyKey::derived_from(&reference);
            proptest::prop_assert_eq!(derived.as_str(), expected);
        }
    }

    #[test]
    fn a_derived_key_is_pinned() {
        // Python's `uuid.uuid5(UUID("6f0b5e8e-1c4a-4d3b-9a57-2e0d4c1f8a36"), "invoice-42")`.
        assert_eq!(
            IdempotencyKey::derived_from("invoice-42").as_str(),
            "ae746808-6c87-5f6b-83fa-0d86cdc237e1"
        );
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
}
