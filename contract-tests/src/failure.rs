//! How a clause fails: with the clause, the operation and what was seen, so a red run says
//! what broke without reading the test.

use std::fmt;

/// A broken clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClauseFailure {
    /// The clause, e.g. `error-codes/404`.
    pub clause: &'static str,
    /// The operation that broke it, e.g. `get_order`.
    pub operation: String,
    /// What was seen, against what was expected.
    pub seen: String,
}

impl fmt::Display for ClauseFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "contract clause `{}` broken by operation `{}`: {}",
            self.clause, self.operation, self.seen
        )
    }
}

impl std::error::Error for ClauseFailure {}

/// What a clause returns.
pub type ClauseResult = Result<(), ClauseFailure>;

/// A clause's name, to build its failures with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Clause(pub(crate) &'static str);

impl Clause {
    /// A failure of this clause.
    pub(crate) fn fail(
        self,
        operation: impl Into<String>,
        seen: impl Into<String>,
    ) -> ClauseFailure {
        ClauseFailure {
            clause: self.0,
            operation: operation.into(),
            seen: seen.into(),
        }
    }

    /// `Ok` when `holds`, else a failure saying what was seen.
    pub(crate) fn ensure(
        self,
        holds: bool,
        operation: &str,
        seen: impl FnOnce() -> String,
    ) -> ClauseResult {
        if holds {
            Ok(())
        } else {
            Err(self.fail(operation, seen()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_names_clause_operation_and_observation() {
        let clause = Clause("envelope/error");
        assert_eq!(clause.ensure(true, "get_order", || unreachable!()), Ok(()));
        let err = clause
            .ensure(false, "get_order", || {
                "no `error_code` in a 404 body".into()
            })
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "contract clause `envelope/error` broken by operation `get_order`: no `error_code` in a 404 body"
        );
    }
}
