//! Fake but well-formed TON addresses, fixed per seed so restarts and tests see the same ones.
//!
//! The layout is that of a real user-friendly address: tag `0x51` (non-bounceable), workchain 0,
//! a 32-byte account id (here the SHA-256 of the seed) and a CRC16-XMODEM, base64url-encoded to
//! 48 characters starting with `UQ`. Nothing is ever sent to them.

use sha2::{Digest, Sha256};

const NON_BOUNCEABLE_TAG: u8 = 0x51;
const BASECHAIN: u8 = 0x00;

/// The address the sandbox asks `ton_memo` orders to be paid to.
pub(crate) fn payment_address() -> String {
    address_for("payments")
}

/// The address for `seed`.
pub(crate) fn address_for(seed: &str) -> String {
    let mut raw = Vec::with_capacity(36);
    raw.push(NON_BOUNCEABLE_TAG);
    raw.push(BASECHAIN);
    raw.extend_from_slice(&Sha256::digest(seed.as_bytes()));
    let crc = crc16_xmodem(&raw);
    raw.extend_from_slice(&crc.to_be_bytes());
    base64url(&raw)
}

fn crc16_xmodem(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0;
    for &byte in bytes {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// Base64url without padding; the input length here is always a multiple of 3.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_look_like_user_friendly_ton_addresses() {
        let address = payment_address();
        assert_eq!(address.len(), 48);
        assert!(address.starts_with("UQ"), "{address}");
        assert!(
            address
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_ne!(address, address_for("top-up/alpha"));
    }

    #[test]
    fn crc_matches_the_xmodem_check_value() {
        assert_eq!(crc16_xmodem(b"123456789"), 0x31C3);
    }

    #[test]
    fn base64url_matches_known_vectors() {
        assert_eq!(base64url(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64url(&[0xfb, 0xff, 0xbf]), "-_-_");
    }
}
