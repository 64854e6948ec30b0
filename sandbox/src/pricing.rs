//! Prices, computed exactly in decimal.
//!
//! `price_usd = list price × (1 + fee_percent / 100)`, exact (no rounding).
//! `price_ton = price_usd / ton_usd`, rounded **up** to the nanoton (9 decimal places), so the
//! service never undercharges. The rounding is done on integers: the result is the smallest
//! whole number of nanotons `n` with `n × ton_usd ≥ price_usd × 10⁹`. Estimates and orders both
//! come from [`PriceList::quote`], so an estimate always equals the price of the order made with
//! the same inputs at the same rate.

use rust_decimal::{Decimal, RoundingStrategy};
use theopenmoney::{PremiumMonths, TonAmount, UsdAmount};

use crate::config::Pricing;

/// Nanotons in one TON.
pub(crate) const NANOTONS_PER_TON: i64 = 1_000_000_000;

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
    /// price does not fit (neither happens with a configuration [`Config::validate`] accepted:
    /// it prices the dearest product of each kind).
    ///
    /// [`Config::validate`]: crate::config::Config::validate
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
}
