//! Live mode: the server side.

use super::ClauseTest;

pub(crate) fn tests() -> Vec<ClauseTest> {
    Vec::new()
}
