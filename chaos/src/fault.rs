//! The fault kinds and the seeded plan that decides, per request, which one (if any) to inject.
//!
//! A decision is a pure function of the seed, the request's *call identity* (its
//! `client_reference`, or its method and path when it has none) and how many earlier requests
//! carried that identity. Concurrency may reorder requests on the wire, but the first attempt of
//! `invoice-7` always meets the same fault for a given seed, and so does its third.

use std::fmt;

use sha2::{Digest, Sha256};

/// A fault the proxy can inject into one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// Forward, let the server commit, then close the connection without answering.
    DropResponse,
    /// Answer `502 Bad Gateway` (an HTML page, as a load balancer does) without forwarding.
    BadGateway,
    /// Answer `503 Service Unavailable` (plain text) without forwarding.
    Unavailable,
    /// Answer `429 RATE_LIMITED` with `Retry-After` without forwarding.
    RateLimited,
    /// Forward, let the server commit, and hold the response past the client's timeout.
    Delay,
    /// Forward, send the response head and half of the body, then reset the connection.
    ResetMidBody,
}

impl Fault {
    /// Every kind, in report order.
    pub const ALL: [Fault; 6] = [
        Fault::DropResponse,
        Fault::BadGateway,
        Fault::Unavailable,
        Fault::RateLimited,
        Fault::Delay,
        Fault::ResetMidBody,
    ];

    /// Position in [`Fault::ALL`].
    pub(crate) fn index(self) -> usize {
        match self {
            Fault::DropResponse => 0,
            Fault::BadGateway => 1,
            Fault::Unavailable => 2,
            Fault::RateLimited => 3,
            Fault::Delay => 4,
            Fault::ResetMidBody => 5,
        }
    }

    /// A short label for tables.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Fault::DropResponse => "response dropped after commit",
            Fault::BadGateway => "502 without forwarding",
            Fault::Unavailable => "503 without forwarding",
            Fault::RateLimited => "429 with Retry-After",
            Fault::Delay => "response past client timeout",
            Fault::ResetMidBody => "reset mid-body",
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The probability of each fault per request; what is left over is a clean pass-through.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaultRates([f64; Fault::ALL.len()]);

impl FaultRates {
    /// No faults at all.
    #[cfg(test)]
    pub(crate) const NONE: FaultRates = FaultRates([0.0; Fault::ALL.len()]);

    /// Rates in [`Fault::ALL`] order. Each must be in `[0, 1]` and together at most 1.
    pub(crate) fn new(rates: [f64; Fault::ALL.len()]) -> anyhow::Result<Self> {
        for (fault, rate) in Fault::ALL.iter().zip(rates) {
            anyhow::ensure!(
                (0.0..=1.0).contains(&rate),
                "the rate of `{fault}` must be between 0 and 1, not {rate}"
            );
        }
        let total: f64 = rates.iter().sum();
        anyhow::ensure!(
            total <= 1.0 + f64::EPSILON,
            "fault rates add up to {total}, more than 1"
        );
        Ok(Self(rates))
    }

    /// The same rate for one kind, zero for the others.
    #[cfg(test)]
    pub(crate) fn only(fault: Fault, rate: f64) -> anyhow::Result<Self> {
        let mut rates = [0.0; Fault::ALL.len()];
        rates[fault.index()] = rate;
        Self::new(rates)
    }

    pub(crate) fn rate(&self, fault: Fault) -> f64 {
        self.0[fault.index()]
    }
}

/// Seeded, stateless fault decisions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct FaultPlan {
    seed: u64,
    rates: FaultRates,
}

impl FaultPlan {
    pub(crate) fn new(seed: u64, rates: FaultRates) -> Self {
        Self { seed, rates }
    }

    /// The fault for the request with this identity that is the `occurrence`-th (0-based) to
    /// carry it, or `None` to pass it through untouched.
    pub(crate) fn decide(&self, identity: &str, occurrence: u32) -> Option<Fault> {
        let draw = self.uniform(identity, occurrence);
        let mut upper = 0.0;
        for fault in Fault::ALL {
            upper += self.rates.rate(fault);
            if draw < upper {
                return Some(fault);
            }
        }
        None
    }

    /// A uniform draw in `[0, 1)` from SHA-256 of the seed, the occurrence and the identity:
    /// the same on every platform and every release of every dependency.
    fn uniform(&self, identity: &str, occurrence: u32) -> f64 {
        let digest = Sha256::new()
            .chain_update(self.seed.to_le_bytes())
            .chain_update(occurrence.to_le_bytes())
            .chain_update(identity.as_bytes())
            .finalize();
        let mut word = [0; 8];
        word.copy_from_slice(&digest[..8]);
        // The top 53 bits fill an f64 mantissa exactly.
        (u64::from_le_bytes(word) >> 11) as f64 / (1_u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rates() -> FaultRates {
        FaultRates::new([0.05, 0.05, 0.05, 0.05, 0.05, 0.05]).unwrap()
    }

    #[test]
    fn same_seed_same_schedule_other_seed_other_schedule() {
        let schedule = |seed| {
            let plan = FaultPlan::new(seed, rates());
            (0..500)
                .flat_map(|call| (0..4).map(move |attempt| (call, attempt)))
                .map(|(call, attempt)| plan.decide(&format!("chaos-{call}"), attempt))
                .collect::<Vec<_>>()
        };
        assert_eq!(schedule(7), schedule(7));
        assert_ne!(schedule(7), schedule(8));
    }

    #[test]
    fn decisions_do_not_depend_on_arrival_order() {
        let plan = FaultPlan::new(3, rates());
        let forward: Vec<_> = (0..200).map(|i| plan.decide(&format!("r{i}"), 0)).collect();
        let mut backward: Vec<_> = (0..200)
            .rev()
            .map(|i| plan.decide(&format!("r{i}"), 0))
            .collect();
        backward.reverse();
        assert_eq!(forward, backward);
    }

    #[test]
    fn frequencies_follow_the_rates() {
        let plan = FaultPlan::new(11, rates());
        let draws = 60_000;
        let mut counts = [0_u32; Fault::ALL.len()];
        let mut clean = 0;
        for i in 0..draws {
            match plan.decide("call", i) {
                Some(fault) => counts[fault.index()] += 1,
                None => clean += 1,
            }
        }
        for (fault, count) in Fault::ALL.iter().zip(counts) {
            let share = f64::from(count) / f64::from(draws);
            assert!((share - 0.05).abs() < 0.005, "{fault}: {share}");
        }
        let share = f64::from(clean) / f64::from(draws);
        assert!((share - 0.70).abs() < 0.01, "clean: {share}");
    }

    #[test]
    fn zero_rates_never_fault_and_full_rate_always_does() {
        let none = FaultPlan::new(1, FaultRates::NONE);
        assert!((0..1000).all(|i| none.decide("x", i).is_none()));
        let all = FaultPlan::new(1, FaultRates::only(Fault::Delay, 1.0).unwrap());
        assert!((0..1000).all(|i| all.decide("x", i) == Some(Fault::Delay)));
    }

    #[test]
    fn invalid_rates_are_rejected() {
        assert!(FaultRates::new([0.5, 0.5, 0.1, 0.0, 0.0, 0.0]).is_err());
        assert!(FaultRates::new([-0.1, 0.0, 0.0, 0.0, 0.0, 0.0]).is_err());
        assert!(FaultRates::only(Fault::BadGateway, 1.5).is_err());
        assert_eq!(Fault::ALL.map(Fault::index), [0, 1, 2, 3, 4, 5]);
    }
}
