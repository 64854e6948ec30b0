//! The hand-written, generic part of the CLI: settings, the client, output, idempotency keys
//! and waiting. It names no operation: each command's code is generated from the spec.

pub mod arg;
pub mod exit;
pub mod key;
pub mod output;
pub mod pay;
pub mod request;
pub mod trace;
mod wait;

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::Mutex;

use clap::ArgMatches;
use futures_util::{Stream, StreamExt};
use serde::Serialize;
use theopenmoney::{Client, Error, IdempotencyKey, Idempotent};

pub use exit::{Class, Failure};
pub use output::Format;

/// Prefix of what a derived key is made from; changing it would change every derived key.
const DERIVED_KEY_NAMESPACE: &str = "theopenmoney-cli";

/// Stand-in key for operations the spec marks as needing none (`security: []`), when no key
/// is configured: the sdk always sends one, and those operations ignore it.
const NO_KEY: &str = "osk_none";

/// What every command runs with. Its `Debug` never shows the key.
pub struct Ctx {
    /// `--base-url` / `THEOPENMONEY_BASE_URL`.
    pub base_url: Option<String>,
    /// The API key, if one was found.
    pub api_key: Option<String>,
    /// `--output`.
    pub format: Format,
    /// `--qr`.
    pub qr: bool,
    /// The command line, to print how to resume an unknown outcome.
    pub argv: Vec<String>,
    /// What a waiter saw last (kept by the trace layer).
    pub polled: Arc<Mutex<trace::Polled>>,
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("format", &self.format)
            .field("qr", &self.qr)
            .field("argv", &self.argv)
            .field("polled", &self.polled)
            .finish()
    }
}

impl Ctx {
    /// A client for an operation; `needs_key` is false for those the spec lets go without.
    pub fn client(&self, needs_key: bool) -> Result<Client, Failure> {
        let key = match (&self.api_key, needs_key) {
            (Some(key), _) => key.as_str(),
            (None, false) => NO_KEY,
            (None, true) => {
                return Err(Failure::new(
                    Class::Auth,
                    format!(
                        "no API key: set {}, or pass --api-key-file PATH or --api-key-stdin",
                        theopenmoney::API_KEY_ENV
                    ),
                ));
            }
        };
        let mut builder = Client::builder(key)
            .user_agent(concat!("theopenmoney-cli/", env!("CARGO_PKG_VERSION")));
        if let Some(url) = &self.base_url {
            builder = builder.base_url(url);
        }
        Ok(builder.build()?)
    }

    /// Prints one result.
    pub fn show<T: Serialize>(&self, value: &T) -> Result<(), Failure> {
        let raw = output::to_json(value)?;
        let mut out = anstream::stdout().lock();
        let written = match self.format {
            Format::Json => writeln!(out, "{}", pretty(&raw)),
            Format::Ndjson => match output::items(&raw) {
                Some(items) => items.iter().try_for_each(|i| writeln!(out, "{}", i.get())),
                None => writeln!(out, "{}", raw.get()),
            },
            Format::Table => output::human(&mut out, &raw).and_then(|()| {
                pay::details(&mut out, &raw, self.qr, std::time::SystemTime::now().into())
            }),
        };
        written.map_err(broken_pipe)
    }

    /// Prints every item of a stream; `ndjson` writes each as it arrives.
    pub async fn show_stream<T: Serialize>(
        &self,
        stream: impl Stream<Item = Result<T, Error>>,
    ) -> Result<(), Failure> {
        let mut stream = std::pin::pin!(stream);
        let mut kept = Vec::new();
        while let Some(item) = stream.next().await {
            let raw = output::to_json(&item?)?;
            if self.format == Format::Ndjson {
                let mut out = std::io::stdout().lock();
                writeln!(out, "{}", raw.get())
                    .and_then(|()| out.flush())
                    .map_err(broken_pipe)?;
            } else {
                kept.push(raw);
            }
        }
        match self.format {
            Format::Ndjson => Ok(()),
            _ => self.show(&kept),
        }
    }

    /// The key for an idempotent command: `--idempotency-key`, else one derived from the
    /// operation, `reference` and the request when there is a reference, else a fresh one.
    /// The request is its parsed arguments with the spec's defaults applied
    /// ([`request::canonical`]), so the same request typed another way gets the same key.
    pub fn idempotency_key(
        &self,
        operation: &str,
        m: &ArgMatches,
        reference: Option<&str>,
    ) -> Result<IdempotencyKey, Failure> {
        if let Some(key) = arg::opt_text(m, "idempotency-key") {
            return Ok(IdempotencyKey::new(key)?);
        }
        let Some(reference) = reference else {
            return Ok(IdempotencyKey::random());
        };
        Ok(IdempotencyKey::derived_from(&format!(
            "{DERIVED_KEY_NAMESPACE}\n{operation}\n{reference}\n{}",
            request::canonical(m)
        )))
    }

    /// Prints an idempotent call's result, and its key on stderr; on an unknown outcome, the
    /// command that resumes it.
    pub fn show_idempotent<T: Serialize>(
        &self,
        key: &IdempotencyKey,
        result: Result<Idempotent<T>, Error>,
    ) -> Result<(), Failure> {
        match result {
            Ok(done) => {
                eprintln!(
                    "Idempotency-Key: {}{}",
                    done.idempotency_key,
                    if done.replayed {
                        " (replayed: the API returned the first result)"
                    } else {
                        ""
                    }
                );
                self.show(&done.value)
            }
            Err(error) => {
                eprintln!("Idempotency-Key: {key}");
                let mut failure = Failure::from(error);
                if failure.class == Class::UnknownOutcome {
                    failure.hint = Some(format!(
                        "the outcome is unknown: the request may have taken effect. Resume it (it will not act twice) with:\n  {}",
                        resume_command(&self.argv, key)
                    ));
                }
                Err(failure)
            }
        }
    }

    /// Waits with progress on stderr, then prints the result.
    pub async fn wait<T: Serialize>(
        &self,
        waiter: &str,
        wait: impl Future<Output = Result<T, theopenmoney::WaitError<T>>>,
    ) -> Result<(), Failure> {
        let progress = wait::Progress::start(waiter, std::io::stderr().is_terminal(), &self.polled);
        let result = progress.drive(wait).await;
        match result {
            Ok(value) => self.show(&value),
            Err(error) => {
                let failure = wait::failure(&error);
                if let Some(last) = error.last() {
                    self.show(last)?;
                }
                Err(failure)
            }
        }
    }
}

/// The command line again, under `key`.
fn resume_command(argv: &[String], key: &IdempotencyKey) -> String {
    let mut out = vec!["theopenmoney".to_owned()];
    let mut skip = false;
    for a in argv.iter().skip(1) {
        if std::mem::take(&mut skip) {
            continue;
        }
        if a == "--idempotency-key" {
            skip = true;
            continue;
        }
        if a.starts_with("--idempotency-key=") {
            continue;
        }
        out.push(shell_quote(a));
    }
    out.push("--idempotency-key".into());
    out.push(shell_quote(key.as_str()));
    out.join(" ")
}

fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
    if plain {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Indents compact JSON text without parsing a single number (serde_json's pretty printer
/// writes raw values as they are, on one line).
fn pretty(raw: &serde_json::value::RawValue) -> String {
    let text = raw.get();
    let mut out = String::with_capacity(text.len() * 2);
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut chars = text.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                if matches!(chars.peek(), Some('}' | ']')) {
                    out.push(chars.next().unwrap_or(c));
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// A closed pipe (`| head`) ends the command quietly; any other write error is reported.
fn broken_pipe(e: std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Failure::new(Class::Other, String::new())
    } else {
        Failure::new(Class::Other, format!("writing output: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_keeps_every_digit() {
        let raw = serde_json::value::RawValue::from_string(
            r#"{"a":[1.10,{}],"s":"x,\"{y}:","t":0.000000001}"#.to_owned(),
        )
        .unwrap();
        assert_eq!(
            pretty(&raw),
            "{\n  \"a\": [\n    1.10,\n    {}\n  ],\n  \"s\": \"x,\\\"{y}:\",\n  \"t\": 0.000000001\n}"
        );
    }

    #[test]
    fn debug_never_shows_the_key() {
        let ctx = Ctx {
            base_url: Some("http://127.0.0.1:1".into()),
            api_key: Some("osk_live_secret_1234".into()),
            format: Format::Table,
            qr: false,
            argv: vec!["theopenmoney".into()],
            polled: Arc::default(),
        };
        let debug = format!("{ctx:?}");
        assert!(!debug.contains("osk_live_secret_1234"), "{debug}");
        assert!(!debug.contains("secret"), "{debug}");
        assert!(debug.contains("[redacted]"), "{debug}");
        let alternate = format!("{ctx:#?}");
        assert!(!alternate.contains("osk_live_secret_1234"), "{alternate}");
    }

    #[test]
    fn resume_replaces_the_key_and_quotes() {
        let argv: Vec<String> = [
            "target/theopenmoney",
            "orders",
            "create-stars",
            "--recipient-username",
            "it's me",
            "--idempotency-key",
            "old",
        ]
        .map(String::from)
        .to_vec();
        let key = IdempotencyKey::new("k-1").unwrap();
        assert_eq!(
            resume_command(&argv, &key),
            r"theopenmoney orders create-stars --recipient-username 'it'\''s me' --idempotency-key k-1"
        );
    }
}
