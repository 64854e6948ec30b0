//! A partner binary with the sdk: one call.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = theopenmoney::Client::from_env()?;
    println!("{:?}", client.get_health().await?);
    Ok(())
}
