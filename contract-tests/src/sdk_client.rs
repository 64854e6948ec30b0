//! Building sdk clients the way a user would, pointed at a proxy, and calling any operation by
//! its spec name with fixed valid inputs (the spec's examples).

use std::time::Duration;

use serde_json::Value;
use theopenmoney::{
    Client, Error, NewPremiumOrder, NewStarsOrder, OrderQuery, PageRequest, PremiumMonths,
    RetryPolicy,
};

/// The order id the fixed inputs use.
pub(crate) const EXAMPLE_ORDER_ID: u64 = 10421;
/// The memo the fixed inputs use.
pub(crate) const EXAMPLE_MEMO: &str = "STARS-a1b2c3";
/// The username the fixed inputs use.
pub(crate) const EXAMPLE_USERNAME: &str = "pandus";
/// The reference the fixed inputs use.
pub(crate) const EXAMPLE_REFERENCE: &str = "invoice-42";

/// A client for `base_url` with `key`, never using an environment proxy.
pub(crate) fn client(base_url: &str, key: &str, retry: RetryPolicy, timeout: Duration) -> Client {
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(5))
        .build()
        .expect("a reqwest client");
    Client::builder(key)
        .base_url(base_url)
        .http_client(http)
        .retry_policy(retry)
        .build()
        .expect("a valid client configuration")
}

/// A retry policy with short waits, so retries do not slow the suite down.
pub(crate) fn quick_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(max_attempts)
        .base_delay(Duration::from_millis(5))
        .max_delay(Duration::from_millis(50))
}

fn json<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).expect("sdk values serialize")
}

/// Calls `operation` through the sdk with the spec's example inputs and returns the envelope's
/// `data` as JSON.
pub(crate) async fn call(client: &Client, operation: &str) -> Result<Value, Error> {
    Ok(match operation {
        "create_stars_order" => {
            let order =
                NewStarsOrder::new(EXAMPLE_USERNAME, 100)?.client_reference(EXAMPLE_REFERENCE)?;
            json(client.create_stars_order(order).await?.value)
        }
        "create_premium_order" => {
            let order = NewPremiumOrder::new(EXAMPLE_USERNAME, PremiumMonths::Three)?
                .client_reference(EXAMPLE_REFERENCE)?;
            json(client.create_premium_order(order).await?.value)
        }
        "get_order" => json(client.get_order(EXAMPLE_ORDER_ID).await?),
        "cancel_order" => json(client.cancel_order(EXAMPLE_ORDER_ID).await?.value),
        "list_orders" => json(client.list_orders(&OrderQuery::default()).await?),
        "get_order_by_memo" => json(client.get_order_by_memo(EXAMPLE_MEMO).await?),
        "list_orders_by_reference" => {
            json(client.list_orders_by_reference(EXAMPLE_REFERENCE).await?)
        }
        "get_order_stats" => json(client.get_order_stats().await?),
        "get_ton_rate" => json(client.get_ton_rate().await?),
        "get_fee_schedule" => json(client.get_fee_schedule().await?),
        "estimate_stars_price" => json(client.estimate_stars_price(100).await?),
        "estimate_premium_price" => {
            json(client.estimate_premium_price(PremiumMonths::Three).await?)
        }
        "check_stars_recipient" => json(client.check_stars_recipient(EXAMPLE_USERNAME).await?),
        "check_premium_recipient" => json(client.check_premium_recipient(EXAMPLE_USERNAME).await?),
        "get_balance" => json(client.get_balance().await?),
        "list_balance_transactions" => json(
            client
                .list_balance_transactions(PageRequest::default())
                .await?,
        ),
        "get_health" => json(client.get_health().await?),
        other => panic!("no sdk call for operation `{other}`"),
    })
}
