//! `theopenmoney` against an in-memory sandbox: every command, a create/pay/wait flow through
//! `/_sandbox`, the exit codes, the key never printed, JSON read back exactly. Outputs are
//! snapshotted with ids, keys, addresses, memos and times redacted.

mod support;

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use serde_json::value::RawValue;
use theopenmoney_sandbox::Sandbox;
use tokio::io::AsyncWriteExt;

use support::{Env, KEY, Run, always_rate_limited, finish, redact};

#[tokio::test]
async fn help_version_and_completions() {
    let env = Env::start().await;
    let version = env.run(&["--version"]).await;
    assert_eq!(version.code, 0);
    assert_eq!(
        version.stdout,
        format!("theopenmoney {}\n", env!("CARGO_PKG_VERSION"))
    );
    insta::assert_snapshot!(
        "orders_help",
        env.run(&["orders", "--help"]).await.redacted()
    );
    insta::assert_snapshot!(
        "create_stars_help",
        env.run(&["orders", "create-stars", "--help"])
            .await
            .redacted()
    );
    let root = env.run(&["--help"]).await;
    assert!(
        root.stdout.contains("8  unknown outcome"),
        "{}",
        root.stdout
    );
    for shell in ["bash", "zsh", "fish"] {
        let completions = env.run(&["completions", shell]).await;
        assert_eq!(completions.code, 0);
        assert!(completions.stdout.contains("create-stars"), "{shell}");
    }
    let usage = env
        .run(&["orders", "create-stars", "--quantity", "100"])
        .await;
    assert_eq!(usage.code, 2, "{usage:?}");
}

#[tokio::test]
async fn every_read_command_against_the_sandbox() {
    let env = Env::start().await;
    let (_, id) = env.create("inv-read").await;
    let order: Value = env.run(&["orders", "get", &id, "-o", "json"]).await.json();
    let memo = order["payment_memo"].as_str().unwrap().to_owned();
    let commands: Vec<Vec<&str>> = vec![
        vec!["health"],
        vec!["balance", "get"],
        vec!["balance", "list-transactions"],
        vec!["orders", "get-by-memo", &memo],
        vec!["orders", "list-by-reference", "inv-read"],
        vec!["orders", "stats"],
        vec!["orders", "list", "--status", "pending_payment"],
        vec!["pricing", "get-ton-rate"],
        vec!["pricing", "get-fee-schedule"],
        vec!["pricing", "estimate-stars-price", "--quantity", "500"],
        vec!["pricing", "estimate-premium-price", "--months", "6"],
        vec!["recipients", "check-stars", "--username", "pandus"],
        vec!["recipients", "check-premium", "--username", "@pandus"],
    ];
    let mut all = String::new();
    for args in commands {
        let run = env.run(&args).await;
        assert_eq!(run.code, 0, "{args:?}: {run:?}");
        all.push_str(&format!(
            "$ theopenmoney {}\n{}\n",
            redact(&args.join(" ")),
            run.redacted()
        ));
    }
    insta::assert_snapshot!("read_commands", all);
}

#[tokio::test]
async fn create_pay_and_wait() {
    let env = Env::start().await;
    let created = env
        .run(&[
            "orders",
            "create-stars",
            "--recipient-username",
            "pandus",
            "--quantity",
            "100",
            "--client-reference",
            "inv-1",
            "--qr",
        ])
        .await;
    insta::assert_snapshot!("create_stars", created.redacted());
    assert!(created.stdout.contains("ton://transfer/"), "{created:?}");
    assert!(created.stdout.contains('█'), "a QR code: {created:?}");
    let key = created.stderr.lines().next().unwrap().to_owned();

    // The same command again: the derived key replays the first order.
    let (again, id) = env.create("inv-1").await;
    assert!(again.stderr.contains("(replayed"), "{again:?}");
    assert_eq!(
        again.stderr.lines().next().unwrap(),
        format!("{key} (replayed: the API returned the first result)")
    );
    // Another request under the same reference is a new order.
    let other = env
        .run(&[
            "orders",
            "create-stars",
            "--recipient-username",
            "pandus",
            "--quantity",
            "200",
            "--client-reference",
            "inv-1",
            "-o",
            "json",
        ])
        .await;
    assert_eq!(other.code, 0, "{other:?}");
    assert_ne!(other.json()["id"].to_string(), id);

    // The link carries the exact price in nanotons and the memo.
    let order = env.run(&["orders", "get", &id, "-o", "json"]).await.json();
    let link = env.run(&["orders", "get", &id]).await.stdout;
    let price: theopenmoney::TonAmount = order["price_ton"].to_string().parse().unwrap();
    let nanotons = price.as_decimal() * theopenmoney::Decimal::from(1_000_000_000u32);
    assert!(
        link.contains(&format!(
            "ton://transfer/{}?amount={}&text={}",
            order["payment_address"].as_str().unwrap(),
            nanotons.normalize(),
            order["payment_memo"].as_str().unwrap()
        )),
        "{link}"
    );

    // Wait, pay through the control surface, and the wait ends with the paid order.
    let waiting = env
        .command(&["orders", "wait-paid", &id, "--timeout", "60s", "-o", "json"])
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    env.control(&format!("/_sandbox/orders/{id}/pay")).await;
    let waited = waiting.wait_with_output().await.unwrap();
    assert_eq!(waited.status.code(), Some(0), "{waited:?}");
    let paid: Value = serde_json::from_slice(&waited.stdout).unwrap();
    assert_eq!(paid["status"], "paid");
    let progress = String::from_utf8(waited.stderr).unwrap();
    assert!(
        progress.starts_with("waiting for order_paid…\n"),
        "{progress}"
    );
    assert!(
        progress.contains("order_paid ended · status paid · "),
        "{progress}"
    );
}

/// The derived key follows the request the API receives, not how it was typed.
#[tokio::test]
async fn derived_keys_follow_the_request_not_its_spelling() {
    let env = Env::start().await;
    let create = |quantity: &'static str, extra: &'static [&'static str]| {
        let mut args = vec![
            "orders",
            "create-stars",
            "--recipient-username",
            "pandus",
            "--quantity",
            quantity,
            "--client-reference",
            "inv-spelling",
            "-o",
            "json",
        ];
        args.extend(extra);
        args
    };
    let key_of = |run: &Run| run.stderr.lines().next().unwrap().to_owned();

    let first = env.run(&create("100", &[])).await;
    assert_eq!(first.code, 0, "{first:?}");
    assert!(!first.stderr.contains("replayed"), "{first:?}");
    let id = first.json()["id"].to_string();

    // `0100` is the quantity 100, and `ton_memo` is the default the sdk sends anyway.
    for (quantity, extra) in [
        ("0100", &[][..]),
        (
            "100",
            &["--payment-method", "ton_memo", "--payment-currency", "TON"][..],
        ),
    ] {
        let again = env.run(&create(quantity, extra)).await;
        assert_eq!(again.code, 0, "{again:?}");
        assert_eq!(
            key_of(&again),
            format!(
                "{} (replayed: the API returned the first result)",
                key_of(&first)
            ),
            "{quantity} {extra:?}"
        );
        assert_eq!(again.json()["id"].to_string(), id);
    }

    // Another quantity under the same reference is another order, under another key.
    let other = env.run(&create("101", &[])).await;
    assert_eq!(other.code, 0, "{other:?}");
    assert!(!other.stderr.contains("replayed"), "{other:?}");
    assert_ne!(key_of(&other), key_of(&first));
    assert_ne!(other.json()["id"].to_string(), id);
    assert_eq!(other.json()["stars_amount"], 101);
}

#[tokio::test]
async fn json_output_reads_back_exactly() {
    let env = Env::start().await;
    let (run, id) = env.create("inv-exact").await;
    // Each amount's digits as the sandbox's control surface has them.
    let control = env
        .http
        .get(format!("{}/_sandbox/orders", env.sandbox.base_url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let digits = |text: &str| -> String {
        let at = text.find("\"price_ton\"").unwrap();
        let raw: &str = &text[at + "\"price_ton\"".len()..];
        raw.trim_start_matches([':', ' '])
            .split([',', '}', '\n'])
            .next()
            .unwrap()
            .trim()
            .to_owned()
    };
    assert_eq!(digits(&run.stdout), digits(&control));
    // Read back through the sdk's type: the amount is exact, nothing went through a float.
    let order: theopenmoney::types::Order = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(order.price_ton.to_string(), digits(&control));
    assert_eq!(order.id.to_string(), id);
    let ndjson = env.run(&["orders", "get", &id, "-o", "ndjson"]).await;
    assert_eq!(ndjson.stdout.lines().count(), 1);
    let raw: Box<RawValue> = serde_json::from_str(ndjson.stdout.trim()).unwrap();
    assert!(
        raw.get()
            .contains(&format!("\"price_ton\":{}", digits(&control)))
    );
}

#[tokio::test]
async fn list_all_streams_every_order_as_ndjson() {
    let env = Env::start().await;
    for n in 0..23 {
        env.create(&format!("inv-{n}")).await;
    }
    let run = env
        .run(&[
            "orders", "list", "--all", "--limit", "5", "--output", "ndjson",
        ])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let ids: std::collections::BTreeSet<u64> = run
        .stdout
        .lines()
        .map(|l| {
            let order: theopenmoney::types::Order = serde_json::from_str(l).unwrap();
            order.id.0
        })
        .collect();
    assert_eq!(run.stdout.lines().count(), 23);
    assert_eq!(ids.len(), 23, "every order once");
    let page = env
        .run(&["orders", "list", "--limit", "5", "-o", "ndjson"])
        .await;
    assert_eq!(page.stdout.lines().count(), 5, "one page without --all");
}

#[tokio::test]
async fn exit_codes_per_failure_class() {
    let env = Env::with(Sandbox::builder().order_ttl(Duration::from_secs(1))).await;
    let (_, id) = env.create("inv-codes").await;
    let mut all = String::new();
    let mut check = |name: &str, run: Run, code: i32| {
        assert_eq!(run.code, code, "{name}: {run:?}");
        all.push_str(&format!("# {name}\n{}\n", run.redacted()));
    };
    check(
        "validation, before sending",
        env.run(&[
            "orders",
            "create-stars",
            "--recipient-username",
            "pandus",
            "--quantity",
            "10",
        ])
        .await,
        3,
    );
    check(
        "validation, a pattern",
        env.run(&["recipients", "check-stars", "--username", "no"])
            .await,
        3,
    );
    check("not found", env.run(&["orders", "get", "99999"]).await, 4);
    check(
        "no key",
        {
            let mut c = env.command(&["orders", "get", "1"]);
            c.env_remove("THEOPENMONEY_API_KEY");
            finish(c).await
        },
        6,
    );
    check(
        "wrong key",
        {
            let mut c = env.command(&["orders", "get", "1"]);
            c.env("THEOPENMONEY_API_KEY", "osk_wrong_key");
            finish(c).await
        },
        6,
    );
    check(
        "wait: expired",
        env.run(&["orders", "wait-paid", &id, "--timeout", "30s"])
            .await,
        10,
    );
    check(
        "conflict: cancel an expired order",
        env.run(&["orders", "cancel", &id]).await,
        5,
    );
    check(
        "usage: a timeout no duration holds",
        env.run(&[
            "orders",
            "wait-paid",
            &id,
            "--timeout",
            "99999999999999999999h",
        ])
        .await,
        2,
    );
    let (_, fresh) = env.create("inv-codes-2").await;
    let _ = fresh;
    insta::assert_snapshot!("exit_codes", all);
}

#[tokio::test]
async fn timeouts_transport_and_unknown_outcomes() {
    let env = Env::start().await;
    let (_, id) = env.create("inv-t").await;
    let timeout = env
        .run(&["orders", "wait-paid", &id, "--timeout", "1s"])
        .await;
    assert_eq!(timeout.code, 11, "{timeout:?}");
    assert!(timeout.stderr.contains("timed out after"), "{timeout:?}");

    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let mut get = env.command(&["orders", "get", "1", "--base-url", &dead]);
    get.env("THEOPENMONEY_BASE_URL", &dead);
    let transport = finish(get).await;
    assert_eq!(transport.code, 9, "{transport:?}");

    let create = env.command(&[
        "orders",
        "create-stars",
        "--recipient-username",
        "pandus",
        "--quantity",
        "100",
        "--base-url",
        &dead,
    ]);
    let unknown = finish(create).await;
    assert_eq!(unknown.code, 8, "{unknown:?}");
    let key = unknown
        .stderr
        .lines()
        .next()
        .unwrap()
        .strip_prefix("Idempotency-Key: ")
        .unwrap()
        .to_owned();
    assert!(
        unknown.stderr.contains(&format!(
            "theopenmoney orders create-stars --recipient-username pandus --quantity 100 --base-url {dead} --idempotency-key {key}"
        )),
        "{unknown:?}"
    );
    // Resuming against the live sandbox with that key creates the order once.
    let resume = [
        "orders",
        "create-stars",
        "--recipient-username",
        "pandus",
        "--quantity",
        "100",
        "--idempotency-key",
        &key,
    ];
    let first = env.run(&resume).await;
    assert_eq!(first.code, 0, "{first:?}");
    assert!(!first.stderr.contains("replayed"), "{first:?}");
    let again = env.run(&resume).await;
    assert!(again.stderr.contains("replayed"), "{again:?}");
    // --verbose says which attempt the API answered with a replay, and only that one.
    let verbose: Vec<&str> = std::iter::once("-v").chain(resume).collect();
    let traced = env.run(&verbose).await;
    assert!(
        traced
            .stderr
            .contains("> POST /api/v1/orders/stars attempt 1: 200, replayed (create_stars_order)"),
        "{traced:?}"
    );
    let fresh = env
        .run(&[
            "-v",
            "orders",
            "create-stars",
            "--recipient-username",
            "pandus",
            "--quantity",
            "100",
        ])
        .await;
    assert!(
        fresh
            .stderr
            .contains("> POST /api/v1/orders/stars attempt 1: 200 (create_stars_order)"),
        "{fresh:?}"
    );
}

#[tokio::test]
async fn rate_limited_after_the_retries() {
    let env = Env::start().await;
    let (url, hits) = always_rate_limited().await;
    let mut get = env.command(&["balance", "get"]);
    get.env("THEOPENMONEY_BASE_URL", &url);
    let run = finish(get).await;
    assert_eq!(run.code, 7, "{run:?}");
    assert!(run.stderr.contains("RATE_LIMITED"), "{run:?}");
    // The sdk retried before the command gave up.
    assert!(
        hits.load(std::sync::atomic::Ordering::SeqCst) > 1,
        "{run:?}"
    );
}

#[tokio::test]
async fn the_key_is_never_printed() {
    let env = Env::start().await;
    let (_, id) = env.create("inv-secret").await;
    let file = std::env::temp_dir().join(format!("theopenmoney-cli-key-{}", std::process::id()));
    std::fs::write(&file, format!("{KEY}\n")).unwrap();
    let path = file.to_str().unwrap();
    let mut runs = Vec::new();
    for args in [
        vec!["-v", "orders", "get", &id],
        vec!["-v", "orders", "get", "99999"],
        vec!["-v", "orders", "cancel", &id],
        vec!["-v", "orders", "cancel", &id],
        vec!["-v", "orders", "list", "--all", "-o", "ndjson"],
        vec!["-v", "balance", "get", "-o", "json"],
    ] {
        runs.push(env.run(&args).await);
    }
    let mut from_file = env.command(&["-v", "orders", "get", &id, "--api-key-file", path]);
    from_file.env_remove("THEOPENMONEY_API_KEY");
    runs.push(finish(from_file).await);
    let mut from_stdin = env.command(&["-v", "orders", "get", &id, "--api-key-stdin"]);
    from_stdin
        .env_remove("THEOPENMONEY_API_KEY")
        .stdin(Stdio::piped());
    let mut child = from_stdin.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(KEY.as_bytes())
        .await
        .unwrap();
    let out = child.wait_with_output().await.unwrap();
    runs.push(Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    });
    let mut wrong = env.command(&["-v", "orders", "get", &id]);
    wrong.env("THEOPENMONEY_API_KEY", "osk_wrong_but_secret");
    runs.push(finish(wrong).await);
    std::fs::remove_file(&file).unwrap();

    assert_eq!(runs[6].code, 0, "key from a file: {:?}", runs[6]);
    assert_eq!(runs[7].code, 0, "key from stdin: {:?}", runs[7]);
    for run in &runs {
        for secret in [KEY, "osk_wrong_but_secret", "sandbox_alpha"] {
            assert!(
                !run.stdout.contains(secret) && !run.stderr.contains(secret),
                "{run:?}"
            );
        }
    }
    // --verbose printed the attempts.
    assert!(
        runs[0]
            .stderr
            .contains("> GET /api/v1/orders/{id} attempt 1: 200"),
        "{:?}",
        runs[0]
    );
    assert!(
        runs[2]
            .stderr
            .contains("> POST /api/v1/orders/{id}/cancel attempt 1: 200"),
        "{:?}",
        runs[2]
    );
    assert!(
        runs[3].stderr.contains("(replayed") || runs[3].code == 5,
        "{:?}",
        runs[3]
    );
}

#[tokio::test]
async fn premium_order_until_completed() {
    let env = Env::start().await;
    let created = env
        .run(&[
            "orders",
            "create-premium",
            "--recipient-username",
            "pandus",
            "--months",
            "6",
            "-o",
            "json",
        ])
        .await;
    assert_eq!(created.code, 0, "{created:?}");
    let order = created.json();
    assert_eq!(order["premium_months"], 6);
    let id = order["id"].to_string();
    let bad = env
        .run(&[
            "orders",
            "create-premium",
            "--recipient-username",
            "pandus",
            "--months",
            "5",
        ])
        .await;
    assert_eq!(bad.code, 2, "5 is not one of the spec's values: {bad:?}");

    let waiting = env
        .command(&["orders", "wait-completed", &id, "-o", "json"])
        .spawn()
        .unwrap();
    env.control(&format!("/_sandbox/orders/{id}/pay")).await;
    env.control(&format!("/_sandbox/orders/{id}/complete"))
        .await;
    let waited = waiting.wait_with_output().await.unwrap();
    assert_eq!(waited.status.code(), Some(0), "{waited:?}");
    let done: Value = serde_json::from_slice(&waited.stdout).unwrap();
    assert_eq!(done["status"], "completed");
}
