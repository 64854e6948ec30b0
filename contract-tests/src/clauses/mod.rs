//! The clauses, each a named test of the harness, per mode. `README.md` lists them as a table
//! of clause → test → modes; `tests/contract.rs` runs the ones of the current mode.

use std::sync::Arc;

use crate::failure::ClauseResult;
use crate::live::Live;
use crate::run::RunState;

pub mod live;
pub mod mock;

/// What a mock-mode clause gets.
#[derive(Debug, Clone)]
pub struct MockCtx {
    /// The run.
    pub run: Arc<RunState>,
    /// Cases per property.
    pub cases: u32,
}

/// How a clause runs.
#[derive(Debug, Clone, Copy)]
pub enum Runner {
    /// Client side, against httpmock.
    Mock(fn(&MockCtx) -> ClauseResult),
    /// Server side, against the live target.
    Live(fn(&Live) -> ClauseResult),
}

/// A named clause test.
#[derive(Debug, Clone, Copy)]
pub struct ClauseTest {
    /// The test's name, e.g. `error_codes::not_found_404`.
    pub name: &'static str,
    /// How it runs.
    pub runner: Runner,
}

/// The tests of mock mode.
pub fn mock_tests() -> Vec<ClauseTest> {
    mock::tests()
}

/// The tests of live mode.
pub fn live_tests() -> Vec<ClauseTest> {
    live::tests()
}
