//! The suite proved against a real server: a fresh in-process sandbox behind a rewriting proxy.
//! Each broken server must fail the named clause test with a message naming the clause, the
//! operation and what was seen; a server that only adds what the spec allows, or rewords its
//! error messages, must pass every live clause.

use std::sync::Arc;

use contract_tests::budget::Budget;
use contract_tests::clauses::{live_tests, run_live};
use contract_tests::config::{LiveConfig, Secret};
use contract_tests::failure::ClauseFailure;
use contract_tests::intercept::Interceptor;
use contract_tests::live::Live;
use contract_tests::respell::{Respell, Slow, TitleCaseHeaders};
use contract_tests::rewrite::{Additions, Break, Meaning, REWORDED, Reword};
use contract_tests::run::RunState;
use contract_tests::runtime::block_on;
use theopenmoney_sandbox::{Sandbox, SandboxHandle};

struct Rig {
    live: Live,
    sandbox: Option<SandboxHandle>,
}

impl Drop for Rig {
    fn drop(&mut self) {
        if let Some(sandbox) = self.sandbox.take() {
            block_on(sandbox.shutdown()).expect("the sandbox stops");
        }
    }
}

fn rig(interceptor: impl FnOnce(&SandboxHandle) -> Arc<dyn Interceptor>) -> Rig {
    block_on(async {
        let sandbox = Sandbox::builder().start().await.expect("a sandbox starts");
        let key = |name: &str| Secret::new(sandbox.key(name).expect("a default partner"));
        let config = LiveConfig {
            base_url: sandbox.base_url().parse().expect("a URL"),
            api_key: key("alpha"),
            api_key_2: Some(key("beta")),
            rate_limit_key: Some(key("throttled")),
            request_budget: 600,
            proptest_cases: 4,
        };
        let run = Arc::new(RunState::new(Budget::limited(config.request_budget)));
        let live = Live::start(config, run, interceptor(&sandbox))
            .await
            .expect("the proxy starts");
        Rig {
            live,
            sandbox: Some(sandbox),
        }
    })
}

fn broken(test: &str, fault: Break) -> ClauseFailure {
    let rig = rig(|_| Arc::new(fault.clone()));
    match run_live(test, &rig.live) {
        Ok(()) => panic!("{test} passed against a server with {fault:?}"),
        Err(failure) => failure,
    }
}

fn assert_names(failure: &ClauseFailure, clause: &str, operation: &str, seen: &str) {
    assert_eq!(failure.clause, clause, "{failure}");
    assert_eq!(failure.operation, operation, "{failure}");
    assert!(
        failure.seen.contains(seen),
        "expected {seen:?} in: {failure}"
    );
    let text = failure.to_string();
    assert!(text.contains(clause) && text.contains(operation), "{text}");
}

#[test]
fn a_missing_error_code_fails_the_envelope_and_the_error_code_clauses() {
    let envelope = broken("envelope::every_operation_and_status", Break::DropErrorCode);
    assert_names(
        &envelope,
        "envelope",
        "create_premium_order",
        "no string `error_code`",
    );
    let not_found = broken("error_codes::not_found_404", Break::DropErrorCode);
    assert_names(
        &not_found,
        "error-codes/404",
        "get_order",
        "saw error_code None",
    );
}

#[test]
fn non_null_data_on_an_error_fails_the_envelope_clause() {
    let failure = broken(
        "envelope::every_operation_and_status",
        Break::NonNullDataOnError,
    );
    assert_names(
        &failure,
        "envelope",
        "create_premium_order",
        "`data` not null",
    );
}

#[test]
fn a_429_without_retry_after_fails_the_rate_limit_clause() {
    let failure = broken("error_codes::rate_limited_429", Break::StripRetryAfter);
    assert_names(
        &failure,
        "error-codes/429",
        "get_ton_rate",
        "without a delta-seconds Retry-After",
    );
}

#[test]
fn a_changed_status_fails_the_404_clause() {
    let failure = broken("error_codes::not_found_404", Break::NotFoundBecomes(400));
    assert_names(
        &failure,
        "error-codes/404",
        "get_order",
        "expected 404 NOT_FOUND, saw 400",
    );
}

#[test]
fn a_replay_that_makes_a_second_order_fails_the_replay_clause() {
    let failure = broken(
        "idempotency::replay_same_key_same_order",
        Break::ForgetIdempotencyKey,
    );
    assert_names(
        &failure,
        "idempotency/replay",
        "create_stars_order",
        "a replay answered another body",
    );
}

#[test]
fn another_partners_order_leaking_fails_the_cross_partner_clause() {
    let rig = rig(|sandbox| {
        Arc::new(Break::ServeAs(Secret::new(format!(
            "Bearer {}",
            sandbox.key("beta").expect("beta")
        ))))
    });
    let failure =
        run_live("error_codes::other_partners_order_404", &rig.live).expect_err("a leak must fail");
    assert_names(
        &failure,
        "error-codes/404-other-partner",
        "get_order",
        "expected 404 NOT_FOUND, saw 200",
    );
    // Both partners' keys went through the proxy and were kept in its exchanges; neither
    // may show in the rig's Debug or in the failure.
    let sandbox = rig.sandbox.as_ref().expect("a sandbox");
    let shown = format!("{:?} {failure}", rig.live);
    for partner in ["alpha", "beta"] {
        let key = sandbox.key(partner).expect("a default partner");
        assert!(!shown.contains(key), "{partner}'s key in Debug or failure");
    }
}

#[test]
fn a_body_the_sdk_might_tolerate_but_the_spec_forbids_fails_the_envelope_clause() {
    let failure = broken("envelope::every_operation_and_status", Break::PriceAsString);
    assert_names(
        &failure,
        "envelope",
        "create_stars_order",
        "breaks the schema",
    );
}

/// Every live clause test that fails against the server `interceptor` makes.
fn failing(
    interceptor: impl FnOnce() -> Arc<dyn Interceptor>,
) -> Vec<(&'static str, ClauseFailure)> {
    let rig = rig(|_| interceptor());
    live_tests()
        .into_iter()
        .filter_map(|test| run_live(test.name, &rig.live).err().map(|f| (test.name, f)))
        .collect()
}

/// A server that gets one meaning wrong fails exactly the clause test of that meaning, with
/// the clause, the operation and what was seen (and the clauses defined through it: the
/// aggregates agree with the list's `total` and filters, so a wrong `total` or an ignored
/// filter breaks them too).
fn only(meaning: Meaning, tests: &[&str], clause: &str, operation: &str, seen: &str) {
    let failures = failing(|| Arc::new(Break::Meaning(meaning)));
    let names: Vec<&str> = failures.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, tests, "{meaning:?}: {failures:#?}");
    assert_names(&failures[0].1, clause, operation, seen);
}

const AGGREGATES: &str = "aggregates::aggregates_agree_with_their_list";

#[test]
fn a_list_that_ignores_offset_fails_only_the_paging_clause() {
    only(
        Meaning::IgnoreOffset,
        &["paging::pages_partition_every_list"],
        "paging",
        "list_orders",
        "the page at limit=1 offset=1 holds",
    );
}

#[test]
fn a_list_that_ignores_limit_fails_only_the_paging_clause() {
    only(
        Meaning::IgnoreLimit,
        &["paging::pages_partition_every_list"],
        "paging",
        "list_orders",
        "limit=1 answered",
    );
}

#[test]
fn a_total_that_is_not_the_number_of_items_fails_the_paging_clause_and_what_stands_on_it() {
    only(
        Meaning::TotalOffByOne,
        &["paging::pages_partition_every_list", AGGREGATES],
        "paging",
        "list_orders",
        "items, `total` says",
    );
}

#[test]
fn a_list_that_ignores_its_filters_fails_the_filter_clause_and_what_stands_on_it() {
    only(
        Meaning::IgnoreFilters,
        &["filters::every_filter_is_honoured", AGGREGATES],
        "filters",
        "list_orders",
        "asked status=",
    );
}

#[test]
fn stats_that_disagree_with_the_list_fail_only_the_aggregate_clause() {
    only(
        Meaning::StatsDisagree,
        &[AGGREGATES],
        "aggregates",
        "get_order_stats",
        "has total",
    );
}

#[test]
fn a_replay_without_idempotent_replayed_fails_only_the_replay_header_clause() {
    only(
        Meaning::OmitReplayed,
        &["headers::idempotent_replayed_only_on_a_replay"],
        "headers/idempotent-replayed",
        "create_stars_order",
        "replay 1 of a request answered `Idempotent-Replayed: None`",
    );
}

#[test]
fn idempotent_replayed_on_a_first_create_fails_only_the_replay_header_clause() {
    only(
        Meaning::ReplayedOnFirst,
        &["headers::idempotent_replayed_only_on_a_replay"],
        "headers/idempotent-replayed",
        "create_stars_order",
        "the first request with a key answered `Idempotent-Replayed: true`",
    );
}

#[test]
fn a_declared_header_breaking_its_schema_fails_the_header_schema_clause_wherever_it_appears() {
    let failures = failing(|| Arc::new(Break::Meaning(Meaning::ReplayedYes)));
    let names: Vec<&str> = failures.iter().map(|(name, _)| *name).collect();
    // Every clause that replays a create or cancel sees it, and only through this clause.
    for test in [
        "idempotency::replay_same_key_same_order",
        "headers::idempotent_replayed_only_on_a_replay",
    ] {
        assert!(names.contains(&test), "{failures:#?}");
    }
    for (_, failure) in &failures {
        assert_eq!(failure.clause, "headers/schema", "{failure}");
        assert!(
            failure.seen.contains("idempotent-replayed: yes"),
            "{failure}"
        );
    }
}

#[test]
fn orders_that_expire_before_they_were_created_fail_only_the_invariant_clause() {
    only(
        Meaning::ExpiresBeforeCreated,
        &["invariants::orders_read_back_as_created"],
        "invariants/order",
        "create_stars_order",
        "a new order expires at",
    );
}

#[test]
fn a_server_that_only_adds_fields_and_enum_values_passes_every_live_clause() {
    let failures = failing(|| Arc::new(Additions));
    assert!(
        failures.is_empty(),
        "false alarm on additions: {failures:#?}"
    );
}

#[test]
fn a_server_that_respells_its_json_passes_every_live_clause() {
    let failures = failing(|| Arc::new(Respell));
    assert!(
        failures.is_empty(),
        "false alarm on exponents, escapes and key order: {failures:#?}"
    );
}

#[test]
fn a_server_that_writes_header_names_in_title_case_passes_every_live_clause() {
    let failures = failing(|| Arc::new(TitleCaseHeaders));
    assert!(
        failures.is_empty(),
        "false alarm on header-name case: {failures:#?}"
    );
}

#[test]
fn a_slow_server_passes_every_live_clause() {
    let failures = failing(|| Arc::new(Slow::default()));
    assert!(
        failures.is_empty(),
        "false alarm on slow answers: {failures:#?}"
    );
}

#[test]
fn a_server_that_rewords_every_error_message_passes_every_live_clause_with_notes() {
    let rig = rig(|_| Arc::new(Reword));
    for test in live_tests() {
        if let Err(failure) = run_live(test.name, &rig.live) {
            panic!("{}: false alarm on reworded messages: {failure}", test.name);
        }
    }
    // The messages were seen, and only noted: one note per (clause, operation, field).
    let notes = rig.live.run.notes.all();
    let noted = |clause: &str, operation: &str, field: &str| {
        notes.iter().any(|n| {
            n.clause == clause
                && n.operation == operation
                && n.what.contains(&format!("`{field}`"))
                && n.example == REWORDED
        })
    };
    assert!(
        noted("error-codes/422", "create_stars_order", "quantity"),
        "{notes:#?}"
    );
    assert!(
        noted("error-codes/422", "list_orders_by_reference", "ref"),
        "{notes:#?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.clause == "properties/invalid-rejected"),
        "{notes:#?}"
    );
}
