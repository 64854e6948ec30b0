//! The public page's second recipe: get an order by id.
//!
//! ```sh
//! THEOPENMONEY_API_KEY=osk_… cargo run -p theopenmoney --example get_order -- 10421
//! ```

use theopenmoney::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let id: u64 = std::env::args().nth(1).map_or(Ok(10421), |id| id.parse())?;
    let client = Client::from_env()?;
    let order = client.get_order(id).await?;
    println!("{}", serde_json::to_string_pretty(&order)?);
    Ok(())
}
