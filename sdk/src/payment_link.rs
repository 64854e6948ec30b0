//! The standard TON transfer link of an order, which a wallet app opens (or scans as a QR code)
//! to pay it: `ton://transfer/<address>?amount=<nanotons>&text=<memo>`.

use std::fmt::Write as _;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::generated::types::Order;

/// Nanotons in one TON.
const NANOTONS_PER_TON: i64 = 1_000_000_000;

impl Order {
    /// The `ton://transfer/…` link that pays this order: to `payment_address`, `price_ton` in
    /// nanotons (exact, no rounding), with `payment_memo` as the transfer's comment
    /// (percent-encoded, so any memo survives). Without the memo the payment cannot be matched
    /// to the order, so pay through this link or copy all three fields.
    ///
    /// `None` when the price is negative or not a whole number of nanotons (more than nine
    /// decimal places): no transfer can pay it exactly.
    pub fn ton_transfer_link(&self) -> Option<String> {
        let nanotons = nanotons(self.price_ton.as_decimal())?;
        Some(format!(
            "ton://transfer/{}?amount={nanotons}&text={}",
            percent_encode(&self.payment_address),
            percent_encode(&self.payment_memo)
        ))
    }
}

/// `ton` in nanotons, when that is a non-negative integer.
fn nanotons(ton: Decimal) -> Option<u128> {
    let nanos = ton.checked_mul(Decimal::from(NANOTONS_PER_TON))?;
    if nanos.is_sign_negative() && !nanos.is_zero() || !nanos.fract().is_zero() {
        return None;
    }
    nanos.trunc().to_u128()
}

/// RFC 3986 percent-encoding of everything but the unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::TonAmount;

    fn order(price: Decimal, address: &str, memo: &str) -> Order {
        serde_json::from_value(serde_json::json!({
            "id": 7,
            "order_type": "stars",
            "status": "pending_payment",
            "recipient_username": "pandus",
            "stars_amount": 100,
            "price_ton": 0,
            "payment_address": address,
            "payment_memo": memo,
            "created_at": "2026-01-01T00:00:00Z",
            "expires_at": "2026-01-01T00:15:00Z",
        }))
        .map(|mut o: Order| {
            o.price_ton = TonAmount::new(price);
            o
        })
        .unwrap()
    }

    fn percent_decode(text: &str) -> Vec<u8> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        out
    }

    #[test]
    fn the_documented_shape() {
        let o = order("0.418".parse().unwrap(), "UQAbc-_123", "TOM 42 for @pandus");
        assert_eq!(
            o.ton_transfer_link().unwrap(),
            "ton://transfer/UQAbc-_123?amount=418000000&text=TOM%2042%20for%20%40pandus"
        );
    }

    #[test]
    fn amounts_no_transfer_can_pay_have_no_link() {
        for price in ["0.0000000001", "-1", "1.1234567891"] {
            let o = order(price.parse().unwrap(), "UQA", "m");
            assert_eq!(o.ton_transfer_link(), None, "{price}");
        }
        let trailing = order("1.5000000000".parse().unwrap(), "UQA", "m");
        assert_eq!(
            trailing.ton_transfer_link().unwrap(),
            "ton://transfer/UQA?amount=1500000000&text=m",
            "trailing zeros beyond nine places are still whole nanotons"
        );
    }

    proptest! {
        #[test]
        fn amount_is_exact_nanotons(nanos in 0u64..=u64::MAX, extra_scale in 0u32..=10) {
            // The same value written with more decimal places (trailing zeros) must not matter.
            let mut price = Decimal::from_i128_with_scale(i128::from(nanos), 9);
            price.rescale(9 + extra_scale);
            let link = order(price, "UQA", "m").ton_transfer_link().unwrap();
            let amount = link.split("amount=").nth(1).unwrap().split('&').next().unwrap();
            prop_assert_eq!(amount, nanos.to_string());
        }

        #[test]
        fn memo_round_trips_through_percent_encoding(memo in any::<String>()) {
            let link = order(Decimal::ONE, "UQA", &memo).ton_transfer_link().unwrap();
            let text = link.split("&text=").nth(1).unwrap();
            prop_assert!(text.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)), "{}", text);
            prop_assert_eq!(percent_decode(text), memo.as_bytes());
        }
    }
}
