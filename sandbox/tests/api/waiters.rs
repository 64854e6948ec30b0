//! The sdk's generated waiters (`x-waiters` on `get_order`) against the sandbox: an order paid
//! through the control surface ends `wait_for_order_paid` with the order, a cancelled one ends
//! it with the terminal status, and a status the sdk does not know keeps it polling until the
//! deadline.

use std::time::Duration;

use std::sync::Arc;

use test_proxy::{Handler, ProxiedRequest, ProxiedResponse, Proxy, Verdict};
use theopenmoney::{Client, NewStarsOrder, OrderId, OrderStatus, WaitError, WaitOptions};

use crate::support::{ALPHA, Api};

/// Short timings, so the tests wait milliseconds rather than the spec's seconds.
fn quick() -> WaitOptions {
    WaitOptions::new()
        .min_delay(Duration::from_millis(10))
        .max_delay(Duration::from_millis(40))
        .timeout(Duration::from_secs(10))
}

fn client(base_url: &str) -> Client {
    Client::builder(ALPHA).base_url(base_url).build().unwrap()
}

async fn new_order(client: &Client) -> OrderId {
    let order = NewStarsOrder::new("pandus", 100).unwrap();
    client.create_stars_order(order).await.unwrap().value.id
}

#[tokio::test]
async fn an_order_paid_meanwhile_ends_the_wait_with_the_order() {
    let api = Api::start().await;
    let client = client(api.sandbox.base_url());
    let id = new_order(&client).await;
    let waiting = tokio::spawn({
        let client = client.clone();
        async move { client.wait_for_order_paid(id, quick()).await }
    });
    // Let the waiter see `pending_payment` at least once before the payment lands.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let paid = api
        .post_empty(None, &format!("/_sandbox/orders/{id}/pay"), None)
        .await;
    assert_eq!(paid.status, 200, "{}", paid.text);
    let order = waiting
        .await
        .unwrap()
        .expect("the wait ends with the paid order");
    assert_eq!(order.id, id);
    assert!(
        matches!(
            order.status,
            OrderStatus::Paid | OrderStatus::Processing | OrderStatus::Completed
        ),
        "{:?}",
        order.status
    );
}

#[tokio::test]
async fn a_cancelled_order_ends_the_wait_with_its_terminal_status() {
    let api = Api::start().await;
    let client = client(api.sandbox.base_url());
    let id = new_order(&client).await;
    client.cancel_order(id).await.unwrap();
    let error = client.wait_for_order_paid(id, quick()).await.unwrap_err();
    match &error {
        WaitError::Failed {
            waiter,
            state,
            last,
        } => {
            assert_eq!(*waiter, "order_paid");
            assert_eq!(state, "cancelled");
            assert_eq!(last.id, id);
            assert_eq!(last.status, OrderStatus::Cancelled);
        }
        other => panic!("expected a failure state, got {other:?}"),
    }
    assert_eq!(
        error.to_string(),
        "waiter `order_paid` failed: reached `cancelled`"
    );
    // The same order never completes either.
    let error = client
        .wait_for_order_completed(id, quick())
        .await
        .unwrap_err();
    assert!(matches!(error, WaitError::Failed { .. }), "{error:?}");
}

#[tokio::test]
async fn a_missing_order_ends_the_wait_with_the_call_error() {
    let api = Api::start().await;
    let client = client(api.sandbox.base_url());
    let error = client
        .wait_for_order_paid(987_654_321, quick())
        .await
        .unwrap_err();
    let WaitError::Call { source, last, .. } = &error else {
        panic!("expected the 404, got {error:?}");
    };
    assert_eq!(source.status().map(|s| s.as_u16()), Some(404));
    assert!(last.is_none());
}

/// Renames `pending_payment` in every answer to a status this sdk does not know.
#[derive(Debug)]
struct RenameStatus;

impl Handler for RenameStatus {
    fn on_request(&self, _request: &mut ProxiedRequest) -> Verdict {
        Verdict::Forward
    }

    fn on_response(&self, _request: &ProxiedRequest, response: &mut ProxiedResponse) {
        let text = String::from_utf8_lossy(&response.body);
        response.body = text.replace("\"pending_payment\"", "\"on_hold\"").into();
    }
}

#[tokio::test]
async fn a_status_the_sdk_does_not_know_keeps_polling_until_the_deadline() {
    let api = Api::start().await;
    let proxy = Proxy::start(api.sandbox.base_url(), Arc::new(RenameStatus))
        .await
        .unwrap();

    let client = client(&proxy.base_url());
    let id = new_order(&client).await;
    let deadline = Duration::from_millis(300);
    let started = std::time::Instant::now();
    let error = client
        .wait_for_order_paid(id, quick().timeout(deadline))
        .await
        .unwrap_err();
    assert!(
        started.elapsed() >= deadline,
        "gave up early: {:?}",
        started.elapsed()
    );
    match &error {
        WaitError::TimedOut { state, last, .. } => {
            assert_eq!(state.as_deref(), Some("on_hold"));
            let last = last.as_ref().expect("the last order seen");
            assert_eq!(last.id, id);
            assert!(last.status.is_unknown(), "{:?}", last.status);
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    proxy.shutdown().await.unwrap();
}
