//! Running a property as a clause: proptest drives the cases; a failing case comes back as the
//! clause's failure with the minimal input proptest shrank it to. Each run reports its speed.

use std::cell::RefCell;
use std::fmt::Debug;
use std::time::Instant;

use proptest::strategy::Strategy;
use proptest::test_runner::{TestCaseError, TestError, TestRunner};

use crate::failure::{ClauseFailure, ClauseResult};

/// Cases run and the time they took, per property, for the run's speed report.
pub fn speed_line(name: &str, cases: u32, seconds: f64) -> String {
    format!(
        "{name}: {cases} cases in {seconds:.2} s ({:.0} cases/s)",
        f64::from(cases) / seconds.max(1e-9)
    )
}

/// Runs `test` on `cases` inputs from `strategy`.
pub fn check<S>(
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> ClauseResult,
) -> ClauseResult
where
    S: Strategy,
    S::Value: Debug,
{
    let mut runner = TestRunner::new(crate::strategies::config(cases));
    let last = RefCell::new(None::<ClauseFailure>);
    let started = Instant::now();
    let result = runner.run(&strategy, |input| {
        test(input).map_err(|failure| {
            let message = failure.to_string();
            *last.borrow_mut() = Some(failure);
            TestCaseError::fail(message)
        })
    });
    eprintln!(
        "{}",
        speed_line(name, cases, started.elapsed().as_secs_f64())
    );
    match result {
        Ok(()) => Ok(()),
        Err(TestError::Fail(_, input)) => {
            let mut failure = last
                .into_inner()
                .expect("a failing case records its failure");
            failure.seen = format!("{} (minimal failing input: {input:?})", failure.seen);
            Err(failure)
        }
        Err(TestError::Abort(reason)) => panic!("{name}: proptest aborted: {reason}"),
    }
}
