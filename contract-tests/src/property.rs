//! Running a property as a clause: proptest drives the cases from the run's seed; a failing
//! case comes back as the clause's failure with the minimal input proptest shrank it to. Each
//! run reports its speed and a digest of the inputs it tried, so a replay with the same seed
//! (`CONTRACT_SEED`) can be seen to generate the same cases.

use std::cell::RefCell;
use std::fmt::Debug;
use std::time::Instant;

use proptest::strategy::Strategy;
use proptest::test_runner::{TestCaseError, TestError, TestRunner};

use crate::case_log::CaseDigest;
use crate::failure::{ClauseFailure, ClauseResult};
use crate::run::RunState;

/// Cases run and the time they took, per property, for the run's speed report.
pub(crate) fn speed_line(name: &str, cases: u32, seconds: f64) -> String {
    format!(
        "{name}: {cases} cases in {seconds:.2} s ({:.0} cases/s)",
        f64::from(cases) / seconds.max(1e-9)
    )
}

/// Runs `test` on `cases` inputs from `strategy`, generated from the run's seed.
pub(crate) fn check<S>(
    run: &RunState,
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> ClauseResult,
) -> ClauseResult
where
    S: Strategy,
    S::Value: Debug,
{
    let mut runner = TestRunner::new(crate::strategies::config(cases, run.seed));
    let last = RefCell::new(None::<ClauseFailure>);
    let digest = RefCell::new(CaseDigest::default());
    let started = Instant::now();
    let result = runner.run(&strategy, |input| {
        digest
            .borrow_mut()
            .add(&run.untagged(&format!("{input:?}")));
        test(input).map_err(|failure| {
            let message = failure.to_string();
            *last.borrow_mut() = Some(failure);
            TestCaseError::fail(message)
        })
    });
    let log = digest.into_inner().finish(name);
    eprintln!(
        "{}; inputs digest {:016x}",
        speed_line(name, cases, started.elapsed().as_secs_f64()),
        log.digest
    );
    run.record_cases(log);
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::budget::Budget;
    use crate::case_log::CaseLog;

    fn inputs_of(seed: u64) -> (CaseLog, Vec<u32>) {
        let run = RunState::new(Budget::unlimited()).with_seed(seed);
        let seen = RefCell::new(Vec::new());
        check(&run, "p", 20, 0..1_000_000u32, |n| {
            seen.borrow_mut().push(n);
            Ok(())
        })
        .expect("passes");
        let logs = run.cases();
        assert_eq!(logs.len(), 1);
        (logs[0].clone(), seen.into_inner())
    }

    #[test]
    fn the_same_seed_generates_the_same_cases_and_digest() {
        let (log, inputs) = inputs_of(7);
        assert_eq!(inputs_of(7), (log.clone(), inputs.clone()));
        assert_eq!(log.inputs, 20);
        let (other_log, other_inputs) = inputs_of(8);
        assert_ne!(other_inputs, inputs);
        assert_ne!(other_log.digest, log.digest);
    }

    #[test]
    fn a_failure_keeps_the_minimal_input_and_the_run_tag_is_not_part_of_the_digest() {
        let clause = crate::failure::Clause("c");
        // Inputs carry the run's tag, as live references do.
        let tagged = |run: &RunState| {
            let tag = run.tag.clone();
            let strategy = (0..1000u32).prop_map(move |n| format!("{tag}-{n}"));
            check(run, "p", 50, strategy, |input| {
                let n: u32 = input.rsplit('-').next().unwrap().parse().unwrap();
                clause.ensure(n < 100, "op", || format!("{n} is too big"))
            })
        };
        let run = RunState::new(Budget::unlimited()).with_seed(1);
        let failure = tagged(&run).unwrap_err();
        let minimal = format!(
            "100 is too big (minimal failing input: \"{}-100\")",
            run.tag
        );
        assert_eq!(failure.seen, minimal);
        // Another run, another tag, same seed: the same inputs once the tag is set aside.
        let again = RunState::new(Budget::unlimited()).with_seed(1);
        assert_ne!(again.tag, run.tag);
        assert!(tagged(&again).is_err());
        assert_eq!(run.cases(), again.cases());
        let mut digest = CaseDigest::default();
        digest.add("ab");
        digest.add("c");
        let mut split = CaseDigest::default();
        split.add("a");
        split.add("bc");
        assert_ne!(digest.finish("x").digest, split.finish("x").digest);
    }
}
