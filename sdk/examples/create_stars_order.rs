//! The public page's first recipe: create a Stars order, idempotently.
//!
//! ```sh
//! THEOPENMONEY_API_KEY=osk_… [THEOPENMONEY_BASE_URL=http://127.0.0.1:8080] \
//!     cargo run -p theopenmoney --example create_stars_order -- pandus 100 invoice-42
//! ```

use theopenmoney::{Client, IdempotencyKey, NewStarsOrder};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let username = args.next().unwrap_or_else(|| "pandus".into());
    let quantity: u32 = args.next().map_or(Ok(100), |q| q.parse())?;
    let invoice = args.next().unwrap_or_else(|| "invoice-42".into());

    let client = Client::from_env()?;
    // The key derives from the invoice: running this twice replays the first order.
    let order = NewStarsOrder::new(&username, quantity)?
        .client_reference(&invoice)?
        .idempotency_key(IdempotencyKey::derived_from(&invoice));
    let created = client.create_stars_order(order).await?;
    let order = &created.value;
    println!(
        "order {} ({}{}): pay {} TON to {} with memo {} before {}",
        order.id,
        order.status,
        if created.replayed { ", replayed" } else { "" },
        order.price_ton,
        order.payment_address,
        order.payment_memo,
        order.expires_at
    );
    Ok(())
}
