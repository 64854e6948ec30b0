//! Text a server sent, cut for `Display`, `Debug` and logs: a server decides neither the size of
//! an error message nor of a log line.

use std::fmt;

/// Bytes shown of a server's word-sized value (an error code, an order status): real ones are
/// short, a hostile one may not be.
pub(crate) const WORD_EXCERPT_BYTES: usize = 64;

/// At most `.1` bytes of `.0`, cut at a character boundary, with `…` when cut.
pub(crate) struct Excerpt<'a>(pub(crate) &'a str, pub(crate) usize);

impl fmt::Display for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self(text, max) = *self;
        if text.len() <= max {
            return f.write_str(text);
        }
        let end = (0..=max)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        write!(f, "{}…", &text[..end])
    }
}

#[cfg(test)]
mod tests {
    use super::Excerpt;

    #[test]
    fn cuts_at_a_character_boundary_with_an_ellipsis() {
        assert_eq!(Excerpt("short", 5).to_string(), "short");
        assert_eq!(Excerpt("longer", 4).to_string(), "long…");
        // "ж" is two bytes: a cut inside it keeps the character before.
        assert_eq!(Excerpt("aжb", 2).to_string(), "a…");
        assert_eq!(Excerpt("жж", 0).to_string(), "…");
    }
}
