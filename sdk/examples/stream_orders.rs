//! Walk every order, page by page, as a lazy stream; sum what the pending ones are worth.
//!
//! ```sh
//! THEOPENMONEY_API_KEY=osk_… cargo run -p theopenmoney --example stream_orders
//! ```

use futures_util::TryStreamExt;
use theopenmoney::{Client, OrderQuery, OrderStatus, TonAmount};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let mut orders = std::pin::pin!(client.orders(OrderQuery::default()));
    let (mut count, mut pending) = (0, TonAmount::ZERO);
    while let Some(order) = orders.try_next().await? {
        count += 1;
        if order.status == OrderStatus::PendingPayment {
            pending = pending + order.price_ton;
        }
        println!(
            "{:>8} {:<16} {:>14} TON  {}",
            order.id, order.status, order.price_ton, order.recipient_username
        );
    }
    println!("{count} orders; {pending} TON awaiting payment");
    Ok(())
}
