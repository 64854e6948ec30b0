//! Identifiers and small closed value types of the API.

use std::fmt;
use std::str::FromStr;

/// An order id.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct OrderId(pub u64);

impl From<u64> for OrderId {
    fn from(value: u64) -> Self {
        Self(value)
    }
}

impl From<OrderId> for u64 {
    fn from(value: OrderId) -> Self {
        value.0
    }
}

impl fmt::Display for OrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for OrderId {
    type Err = std::num::ParseIntError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Self)
    }
}

/// A Premium duration on sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PremiumMonths {
    /// Three months.
    Three,
    /// Six months.
    Six,
    /// Twelve months.
    Twelve,
}

impl PremiumMonths {
    /// The number of months.
    pub const fn months(self) -> u32 {
        match self {
            Self::Three => 3,
            Self::Six => 6,
            Self::Twelve => 12,
        }
    }
}

impl TryFrom<u32> for PremiumMonths {
    type Error = crate::Error;
    fn try_from(months: u32) -> Result<Self, Self::Error> {
        match months {
            3 => Ok(Self::Three),
            6 => Ok(Self::Six),
            12 => Ok(Self::Twelve),
            other => Err(crate::Error::invalid_input(
                "months",
                format!("must be 3, 6 or 12, not {other}"),
            )),
        }
    }
}

impl fmt::Display for PremiumMonths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.months(), f)
    }
}

impl serde::Serialize for PremiumMonths {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(self.months())
    }
}

impl<'de> serde::Deserialize<'de> for PremiumMonths {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let months = u32::deserialize(deserializer)?;
        Self::try_from(months).map_err(serde::de::Error::custom)
    }
}
