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
    let kind = match error.kind() {
        ErrorKind::InvalidInput { .. } => Kind::InvalidInput,
        ErrorKind::Transport { .. } | ErrorKind::DeadlineExceeded { .. } => Kind::NoAnswer,
        ErrorKind::Decode { .. } => Kind::Unreadable,
        ErrorKind::ResponseTooLarge { .. } => Kind::TooLarge,
        ErrorKind::InconsistentPage { .. } => Kind::InconsistentPage,
        _ => Kind::Answer,
    };
    class_of(
        kind,
        error.is_outcome_unknown() && error.idempotency_key().is_some(),
        error.status().map(|s| s.as_u16()),
        error.code(),
    )
}

/// What an sdk error is, as far as its class goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Rejected before anything was sent.
    InvalidInput,
    /// No complete answer: connect failure, reset, the attempt's timeout, the call's deadline.
    NoAnswer,
    /// An answer that is not the API's JSON (a proxy's HTML page).
    Unreadable,
    /// An answer larger than the client's limit: the same server would send it again.
    TooLarge,
    /// A page that contradicts the pages before it.
    InconsistentPage,
    /// The API's error envelope, or a status the spec does not document.
    Answer,
}

/// The class, decided from the error's kind, whether it left a keyed call's outcome unknown,
/// its status and its `error_code`. Unknown outcome comes first: a create or cancel that got
/// no answer is resumed (8), never just retried.
fn class_of(
    kind: Kind,
    outcome_unknown: bool,
    status: Option<u16>,
    code: Option<&ErrorCode>,
) -> Class {
    if outcome_unknown {
        return Class::UnknownOutcome;
    }
    match kind {
        Kind::InvalidInput => Class::Validation,
        Kind::NoAnswer | Kind::Unreadable => Class::Transport,
        // Not a transport failure: retrying gets the same answer.
        Kind::TooLarge | Kind::InconsistentPage => Class::Other,
        Kind::Answer => match (status, code) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_answer_is_transport_unless_a_keyed_call_may_have_acted() {
        // A stalled server on a read: the attempt's timeout or the call's deadline.
        assert_eq!(
            class_of(Kind::NoAnswer, false, None, None),
            Class::Transport
        );
        assert_eq!(
            class_of(Kind::NoAnswer, false, Some(200), None),
            Class::Transport
        );
        assert_eq!(
            class_of(Kind::Unreadable, false, Some(502), None),
            Class::Transport
        );
        // The same on a create or cancel: resume it under its key.
        assert_eq!(
            class_of(Kind::NoAnswer, true, None, None),
            Class::UnknownOutcome
        );
        assert_eq!(
            class_of(Kind::TooLarge, true, Some(200), None),
            Class::UnknownOutcome
        );
    }

    #[test]
    fn answers_refused_by_the_sdk_are_other() {
        assert_eq!(
            class_of(Kind::TooLarge, false, Some(200), None),
            Class::Other
        );
        assert_eq!(
            class_of(Kind::TooLarge, false, Some(404), None),
            Class::Other
        );
        assert_eq!(
            class_of(Kind::InconsistentPage, false, None, None),
            Class::Other
        );
    }

    #[test]
    fn answers_are_classed_by_status_and_code() {
        let answer = |status, code| class_of(Kind::Answer, false, Some(status), code);
        assert_eq!(answer(400, None), Class::Validation);
        assert_eq!(
            answer(418, Some(&ErrorCode::ValidationError)),
            Class::Validation
        );
        assert_eq!(answer(401, None), Class::Auth);
        assert_eq!(answer(403, None), Class::Auth);
        assert_eq!(answer(404, None), Class::NotFound);
        assert_eq!(answer(409, None), Class::Conflict);
        assert_eq!(answer(429, None), Class::RateLimited);
        assert_eq!(answer(500, None), Class::Other);
        assert_eq!(
            class_of(Kind::InvalidInput, false, None, None),
            Class::Validation
        );
    }
}
