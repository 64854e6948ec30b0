//! The partner's API key: sent only as a sensitive `Authorization` header, never printed.

use std::fmt;

use reqwest::header::HeaderValue;

/// A partner API key (`osk_…`). Its `Debug` is redacted and it has no `Display`, so it cannot
/// reach a log, an error message or a URL by accident.
#[derive(Clone)]
pub struct ApiKey {
    header: HeaderValue,
}

impl ApiKey {
    /// Checks and wraps a key.
    pub fn new(key: impl AsRef<str>) -> Result<Self, crate::Error> {
        let key = key.as_ref().trim();
        if key.is_empty() {
            return Err(crate::Error::invalid_input("api_key", "must not be empty"));
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(crate::Error::invalid_input(
                "api_key",
                "must be printable ASCII without spaces",
            ));
        }
        let mut header = HeaderValue::try_from(format!("Bearer {key}")).map_err(|e| {
            // `InvalidHeaderValue` carries no part of the value, so the key stays out.
            crate::Error::invalid_input_caused_by("api_key", "is not a valid header value", e)
        })?;
        // Sensitive headers are redacted by `http`'s `Debug` and skipped by HPACK indexing.
        header.set_sensitive(true);
        Ok(Self { header })
    }

    pub(crate) fn authorization(&self) -> &HeaderValue {
        &self.header
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key() {
        let key = ApiKey::new("osk_live_secret123").unwrap();
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        assert!(key.authorization().is_sensitive());
    }

    #[test]
    fn invalid_keys_are_rejected_without_echoing_them() {
        let err = ApiKey::new("osk with space").unwrap_err().to_string();
        assert!(
            err.contains("api_key") && !err.contains("osk with space"),
            "{err}"
        );
        assert!(ApiKey::new("  ").is_err());
    }
}
