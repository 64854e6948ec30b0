//! Where the API key comes from: the environment, a file or stdin, never a flag (a flag lands
//! in shell history and `ps`). The key is handed to the sdk, whose key type has no `Display`
//! and a redacted `Debug`; this module never formats it.

use std::io::Read;
use std::path::Path;

use super::exit::{Class, Failure};

/// Longest key file read: a key is a few dozen bytes; anything bigger is the wrong file.
const MAX_KEY_BYTES: u64 = 4096;

/// Where to read the key from.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// `--api-key-file PATH`.
    File(&'a Path),
    /// `--api-key-stdin`.
    Stdin,
    /// `THEOPENMONEY_API_KEY`, when set.
    Env,
}

/// The key, or `None` when no source holds one.
pub fn read(source: Source<'_>) -> Result<Option<String>, Failure> {
    let text = match source {
        Source::File(path) => {
            let file = std::fs::File::open(path).map_err(|e| {
                Failure::new(
                    Class::Auth,
                    format!("--api-key-file {}: {e}", path.display()),
                )
            })?;
            read_bounded(file, &format!("--api-key-file {}", path.display()))?
        }
        Source::Stdin => read_bounded(std::io::stdin().lock(), "--api-key-stdin")?,
        Source::Env => match std::env::var(theopenmoney::API_KEY_ENV) {
            Ok(v) => v,
            Err(std::env::VarError::NotPresent) => return Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(Failure::new(
                    Class::Auth,
                    format!("{} is not UTF-8", theopenmoney::API_KEY_ENV),
                ));
            }
        },
    };
    let key = text.trim();
    Ok((!key.is_empty()).then(|| key.to_owned()))
}

fn read_bounded(reader: impl Read, what: &str) -> Result<String, Failure> {
    let mut text = String::new();
    reader
        .take(MAX_KEY_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| Failure::new(Class::Auth, format!("{what}: {e}")))?;
    if text.len() as u64 > MAX_KEY_BYTES {
        return Err(Failure::new(
            Class::Auth,
            format!("{what}: more than {MAX_KEY_BYTES} bytes; that is not an API key"),
        ));
    }
    Ok(text)
}
