//! The success envelope `{"ok": true, "data": …}` every operation answers with.

use serde::{Deserialize, Serialize};

/// `{"ok": true, "data": T}`. The sdk's operations unwrap it and return `data`; the generated
/// builder API returns it whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Envelope<T> {
    /// Always `true` on success.
    pub ok: Success,
    /// The payload.
    pub data: T,
}

impl<T> Envelope<T> {
    /// Wraps a payload.
    pub fn new(data: T) -> Self {
        Self { ok: Success, data }
    }

    /// The payload.
    pub fn into_data(self) -> T {
        self.data
    }
}

/// The payload of a successful response.
pub(crate) fn data<T>(response: progenitor_client::ResponseValue<Envelope<T>>) -> T {
    response.into_inner().data
}

/// The literal `true` of a success envelope; `false` does not decode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Success;

impl Serialize for Success {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bool(true)
    }
}

impl<'de> Deserialize<'de> for Success {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if bool::deserialize(deserializer)? {
            Ok(Self)
        } else {
            Err(serde::de::Error::custom(
                "a success envelope must have `ok: true`",
            ))
        }
    }
}
