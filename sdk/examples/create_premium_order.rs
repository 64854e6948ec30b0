//! Create a Premium order for 3, 6 or 12 months.
//!
//! ```sh
//! THEOPENMONEY_API_KEY=osk_… cargo run -p theopenmoney --example create_premium_order -- pandus 6
//! ```

use theopenmoney::{Client, NewPremiumOrder, PremiumMonths};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let username = args.next().unwrap_or_else(|| "pandus".into());
    let months = PremiumMonths::try_from(args.next().map_or(Ok(3), |m| m.parse::<u32>())?)?;

    let client = Client::from_env()?;
    let created = client
        .create_premium_order(NewPremiumOrder::new(&username, months)?)
        .await?;
    let order = created.value;
    println!(
        "order {}: {} months of Premium for {}, {} TON, key {}",
        order.id, months, order.recipient_username, order.price_ton, created.idempotency_key
    );
    Ok(())
}
