//! The sandbox's pages in a real browser: headless Chromium driven over WebDriver (Debian's
//! `chromium` and `chromium-driver`; `CHROMIUM` and `CHROMEDRIVER` override where they are)
//! against the `theopenmoney-sandbox` binary. It proves that an order created through the sdk
//! appears in the console by itself, that pressing "pay" ends the sdk's `wait_for_order_paid`,
//! that a replayed create shows as a replay in the feed, that `/docs` loads without console
//! errors and its "try it" on `get_health` shows the answer, and that a page on another origin
//! cannot make the sandbox pay an order. Screenshots of both pages go to
//! `SANDBOX_BROWSER_REPORT_DIR` (default `target/sandbox-browser/`).
//!
//! Without a browser it says so and passes, except in CI (`CI` set), where it fails.

mod attacker;
mod sandbox_process;
mod webdriver;

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};
use theopenmoney::{Client, IdempotencyKey, NewStarsOrder, OrderStatus, WaitOptions};

use crate::sandbox_process::SandboxProcess;
use crate::webdriver::{Driver, Session, locate};

const WAIT: Duration = Duration::from_secs(20);

fn report_dir() -> PathBuf {
    let dir = std::env::var_os("SANDBOX_BROWSER_REPORT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/sandbox-browser")
        });
    std::fs::create_dir_all(&dir).unwrap();
    // Chromium and chromedriver must agree on the profile's path: no `..` in it.
    dir.canonicalize().unwrap()
}

/// Console messages at level `SEVERE` (errors, CSP violations included).
fn errors(log: &[Value]) -> Vec<&Value> {
    log.iter()
        .filter(|entry| entry["level"] == "SEVERE")
        .collect()
}

/// Opens "Try it out" on the (expanded) operation block `operation`, executes it and waits for
/// a `200` whose body is a success envelope containing `wanted`; the body's element.
async fn try_it(browser: &Session, operation: &str, wanted: &str) -> String {
    let button = browser
        .wait_for(&format!("{operation} .try-out__btn"), WAIT)
        .await;
    browser.click(&button).await;
    let execute = browser
        .wait_for(&format!("{operation} .execute"), WAIT)
        .await;
    browser.click(&execute).await;
    browser
        .wait_for_text(
            &format!("{operation} .live-responses-table tr.response .response-col_status"),
            WAIT,
            |text| text.trim() == "200",
        )
        .await;
    browser
        .wait_for_text(
            &format!("{operation} .live-responses-table tr.response .response-col_description pre"),
            WAIT,
            |text| text.contains("\"ok\": true") && text.contains(wanted),
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_and_docs_in_headless_chromium() {
    let chromedriver = locate("CHROMEDRIVER", &["chromedriver"]);
    let chromium = locate(
        "CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    );
    let (Some(chromedriver), Some(chromium)) = (chromedriver, chromium) else {
        let message = "no chromium and chromedriver found (apt-get install chromium chromium-driver, \
                       or set CHROMIUM and CHROMEDRIVER)";
        assert!(
            std::env::var_os("CI").is_none(),
            "{message}: CI must run the browser test"
        );
        eprintln!("SKIPPED: {message}");
        return;
    };
    let reports = report_dir();
    let sandbox = SandboxProcess::start().await;
    let base = sandbox.base_url.clone();
    let driver = Driver::start(&chromedriver).await;
    let profile = reports.join("profile");
    let _ = std::fs::remove_dir_all(&profile);
    let browser = Session::new(&driver, &chromium, &profile).await;
    let client = Client::builder("osk_sandbox_alpha")
        .base_url(&base)
        .build()
        .unwrap();

    // The console is open before the order exists: it must show up by itself.
    browser.goto(&format!("{base}/_sandbox/")).await;
    browser.wait_for("#orders", WAIT).await;
    // The console log is read, not assumed empty: a probe error must show up in it.
    browser
        .execute(
            "console.error('browser-test probe'); return null;",
            json!([]),
        )
        .await;
    let probe = browser.console_log().await;
    assert!(
        errors(&probe).iter().any(|entry| entry["message"]
            .as_str()
            .unwrap_or_default()
            .contains("browser-test probe")),
        "the browser log misses a console error: {probe:?}"
    );
    let key = IdempotencyKey::derived_from("browser-checkout-1");
    let order = NewStarsOrder::new("pandus", 100)
        .unwrap()
        .client_reference("browser-checkout-1")
        .unwrap()
        .idempotency_key(key.clone());
    let created = client.create_stars_order(order.clone()).await.unwrap();
    assert!(!created.replayed);
    let id = created.value.id;
    let status = format!("#order-{id} .status");
    browser
        .wait_for_text(&status, WAIT, |text| text == "pending_payment")
        .await;

    // A retry with the same key is answered with a replay, and the feed says so.
    let retried = client.create_stars_order(order).await.unwrap();
    assert!(retried.replayed);
    assert_eq!(retried.value.id, id);
    let replay_row = browser
        .wait_for_text("#feed tr.replayed", WAIT, |text| {
            text.contains(key.as_str())
        })
        .await;
    let row = browser.text(&replay_row).await.unwrap();
    assert!(
        row.contains("POST /api/v1/orders/stars") && row.contains("replayed"),
        "{row}"
    );

    // For the README: the pending order with its payment details, and the feed below it.
    browser.resize(1280, 1700).await;
    browser.screenshot(&reports.join("console.png")).await;
    browser.resize(390, 844).await;
    browser.screenshot(&reports.join("console-phone.png")).await;
    browser.resize(1280, 1000).await;

    // Pressing "pay" ends the partner's wait.
    let waiting = tokio::spawn({
        let client = client.clone();
        async move {
            let quick = WaitOptions::new()
                .min_delay(Duration::from_millis(100))
                .max_delay(Duration::from_millis(300))
                .timeout(Duration::from_secs(30));
            client.wait_for_order_paid(id, quick).await
        }
    });
    let pay = browser
        .wait_for(&format!("#order-{id} button[value=pay]"), WAIT)
        .await;
    browser.click(&pay).await;
    let paid = tokio::time::timeout(Duration::from_secs(40), waiting)
        .await
        .expect("the wait ends")
        .unwrap()
        .expect("the wait ends with the paid order");
    assert_eq!(paid.id, id);
    assert_eq!(paid.status, OrderStatus::Paid);
    browser
        .wait_for_text(&status, WAIT, |text| text == "paid")
        .await;
    let console_errors = browser.console_log().await;
    assert!(
        errors(&console_errors).is_empty(),
        "console errors on /_sandbox/: {console_errors:?}"
    );
    browser.screenshot(&reports.join("console-paid.png")).await;

    // /docs: Swagger UI from the binary, no console errors, and "try it" reaches this sandbox.
    browser.goto(&format!("{base}/docs")).await;
    let operation = "#operations-health-get_health";
    let summary = browser
        .wait_for(&format!("{operation} .opblock-summary-control"), WAIT)
        .await;
    browser.screenshot(&reports.join("docs.png")).await;
    browser.click(&summary).await;
    let answer = try_it(&browser, operation, "\"status\"").await;
    browser
        .execute(
            "arguments[0].scrollIntoView({block: 'center'}); return null;",
            json!([webdriver::element_ref(&answer)]),
        )
        .await;
    browser.screenshot(&reports.join("docs-try-it.png")).await;
    // A call that needs a key works too: the page authorised "try it" with a sandbox key.
    let balance = "#operations-balance-get_balance";
    let summary = browser
        .wait_for(&format!("{balance} .opblock-summary-control"), WAIT)
        .await;
    browser.click(&summary).await;
    try_it(&browser, balance, "\"top_up_address\"").await;
    let docs_log = browser.console_log().await;
    assert!(
        errors(&docs_log).is_empty(),
        "console errors on /docs: {docs_log:?}"
    );

    // A page on another origin posts to the control surface: refused, the order stays unpaid.
    let victim = client
        .create_stars_order(NewStarsOrder::new("pandus", 50).unwrap())
        .await
        .unwrap()
        .value
        .id;
    let attacker = attacker::Page::serve(&format!("{base}/_sandbox/orders/{victim}/pay"));
    browser.goto(&attacker.url).await;
    let outcome = browser
        .execute(
            "return fetch(arguments[0], {method: 'POST', mode: 'no-cors'}).then(() => 'sent', e => String(e));",
            json!([format!("{base}/_sandbox/orders/{victim}/pay")]),
        )
        .await;
    assert_eq!(outcome, json!("sent"), "the browser sent the request");
    browser
        .execute(
            "document.getElementById('csrf').submit(); return null;",
            json!([]),
        )
        .await;
    let refused = browser
        .wait_for_text("body", WAIT, |text| text.contains("FORBIDDEN"))
        .await;
    let text = browser.text(&refused).await.unwrap();
    assert!(text.contains("cross-site request refused"), "{text}");
    let order = client.get_order(victim).await.unwrap();
    assert_eq!(
        order.status,
        OrderStatus::PendingPayment,
        "a cross-site POST paid it"
    );
    assert!(attacker.requests() >= 1, "the attacker page was loaded");

    browser.quit().await;
    drop(driver);
    let _ = std::fs::remove_dir_all(&profile);
    sandbox.stop();
    eprintln!("screenshots in {}", reports.display());
}
