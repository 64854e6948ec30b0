//! Exit codes, one per failure class, and the failure a command ends with.

use std::fmt;
use std::process::ExitCode;

use theopenmoney::{Error, ErrorCode, ErrorKind};

/// Why a command failed: its class (the exit code) and a message for stderr.
#[derive(Debug)]
pub struct Failure {
    /// The class.
    pub class: Class,
    /// What went wrong, naming the field or the API's `error_code`.
    pub message: String,
    /// A line to print after the message (how to resume an unknown outcome).
    pub hint: Option<String>,
}

/// Failure classes; each has its own documented exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// 1: anything else (a server error with a known outcome, an unreadable key file).
    Other,
    /// 2: the command line itself (clap uses 2 too).
    Usage,
    /// 3: an input the sdk or the API rejected.
    Validation,
    /// 4: the API answered 404.
    NotFound,
    /// 5: the API answered 409 (not cancellable, idempotency key reused with another request).
    Conflict,
    /// 6: no key, or the API answered 401 / 403.
    Auth,
    /// 7: the API answered 429 and the retries ran out.
    RateLimited,
    /// 8: the request may or may not have taken effect; resume it with the same key.
    UnknownOutcome,
    /// 9: no answer (connect failure, timeout) on a call that changes nothing.
    Transport,
    /// 10: a wait ended on a failure status (`cancelled`, `expired`, …).
    WaitFailed,
    /// 11: a wait timed out.
    WaitTimedOut,
}

impl Class {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Self::Other => 1,
            Self::Usage => 2,
            Self::Validation => 3,
            Self::NotFound => 4,
            Self::Conflict => 5,
            Self::Auth => 6,
            Self::RateLimited => 7,
            Self::UnknownOutcome => 8,
            Self::Transport => 9,
            Self::WaitFailed => 10,
            Self::WaitTimedOut => 11,
        }
    }
}

impl Failure {
    /// A failure of `class`.
    pub fn new(class: Class, message: impl Into<String>) -> Self {
        Self {
            class,
            message: message.into(),
            hint: None,
        }
    }

    /// A command-line mistake.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Class::Usage, message)
    }

    /// The exit code.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.class.code())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The class of an sdk error.
pub fn classify(error: &Error) -> Class {
    if error.is_outcome_unknown() && error.idempotency_key().is_some() {
        return Class::UnknownOutcome;
    }
    match error.kind() {
        ErrorKind::InvalidInput { .. } => Class::Validation,
        ErrorKind::Transport { .. } | ErrorKind::Decode { .. } => Class::Transport,
        _ => match (error.status().map(|s| s.as_u16()), error.code()) {
            (_, Some(ErrorCode::ValidationError)) | (Some(400 | 422), _) => Class::Validation,
            (Some(401 | 403), _) => Class::Auth,
            (Some(404), _) => Class::NotFound,
            (Some(409), _) => Class::Conflict,
            (Some(429), _) => Class::RateLimited,
            _ => Class::Other,
        },
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self::of(&error)
    }
}

impl Failure {
    /// The failure of an sdk error.
    pub fn of(error: &Error) -> Self {
        // The sdk's `Display` names the field (`invalid quantity: …`) or the API's code, and
        // its causes say why a transport failed; none of them contains the key.
        let mut message = error.to_string();
        let mut cause = std::error::Error::source(error);
        while let Some(c) = cause {
            message.push_str(&format!(": {c}"));
            cause = c.source();
        }
        Self::new(classify(error), message)
    }
}
