//! What a property generated, kept by the run for its summary: how many inputs it tried and a
//! digest of them, so a replay with the same seed (`CONTRACT_SEED`) can be seen to generate the
//! same cases.

/// What a property generated: the inputs it tried (cases and shrinking steps) and a digest of
/// them, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CaseLog {
    /// The property, e.g. `properties::valid_orders_round_trip [live]`.
    pub property: String,
    /// Inputs tried.
    pub inputs: u32,
    /// FNV-1a of their `Debug` text, run tag replaced: the same seed gives the same digest.
    pub digest: u64,
}

/// Accumulates a [`CaseLog`]. FNV-1a, because std's hasher may change between releases.
#[derive(Debug, Clone)]
pub(crate) struct CaseDigest {
    inputs: u32,
    hash: u64,
}

impl Default for CaseDigest {
    fn default() -> Self {
        Self {
            inputs: 0,
            hash: 0xcbf2_9ce4_8422_2325,
        }
    }
}

impl CaseDigest {
    /// Adds one input, as text.
    pub(crate) fn add(&mut self, input: &str) {
        self.inputs += 1;
        // A separator, so ("ab", "c") and ("a", "bc") differ.
        for byte in input.bytes().chain([0xff]) {
            self.hash ^= u64::from(byte);
            self.hash = self.hash.wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// The log of `property`.
    pub(crate) fn finish(self, property: &str) -> CaseLog {
        CaseLog {
            property: property.to_owned(),
            inputs: self.inputs,
            digest: self.hash,
        }
    }
}
