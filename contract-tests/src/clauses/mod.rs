//! The clauses, each a named test of the harness, per mode. `README.md` lists them as a table
//! of clause → test → modes; `tests/contract.rs` runs the ones of the current mode.

mod clause_test;
mod live;
mod mock;

pub use self::clause_test::ClauseTest;
pub(crate) use self::clause_test::{MockCtx, Runner};
use crate::failure::ClauseResult;
use crate::live::Live;

/// The tests of mock mode.
pub(crate) fn mock_tests() -> Vec<ClauseTest> {
    mock::tests()
}

/// The tests of live mode.
pub fn live_tests() -> Vec<ClauseTest> {
    live::tests()
}

/// Runs the live clause test called `name` against `live`.
pub fn run_live(name: &str, live: &Live) -> ClauseResult {
    let test = live_tests()
        .into_iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no live clause test `{name}`"));
    match test.runner {
        Runner::Live(run) => run(live),
        Runner::Mock(_) => unreachable!("live tests have live runners"),
    }
}
