//! Randomness from the operating system (`getrandom`): fresh idempotency keys, and the jitter
//! that spreads retries and polls.

/// `N` random bytes. Like the `uuid` crate, it panics if the OS random source fails, which
/// leaves no safe way to make a unique key.
pub(crate) fn bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0; N];
    getrandom::fill(&mut buf).expect("the operating system's random source failed");
    buf
}

/// A uniform draw from `[0, 1)`, for jitter.
pub(crate) fn unit() -> f64 {
    // 53 random bits: every value a f64 in [0, 1) can hold at that spacing.
    (u64::from_le_bytes(bytes()) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_in_range_and_vary() {
        let draws: Vec<f64> = (0..1000).map(|_| unit()).collect();
        assert!(draws.iter().all(|d| (0.0..1.0).contains(d)));
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        assert!((0.4..0.6).contains(&mean), "mean {mean}");
        assert_ne!(bytes::<16>(), bytes::<16>());
    }
}
