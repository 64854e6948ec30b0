//! A partner binary without the sdk: one typed GET with reqwest.

#[derive(Debug, serde::Deserialize)]
struct Envelope {
    ok: bool,
    data: serde_json::Value,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:8080/api/v1/health".into());
    let envelope: Envelope = reqwest::get(url).await?.json().await?;
    println!("{} {}", envelope.ok, envelope.data);
    Ok(())
}
