//! The chaos proof, small: a real sandbox, the fault-injecting proxy and the sdk, end to end.

use chaos::{Args, Fault, Strategy, execute};
use clap::Parser;

fn args(extra: &[&str]) -> Args {
    let base = ["chaos", "--timeout-ms", "250", "--delay-ms", "400"];
    Args::try_parse_from(base.iter().chain(extra)).unwrap()
}

/// Faults on almost half the requests: every kind shows up, and some calls outlast the sdk's
/// four attempts, so settling an unknown outcome with the returned key is exercised too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_ends_with_exactly_one_order_under_every_fault_kind() {
    let rates = [
        "--drop-rate",
        "0.09",
        "--bad-gateway-rate",
        "0.07",
        "--unavailable-rate",
        "0.07",
        "--rate-limit-rate",
        "0.05",
        "--delay-rate",
        "0.07",
        "--reset-rate",
        "0.09",
    ];
    let mut options = vec!["--requests", "120", "--seed", "3", "--no-control"];
    options.extend(rates);
    options.extend(["--min-faults-per-kind", "3"]);
    let outcome = execute(&args(&options)).await.unwrap();
    let [sdk] = &outcome.reports[..] else {
        panic!("one run expected")
    };
    let table = chaos::report::table(&outcome.reports);
    assert_eq!(outcome.failures, Vec::<String>::new(), "\n{table}");
    assert_eq!(sdk.strategy, Strategy::Sdk);
    assert_eq!(sdk.calls, 120);
    assert_eq!(sdk.exactly_once, 120, "\n{table}");
    assert_eq!(sdk.orders, 120, "\n{table}");
    assert_eq!((sdk.duplicates, sdk.lost), (0, 0), "\n{table}");
    assert_eq!((sdk.orphaned, sdk.unknown, sdk.disagreements), (0, 0, 0));
    for fault in Fault::ALL {
        assert!(sdk.proxy.faults_of(fault) >= 3, "{fault}\n{table}");
    }
    // Responses lost after a commit came back as replays, not as second orders.
    assert!(sdk.proxy.replayed > 0, "\n{table}");
    assert!(sdk.first_call_failed > 0, "resolution never ran\n{table}");
    assert_eq!(sdk.recovered, sdk.first_call_failed, "\n{table}");
}

/// The same faults without retries: a client that gives up leaves unknown outcomes and orders
/// it never saw; one that re-submits under a new key buys twice. The sdk's run, first, holds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_retries_the_same_faults_do_damage() {
    let outcome = execute(&args(&["--requests", "80", "--seed", "5"]))
        .await
        .unwrap();
    let table = chaos::report::table(&outcome.reports);
    let [sdk, give_up, new_key] = &outcome.reports[..] else {
        panic!("three runs expected\n{table}")
    };
    assert_eq!(
        [sdk.strategy, give_up.strategy, new_key.strategy],
        [Strategy::Sdk, Strategy::NaiveGiveUp, Strategy::NaiveNewKey]
    );
    assert_eq!(outcome.failures, Vec::<String>::new(), "\n{table}");
    assert_eq!(sdk.exactly_once, 80, "\n{table}");

    assert!(give_up.unknown > 0, "\n{table}");
    assert!(give_up.orphaned > 0, "\n{table}");
    assert!(give_up.lost > 0, "\n{table}");
    assert_eq!(give_up.duplicates, 0, "\n{table}");
    assert!(!give_up.violations().is_empty());

    assert!(new_key.duplicates > 0, "\n{table}");
    assert!(new_key.exactly_once < 80, "\n{table}");
    assert!(!new_key.violations().is_empty());
}

#[test]
fn options_that_cannot_prove_anything_are_rejected() {
    // A delayed response must arrive after the client's timeout.
    let late = Args::try_parse_from(["chaos", "--timeout-ms", "250", "--delay-ms", "200"]);
    assert!(late.unwrap().settings().is_err());
    assert!(args(&["--requests", "0"]).settings().is_err());
    assert!(
        args(&["--drop-rate", "0.7", "--reset-rate", "0.7"])
            .settings()
            .is_err()
    );
    let defaults = Args::try_parse_from(["chaos"]).unwrap();
    let settings = defaults.settings().unwrap();
    assert_eq!(settings.requests, 1000);
    assert!(settings.delay > settings.timeout);
    assert_eq!(defaults.strategies().len(), 3);
}
