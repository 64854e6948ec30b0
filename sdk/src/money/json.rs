//! Amounts on the wire: exact JSON numbers, without serde_json's `arbitrary_precision`.
//!
//! Decoding asks the deserializer for the number's raw text (serde_json's `raw_value` feature,
//! which is additive: it changes nothing for other crates) and parses those digits exactly.
//! Deserializers that cannot hand over raw text still work as well as they can: integers
//! exactly, floats through their shortest round-trip text, and the text of a number that
//! serde_json kept when another crate enables `arbitrary_precision`. Encoding writes the digits
//! as a raw JSON number (other formats see serde_json's raw-value struct, as they saw its number
//! struct under `arbitrary_precision`). JSON strings are refused: the spec's amounts are numbers.

use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, DeserializeSeed, MapAccess, Unexpected, Visitor};
use serde::{Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// The name under which serde_json hands over a value's raw text (`serde_json::value::RawValue`
/// uses it; serde_json offers no public way to ask for raw text with a fallback).
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";
/// The key under which serde_json hands over a number's text when `arbitrary_precision` is on.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// A decimal holds 28 decimal places and 29 digits, so an exponent needing more digits than this
/// is refused before any text is built for it.
const MAX_EXPONENT_DIGITS: usize = 4;

pub(super) fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    RawValue::from_string(value.to_string())
        .map_err(serde::ser::Error::custom)?
        .serialize(serializer)
}

pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    deserializer.deserialize_newtype_struct(RAW_VALUE_TOKEN, AmountVisitor)
}

struct AmountVisitor;

impl<'de> Visitor<'de> for AmountVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an amount as a JSON number")
    }

    /// Deserializers that do not know the raw-value token (serde's buffer behind `flatten` and
    /// `untagged`, other formats) pass the value itself.
    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Decimal, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decimal, A::Error> {
        match map.next_key_seed(TokenKey)? {
            Some(true) => map.next_value_seed(ExactText),
            _ => Err(de::Error::invalid_type(Unexpected::Map, &self)),
        }
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(value))
    }

    /// A float has already lost whatever it could not hold; its shortest round-trip text is the
    /// closest account of what was sent.
    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Decimal, E> {
        if !value.is_finite() {
            return Err(E::invalid_value(Unexpected::Float(value), &self));
        }
        let text = value.to_string();
        Decimal::from_str_exact(&text)
            .map_err(|_| E::invalid_value(Unexpected::Float(value), &self))
    }
}

/// Whether a map key is one of serde_json's tokens for a value's text.
struct TokenKey;

impl<'de> DeserializeSeed<'de> for TokenKey {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for TokenKey {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("serde_json's raw value or number token")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(key == RAW_VALUE_TOKEN || key == NUMBER_TOKEN)
    }
}

/// A value's JSON text, parsed as an exact number.
struct ExactText;

impl<'de> DeserializeSeed<'de> for ExactText {
    type Value = Decimal;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Decimal, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for ExactText {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the text of a JSON number")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Decimal, E> {
        let expected = &"an amount as a JSON number that a decimal holds exactly";
        match json_kind(text) {
            JsonKind::Number => decimal_from_json_number(text)
                .ok_or_else(|| E::invalid_value(Unexpected::Other(text), expected)),
            JsonKind::Other(kind) => Err(E::invalid_type(Unexpected::Other(kind), expected)),
        }
    }
}

enum JsonKind {
    Number,
    Other(&'static str),
}

/// What a piece of valid JSON text is, from its first character.
fn json_kind(text: &str) -> JsonKind {
    match text.as_bytes().first() {
        Some(b'-' | b'0'..=b'9') => JsonKind::Number,
        Some(b'"') => JsonKind::Other("a string"),
        Some(b'{') => JsonKind::Other("an object"),
        Some(b'[') => JsonKind::Other("an array"),
        Some(b't' | b'f') => JsonKind::Other("a boolean"),
        Some(b'n') => JsonKind::Other("null"),
        _ => JsonKind::Other("not JSON"),
    }
}

/// The exact value of a JSON number's text, or `None` when the text is not a JSON number or the
/// value does not fit a decimal without rounding. Trailing zeros are kept (`1.500` has scale 3).
pub(super) fn decimal_from_json_number(text: &str) -> Option<Decimal> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(parse_exponent(exponent)?)),
        None => (unsigned, None),
    };
    let (integer, fraction) = match mantissa.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (mantissa, None),
    };
    let integer_ok = is_digits(integer) && (integer == "0" || !integer.starts_with('0'));
    if !integer_ok || !fraction.is_none_or(is_digits) {
        return None;
    }
    let magnitude = match exponent {
        None => Decimal::from_str_exact(mantissa),
        Some(exponent) => {
            Decimal::from_str_exact(&shift_point(integer, fraction.unwrap_or(""), exponent))
        }
    }
    .ok()?;
    Some(if negative { -magnitude } else { magnitude })
}

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// An exponent's value; `None` past what any decimal could use, so that no text is built for it.
fn parse_exponent(text: &str) -> Option<i32> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if !is_digits(digits) || digits.trim_start_matches('0').len() > MAX_EXPONENT_DIGITS {
        return None;
    }
    let magnitude: i32 = digits.parse().ok()?;
    Some(if text.starts_with('-') {
        -magnitude
    } else {
        magnitude
    })
}

/// `integer.fraction × 10^exponent` written without an exponent, every digit kept.
fn shift_point(integer: &str, fraction: &str, exponent: i32) -> String {
    let digits = format!("{integer}{fraction}");
    // Both terms are small: the exponent has at most MAX_EXPONENT_DIGITS digits.
    let point = integer.len() as i64 + i64::from(exponent);
    if point <= 0 {
        format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
    } else if point as usize >= digits.len() {
        format!("{digits}{}", "0".repeat(point as usize - digits.len()))
    } else {
        let (whole, rest) = digits.split_at(point as usize);
        format!("{whole}.{rest}")
    }
}
