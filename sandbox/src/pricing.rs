//! Prices, computed exactly in decimal.
//!
//! `price_usd = list price × (1 + fee_percent / 100)`, exact (no rounding).
//! `price_ton = price_usd / ton_usd`, rounded **up** to the nanoton (9 decimal places), so the
//! service never undercharges. The rounding is done on integers: the result is the smallest
//! whole number of nanotons `n` with `n × ton_usd ≥ price_usd × 10⁹`. Estimates and orders both
//! come from [`PriceList::quote`], so an estimate always equals the price of the order made with
//! the same inputs at the same rate.

use rust_decimal::{Decimal, RoundingStrategy};
use theopenmoney::{Percent, PremiumMonths, TonAmount, UsdAmount};

/// Nanotons in one TON.
pub(crate) const NANOTONS_PER_TON: i64 = 1_000_000_000;
/// Stars limits (the spec's `StarsQuantity`).
pub(crate) const MIN_STARS: u32 = 50;
pub(crate) const MAX_STARS: u32 = 10_000;

/// What things cost. Prices are computed exactly in decimal (see **Prices** in the crate
/// documentation). [`SandboxBuilder::start`](crate::SandboxBuilder::start) refuses prices that
/// are not positive, a negative fee, a `premium_usd` without exactly one price for each of 3, 6
/// and 12 months, and prices whose dearest order does not fit in whole nanotons (`i64`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pricing {
    /// US dollars per TON.
    pub ton_usd: UsdAmount,
    /// The service fee added to the list price.
    pub fee_percent: Percent,
    /// List price of one Star.
    pub star_usd: UsdAmount,
    /// List prices of Premium for 3, 6 and 12 months.
    pub premium_usd: [(PremiumMonths, UsdAmount); 3],
}

impl Default for Pricing {
    fn default() -> Self {
        let usd = |mantissa: i64, scale: u32| UsdAmount::new(Decimal::new(mantissa, scale));
        Self {
            ton_usd: usd(325, 2),
            fee_percent: Percent::new(Decimal::new(25, 1)),
            star_usd: usd(15, 3),
            premium_usd: [
                (PremiumMonths::Three, usd(1199, 2)),
                (PremiumMonths::Six, usd(1599, 2)),
                (PremiumMonths::Twelve, usd(2899, 2)),
            ],
        }
    }
}

impl Pricing {
    /// Checks what the types cannot, naming the field: a positive rate, a fee that is not
    /// negative, positive prices, exactly one price for each of 3, 6 and 12 months, and prices
    /// whose dearest orders still come to a whole number of nanotons that fits (so no order can
    /// be priced at nothing or fail to be priced).
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.ton_usd.as_decimal() <= Decimal::ZERO {
            return Err(format!(
                "pricing.ton_usd (USD per TON) must be positive, not {}",
                self.ton_usd
            ));
        }
        if self.fee_percent.as_decimal() < Decimal::ZERO {
            return Err(format!(
                "pricing.fee_percent must not be negative, not {}",
                self.fee_percent
            ));
        }
        if self.star_usd.as_decimal() <= Decimal::ZERO {
            return Err(format!(
                "pricing.star_usd must be positive, not {}",
                self.star_usd
            ));
        }
        for months in [
            PremiumMonths::Three,
            PremiumMonths::Six,
            PremiumMonths::Twelve,
        ] {
            let mut prices = self.premium_usd.iter().filter(|(m, _)| *m == months);
            let (Some((_, usd)), None) = (prices.next(), prices.next()) else {
                return Err(format!(
                    "pricing.premium_usd must list {} months exactly once",
                    months.months()
                ));
            };
            if usd.as_decimal() <= Decimal::ZERO {
                return Err(format!(
                    "pricing.premium_usd for {} months must be positive, not {usd}",
                    months.months()
                ));
            }
        }
        let prices = PriceList::new(self.clone());
        let dearest = [
            Product::Stars(MAX_STARS),
            Product::Premium(PremiumMonths::Three),
            Product::Premium(PremiumMonths::Six),
            Product::Premium(PremiumMonths::Twelve),
        ];
        for product in dearest {
            if prices.quote(product).is_err() {
                let what = match product {
                    Product::Stars(quantity) => format!("{quantity} Stars (pricing.star_usd)"),
                    Product::Premium(months) => {
                        format!(
                            "{} months of Premium (pricing.premium_usd)",
                            months.months()
                        )
                    }
                };
                return Err(format!(
                    "the price of {what}, with pricing.fee_percent and at pricing.ton_usd, \
                     does not fit in whole nanotons (at most {} TON)",
                    i64::MAX / NANOTONS_PER_TON
                ));
            }
        }
        Ok(())
    }
}

/// What is being priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Product {
    /// Stars, 50–10000 (validated before pricing).
    Stars(u32),
    /// Premium.
    Premium(PremiumMonths),
}

/// A price in both currencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Quote {
    pub(crate) price_usd: UsdAmount,
    /// Whole nanotons.
    pub(crate) price_nanotons: i64,
}

impl Quote {
    /// The TON price as an exact amount, without trailing zeros.
    pub(crate) fn price_ton(&self) -> TonAmount {
        nanotons_to_ton(self.price_nanotons)
    }
}

/// `n` nanotons as TON, without trailing zeros (`418000000` → `0.418`).
pub(crate) fn nanotons_to_ton(nanotons: i64) -> TonAmount {
    TonAmount::new(Decimal::new(nanotons, 9).normalize())
}

/// An exact TON amount as whole nanotons; `None` when it has more than 9 decimal places or
/// does not fit.
pub(crate) fn ton_to_nanotons(amount: TonAmount) -> Option<i64> {
    let scaled = amount
        .as_decimal()
        .checked_mul(Decimal::from(NANOTONS_PER_TON))?;
    if !scaled.fract().is_zero() {
        return None;
    }
    i64::try_from(scaled).ok()
}

/// The configured prices.
#[derive(Debug, Clone)]
pub(crate) struct PriceList {
    pricing: Pricing,
}

impl PriceList {
    pub(crate) fn new(pricing: Pricing) -> Self {
        Self { pricing }
    }

    pub(crate) fn pricing(&self) -> &Pricing {
        &self.pricing
    }

    /// The price of `product` now; an error when the configured prices have none for it or the
    /// price does not fit (neither happens with prices [`Pricing::validate`] accepted: it prices
    /// the dearest product of each kind).
    pub(crate) fn quote(&self, product: Product) -> Result<Quote, PriceError> {
        let overflow = || PriceError::Overflow(product);
        let list_usd = match product {
            Product::Stars(quantity) => self
                .pricing
                .star_usd
                .as_decimal()
                .checked_mul(Decimal::from(quantity))
                .ok_or_else(overflow)?,
            Product::Premium(months) => self
                .pricing
                .premium_usd
                .iter()
                .find(|(m, _)| *m == months)
                .map(|(_, usd)| usd.as_decimal())
                .ok_or(PriceError::NoPremiumPrice(months))?,
        };
        let fee = self
            .pricing
            .fee_percent
            .as_decimal()
            .checked_div(Decimal::ONE_HUNDRED)
            .ok_or_else(overflow)?;
        let price_usd = Decimal::ONE
            .checked_add(fee)
            .and_then(|fee_factor| list_usd.checked_mul(fee_factor))
            .ok_or_else(overflow)?
            .normalize();
        let price_nanotons =
            ceil_nanotons(price_usd, self.pricing.ton_usd.as_decimal()).ok_or_else(overflow)?;
        Ok(Quote {
            price_usd: UsdAmount::new(price_usd),
            price_nanotons,
        })
    }
}

/// Why a product has no price (a configuration the sandbox should have refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum PriceError {
    /// `Pricing.premium_usd` lists no price for this duration.
    #[error("pricing.premium_usd has no price for {} months", .0.months())]
    NoPremiumPrice(PremiumMonths),
    /// The price overflows the decimal arithmetic or a whole number of nanotons (`i64`).
    #[error("the price of {0:?} is too large to compute in whole nanotons")]
    Overflow(Product),
}

/// The smallest `n` with `n × ton_usd ≥ usd × 10⁹`: an exact ceiling, even where the decimal
/// quotient itself would be rounded to 28 digits. `None` when `ton_usd` is not positive, or
/// `n` does not fit the decimal arithmetic or an `i64`.
fn ceil_nanotons(usd: Decimal, ton_usd: Decimal) -> Option<i64> {
    if ton_usd <= Decimal::ZERO {
        return None;
    }
    let target = usd.checked_mul(Decimal::from(NANOTONS_PER_TON))?;
    let mut n = target
        .checked_div(ton_usd)?
        .round_dp_with_strategy(0, RoundingStrategy::ToPositiveInfinity);
    // The quotient is correct to 28 significant digits, so `n` is off by at most one.
    while n.checked_mul(ton_usd)? < target {
        n = n.checked_add(Decimal::ONE)?;
    }
    while n > Decimal::ZERO && (n - Decimal::ONE).checked_mul(ton_usd)? >= target {
        n -= Decimal::ONE;
    }
    i64::try_from(n).ok()
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn default_stars_price_is_exact_and_rounded_up_to_the_nanoton() {
        let prices = PriceList::new(Pricing::default());
        let quote = prices.quote(Product::Stars(100)).unwrap();
        // 100 × 0.015 × 1.025 = 1.5375 USD; / 3.25 = 0.47307692307692… TON → up to 0.473076924.
        assert_eq!(quote.price_usd.to_string(), "1.5375");
        assert_eq!(quote.price_ton().to_string(), "0.473076924");
        assert_eq!(quote.price_nanotons, 473_076_924);
    }

    #[test]
    fn exact_quotients_are_not_rounded_up() {
        // 6.5 USD at 3.25 USD/TON is exactly 2 TON.
        assert_eq!(
            ceil_nanotons(dec("6.5"), dec("3.25")),
            Some(2 * NANOTONS_PER_TON)
        );
        assert_eq!(nanotons_to_ton(2 * NANOTONS_PER_TON).to_string(), "2");
    }

    #[test]
    fn ceiling_is_the_smallest_covering_amount() {
        for (usd, rate) in [
            ("1", "3"),
            ("11.99", "3.1"),
            ("0.7725", "7"),
            ("28.99", "0.33"),
        ] {
            let (usd, rate) = (dec(usd), dec(rate));
            let n = Decimal::from(ceil_nanotons(usd, rate).unwrap());
            let target = usd * Decimal::from(NANOTONS_PER_TON);
            assert!(n * rate >= target);
            assert!((n - Decimal::ONE) * rate < target);
        }
    }

    #[test]
    fn premium_prices_follow_the_list() {
        let prices = PriceList::new(Pricing::default());
        let quote = prices
            .quote(Product::Premium(PremiumMonths::Twelve))
            .unwrap();
        // 28.99 × 1.025 = 29.71475 USD.
        assert_eq!(quote.price_usd.to_string(), "29.71475");
    }

    #[test]
    fn prices_that_do_not_fit_are_errors_not_capped() {
        // 10 000 Stars at 10²⁰ USD each at 1 USD/TON: 10³³ nanotons, far beyond i64.
        let dear = Pricing {
            star_usd: UsdAmount::new(dec("100000000000000000000")),
            ton_usd: UsdAmount::new(Decimal::ONE),
            ..Pricing::default()
        };
        assert_eq!(
            PriceList::new(dear).quote(Product::Stars(10_000)),
            Err(PriceError::Overflow(Product::Stars(10_000)))
        );
        // Beyond the decimal range itself.
        assert_eq!(ceil_nanotons(Decimal::MAX, Decimal::ONE), None);
        assert_eq!(
            ceil_nanotons(Decimal::ONE, dec("0.0000000000000000000000000001")),
            None
        );
        assert_eq!(ceil_nanotons(Decimal::ONE, Decimal::ZERO), None);
        // i64::MAX nanotons exactly still fits; one more does not.
        let max = Decimal::from(i64::MAX) / Decimal::from(NANOTONS_PER_TON);
        assert_eq!(ceil_nanotons(max, Decimal::ONE), Some(i64::MAX));
        assert_eq!(ceil_nanotons(max + dec("0.000000001"), Decimal::ONE), None);
    }

    #[test]
    fn a_premium_duration_without_a_price_is_an_error_not_free() {
        let mut pricing = Pricing::default();
        pricing.premium_usd[2].0 = PremiumMonths::Six;
        assert_eq!(
            PriceList::new(pricing).quote(Product::Premium(PremiumMonths::Twelve)),
            Err(PriceError::NoPremiumPrice(PremiumMonths::Twelve))
        );
    }

    #[test]
    fn ton_amounts_convert_to_nanotons_only_when_exact() {
        assert_eq!(
            ton_to_nanotons(TonAmount::new(dec("0.418"))),
            Some(418_000_000)
        );
        assert_eq!(ton_to_nanotons(TonAmount::new(dec("0.0000000001"))), None);
        assert_eq!(
            ton_to_nanotons(TonAmount::new(dec("10000000000000000000000"))),
            None
        );
    }

    fn pricing_problem(change: impl FnOnce(&mut Pricing)) -> String {
        let mut pricing = Pricing::default();
        change(&mut pricing);
        pricing.validate().unwrap_err()
    }

    fn usd(text: &str) -> UsdAmount {
        text.parse().unwrap()
    }

    #[test]
    fn the_default_pricing_is_valid() {
        assert_eq!(Pricing::default().validate(), Ok(()));
    }

    #[test]
    fn every_premium_duration_needs_exactly_one_price() {
        let missing = pricing_problem(|p| p.premium_usd[2].0 = PremiumMonths::Three);
        assert_eq!(
            missing,
            "pricing.premium_usd must list 3 months exactly once"
        );
        let missing = pricing_problem(|p| p.premium_usd[2].0 = PremiumMonths::Six);
        assert_eq!(
            missing,
            "pricing.premium_usd must list 6 months exactly once"
        );
        // Any order of the three durations is fine.
        let mut reordered = Pricing::default();
        reordered.premium_usd.reverse();
        assert_eq!(reordered.validate(), Ok(()));
    }

    #[test]
    fn nonsensical_prices_are_refused_naming_the_field() {
        type Change = fn(&mut Pricing);
        let cases: [(Change, &str); 7] = [
            (|p| p.ton_usd = usd("0"), "pricing.ton_usd"),
            (|p| p.ton_usd = usd("-3.25"), "pricing.ton_usd"),
            (
                |p| p.fee_percent = "-0.5".parse().unwrap(),
                "pricing.fee_percent",
            ),
            (|p| p.star_usd = usd("0"), "pricing.star_usd"),
            (
                |p| p.premium_usd[1].1 = usd("-15.99"),
                "pricing.premium_usd for 6 months",
            ),
            (
                |p| p.star_usd = usd("10000000000000"),
                "10000 Stars (pricing.star_usd)",
            ),
            (
                |p| p.ton_usd = usd("0.0000000000001"),
                "10000 Stars (pricing.star_usd)",
            ),
        ];
        for (change, field) in cases {
            let problem = pricing_problem(change);
            assert!(problem.contains(field), "{field}: {problem}");
        }
        let dear_premium = pricing_problem(|p| p.premium_usd[2].1 = usd("1000000000000000000000"));
        assert!(
            dear_premium.contains("12 months of Premium (pricing.premium_usd)"),
            "{dear_premium}"
        );
    }
}
