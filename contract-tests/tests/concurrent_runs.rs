//! Shared staging has other writers: two whole live suites run at once against one sandbox
//! with the same partner key, each through its own proxy and run (its own references, budget
//! and cleanup), and both must pass every live clause. The paging, filter and aggregate clauses
//! compare only what other writers cannot move under them.

use std::sync::Arc;
use std::thread;

use contract_tests::budget::Budget;
use contract_tests::clauses::{live_tests, run_live};
use contract_tests::config::{LiveConfig, Secret};
use contract_tests::intercept::Passthrough;
use contract_tests::live::Live;
use contract_tests::run::RunState;
use contract_tests::runtime::block_on;
use theopenmoney_sandbox::Sandbox;

#[test]
fn two_live_suites_at_once_with_one_key_both_pass() {
    let sandbox = block_on(Sandbox::builder().start()).expect("a sandbox starts");
    let key = |name: &str| Secret::new(sandbox.key(name).expect("a default partner"));
    let config = LiveConfig {
        base_url: sandbox.base_url().parse().expect("a URL"),
        api_key: key("alpha"),
        api_key_2: Some(key("beta")),
        rate_limit_key: None,
        request_budget: 400,
        proptest_cases: 6,
    };
    let suites: Vec<_> = (0..2)
        .map(|_| {
            let config = config.clone();
            thread::spawn(move || {
                let run = Arc::new(RunState::new(Budget::limited(config.request_budget)));
                let live = block_on(Live::start(config, run, Arc::new(Passthrough)))
                    .expect("the proxy starts");
                let failures: Vec<String> = live_tests()
                    .into_iter()
                    .filter(|t| t.name != "error_codes::rate_limited_429")
                    .filter_map(|t| {
                        run_live(t.name, &live)
                            .err()
                            .map(|f| format!("{}: {f}", t.name))
                    })
                    .collect();
                (failures, live.run.notes.all())
            })
        })
        .collect();
    for (i, suite) in suites.into_iter().enumerate() {
        let (failures, notes) = suite.join().expect("the suite's thread");
        assert!(failures.is_empty(), "suite {i}: {failures:#?}");
        // What other writers made a clause skip is noted, never failed.
        eprintln!("suite {i} notes: {notes:#?}");
    }
    block_on(sandbox.shutdown()).expect("the sandbox stops");
}
