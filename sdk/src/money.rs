//! Exact money. Amounts travel as JSON numbers and decode into decimals digit for digit
//! (`0.418` stays `0.418`, 9 decimal places of TON are kept), never through a binary float.
//! serde_json hands the sdk each number's raw text through its additive `raw_value` feature;
//! the sdk does not turn on `arbitrary_precision`, so it changes nothing about how the other
//! crates of a partner's build parse numbers. The `json` submodule says what each deserializer
//! yields.

mod json;
#[cfg(test)]
mod tests;

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Neg, Sub};
use std::str::FromStr;

pub use rust_decimal::Decimal;

/// Defines an exact decimal amount newtype.
macro_rules! decimal_amount {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Decimal);

        impl $name {
            /// Zero.
            pub const ZERO: Self = Self(Decimal::ZERO);

            /// Wraps an exact decimal.
            pub const fn new(value: Decimal) -> Self {
                Self(value)
            }

            /// The exact decimal value.
            pub const fn as_decimal(&self) -> Decimal {
                self.0
            }

            /// Adds, or `None` on overflow.
            pub fn checked_add(self, other: Self) -> Option<Self> {
                self.0.checked_add(other.0).map(Self)
            }

            /// Subtracts, or `None` on overflow.
            pub fn checked_sub(self, other: Self) -> Option<Self> {
                self.0.checked_sub(other.0).map(Self)
            }
        }

        impl From<Decimal> for $name {
            fn from(value: Decimal) -> Self {
                Self(value)
            }
        }

        impl From<$name> for Decimal {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl FromStr for $name {
            type Err = rust_decimal::Error;
            /// Parses digits exactly (`"0.418"`); anything that is not a plain decimal fails.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Decimal::from_str_exact(s).map(Self)
            }
        }

        impl fmt::Display for $name {
            /// The digits as they were sent, trailing zeros included.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl Add for $name {
            type Output = Self;
            fn add(self, other: Self) -> Self {
                Self(self.0 + other.0)
            }
        }

        impl Sub for $name {
            type Output = Self;
            fn sub(self, other: Self) -> Self {
                Self(self.0 - other.0)
            }
        }

        impl Neg for $name {
            type Output = Self;
            fn neg(self) -> Self {
                Self(-self.0)
            }
        }

        impl Sum for $name {
            fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
                iter.fold(Self::ZERO, Add::add)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                json::serialize(&self.0, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                json::deserialize(deserializer).map(Self)
            }
        }

    };
}

decimal_amount!(
    /// An amount of TON, exact to the nanoton (9 decimal places) and beyond.
    TonAmount
);

decimal_amount!(
    /// An amount of US dollars, exact.
    UsdAmount
);

decimal_amount!(
    /// A percentage (`2.5` is 2.5 %), exact.
    Percent
);
