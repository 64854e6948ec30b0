//! The public page's fourth recipe: what would 100 Stars cost?
//!
//! ```sh
//! THEOPENMONEY_API_KEY=osk_… cargo run -p theopenmoney --example estimate_price -- 100
//! ```

use theopenmoney::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let quantity: u32 = std::env::args().nth(1).map_or(Ok(100), |q| q.parse())?;
    let client = Client::from_env()?;
    let estimate = client.estimate_stars_price(quantity).await?;
    println!(
        "{} Stars: {} TON (${})",
        estimate.quantity, estimate.price_ton, estimate.price_usd
    );
    Ok(())
}
