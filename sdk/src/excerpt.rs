//! Text a server sent, cut for `Display`, `Debug` and logs: a server decides neither the size of
//! an error message nor of a log line, and its control characters (a forged log line, a terminal
//! escape) are written escaped.

use std::fmt::{self, Write as _};

/// Bytes shown of a server's word-sized value (an error code, an order status): real ones are
/// short, a hostile one may not be.
pub(crate) const WORD_EXCERPT_BYTES: usize = 64;

/// At most `.1` bytes of `.0`, cut at a character boundary, with `…` when cut; control
/// characters escaped (`\n`, `\u{1b}`).
pub(crate) struct Excerpt<'a>(pub(crate) &'a str, pub(crate) usize);

impl fmt::Display for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self(text, max) = *self;
        let end = (0..=max.min(text.len()))
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        for c in text[..end].chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                f.write_char(c)?;
            }
        }
        if end < text.len() {
            f.write_str("…")?;
        }
        Ok(())
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

    #[test]
    fn control_characters_are_escaped_not_written() {
        // A forged log line and an OSC 52 clipboard write.
        let hostile = "bad\nINFO fake line\u{1b}]52;c;aGk=\u{7}";
        let shown = Excerpt(hostile, 256).to_string();
        assert_eq!(shown, "bad\\nINFO fake line\\u{1b}]52;c;aGk=\\u{7}");
        assert!(!shown.chars().any(char::is_control), "{shown:?}");
    }
}
