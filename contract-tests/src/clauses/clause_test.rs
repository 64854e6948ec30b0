//! What a clause test is: its name, how it runs (with what it gets) and what it needs.

use std::sync::Arc;

use crate::config::LiveConfig;
use crate::failure::ClauseResult;
use crate::live::Live;
use crate::run::RunState;

/// What a mock-mode clause gets.
#[derive(Debug, Clone)]
pub(crate) struct MockCtx {
    pub(crate) run: Arc<RunState>,
    /// Cases per property.
    pub(crate) cases: u32,
}

/// How a clause runs.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Runner {
    /// Client side, against httpmock.
    Mock(fn(&MockCtx) -> ClauseResult),
    /// Server side, against the live target.
    Live(fn(&Live) -> ClauseResult),
}

/// What a live clause needs beyond the primary key; without it the test is reported ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Needs {
    /// Nothing more.
    Nothing,
    /// `CONTRACT_API_KEY_2`.
    SecondKey,
    /// `CONTRACT_RATE_LIMIT_API_KEY`.
    RateLimitKey,
}

impl Needs {
    /// Why the test cannot run under `config`, if it cannot.
    pub(crate) fn missing(self, config: &LiveConfig) -> Option<&'static str> {
        match self {
            Self::SecondKey if config.api_key_2.is_none() => Some("needs CONTRACT_API_KEY_2"),
            Self::RateLimitKey if config.rate_limit_key.is_none() => {
                Some("opt-in: needs CONTRACT_RATE_LIMIT_API_KEY")
            }
            _ => None,
        }
    }
}

/// A named clause test.
#[derive(Debug, Clone, Copy)]
pub struct ClauseTest {
    /// The test's name, e.g. `error_codes::not_found_404`.
    pub name: &'static str,
    /// How it runs.
    pub(crate) runner: Runner,
    /// What it needs.
    pub(crate) needs: Needs,
}
