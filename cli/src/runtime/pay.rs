//! How to pay an order: amount, address, memo, time left, the TON transfer link and, on
//! request, a QR code of the link that a wallet app scans.

use std::io::Write;

use chrono::{DateTime, Utc};
use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;
use serde_json::value::RawValue;
use theopenmoney::OrderStatus;
use theopenmoney::types::Order;

use super::output::for_terminal;

/// Writes the payment block when `raw` is an order still waiting for its payment.
pub fn details(
    out: &mut dyn Write,
    raw: &RawValue,
    qr: bool,
    now: DateTime<Utc>,
) -> std::io::Result<()> {
    // Read back through the sdk's own type, so the amount stays exact.
    let Ok(order) = serde_json::from_str::<Order>(raw.get()) else {
        return Ok(());
    };
    if order.status != OrderStatus::PendingPayment {
        return Ok(());
    }
    let bold = anstyle::Style::new().bold();
    writeln!(out)?;
    writeln!(out, "{bold}To pay{bold:#}")?;
    writeln!(out, "  amount    {} TON", order.price_ton)?;
    // The address and memo are the server's text: no control character reaches the terminal.
    writeln!(
        out,
        "  address   {}",
        for_terminal(&order.payment_address.to_string())
    )?;
    writeln!(
        out,
        "  memo      {}   (the transfer must carry it)",
        for_terminal(&order.payment_memo.to_string())
    )?;
    writeln!(out, "  time left {}", time_left(order.expires_at, now))?;
    match order.ton_transfer_link() {
        Some(link) => {
            writeln!(out, "  link      {}", for_terminal(&link.to_string()))?;
            if qr {
                writeln!(out)?;
                write!(out, "{}", qr_code(&link))?;
            }
        }
        None => writeln!(
            out,
            "  link      none: the amount is not a whole number of nanotons"
        )?,
    }
    Ok(())
}

/// `14m 05s`, or `expired`.
pub fn time_left(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let left = (expires_at - now).num_seconds();
    if left <= 0 {
        return "expired".into();
    }
    match (left / 3600, left / 60 % 60, left % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m {s:02}s"),
        (h, m, _) => format!("{h}h {m:02}m"),
    }
}

/// The link as a QR code in text, two modules a character. Light modules are drawn, dark ones
/// left blank, as `qrencode -t UTF8` does: it scans on the usual dark terminal background.
pub fn qr_code(link: &str) -> String {
    match QrCode::new(link.as_bytes()) {
        Ok(code) => {
            let mut text = code
                .render::<Dense1x2>()
                .dark_color(Dense1x2::Light)
                .light_color(Dense1x2::Dark)
                .quiet_zone(true)
                .build();
            text.push('\n');
            text
        }
        Err(e) => format!("(no QR code: {e})\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_left_reads_well() {
        let now: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
        let at = |s: i64| now + chrono::Duration::seconds(s);
        assert_eq!(time_left(at(845), now), "14m 05s");
        assert_eq!(time_left(at(9), now), "9s");
        assert_eq!(time_left(at(7300), now), "2h 01m");
        assert_eq!(time_left(at(0), now), "expired");
    }

    #[test]
    fn qr_codes_are_square_blocks() {
        let qr = qr_code("ton://transfer/UQA?amount=1&text=m");
        let lines: Vec<&str> = qr.lines().collect();
        assert!(lines.len() > 10);
        let width = lines[0].chars().count();
        assert!(lines.iter().all(|l| l.chars().count() == width));
        assert!(qr.contains('█'));
    }
}
