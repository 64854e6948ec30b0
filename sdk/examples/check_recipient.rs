//! The public page's third recipe: can this username receive Stars?
//!
//! ```sh
//! THEOPENMONEY_API_KEY=osk_… cargo run -p theopenmoney --example check_recipient -- pandus
//! ```

use theopenmoney::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let username = std::env::args().nth(1).unwrap_or_else(|| "pandus".into());
    let client = Client::from_env()?;
    let check = client.check_stars_recipient(&username).await?;
    match (check.can_receive, check.reason) {
        (true, _) => println!("{} can receive Stars", check.username),
        (false, reason) => println!(
            "{} cannot receive Stars: {}",
            check.username,
            reason.as_deref().unwrap_or("no reason given")
        ),
    }
    Ok(())
}
