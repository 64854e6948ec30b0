//! The API key never appears in `Debug`, `Display`, errors, tracing output or URLs.

use crate::support::log_capture::process_wide;
use crate::support::scripted_server::{ScriptedServer, Step};
use crate::support::{API_KEY, client, envelope, order_json};
use theopenmoney::{Client, NewStarsOrder};

#[tokio::test]
async fn the_key_is_sent_but_never_printed() {
    // Process-wide, so the capture also sees every other test's calls.
    let captured = process_wide();

    let server = ScriptedServer::start(vec![
        Step::error(500, "INTERNAL_ERROR"),
        Step::ok(&envelope(&order_json("pending_payment", "0.418"))),
        Step::error(401, "UNAUTHORIZED"),
        Step::Drop,
        Step::Drop,
        Step::Drop,
        Step::Drop,
    ])
    .await;
    let client = client(&server.base_url);
    let created = client
        .create_stars_order(NewStarsOrder::new("pandus", 100).unwrap())
        .await
        .unwrap();
    let unauthorized = client.get_balance().await.unwrap_err();
    let dropped = client.get_order(1).await.unwrap_err();

    // It was sent, as a bearer header, on every request, and never in the URL.
    for request in server.requests() {
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {API_KEY}").as_str())
        );
        assert!(!request.path.contains(API_KEY));
    }

    let mut outputs = vec![
        format!("{client:?}"),
        format!("{created:?}"),
        format!("{unauthorized}"),
        format!("{unauthorized:?}"),
        format!("{dropped}"),
        format!("{dropped:?}"),
        format!("{:?}", std::error::Error::source(&dropped)),
        format!("{:?}", Client::builder(API_KEY)),
        format!("{:?}", client.generated()),
    ];
    let traces = captured.text();
    outputs.push(traces.clone());
    for (i, output) in outputs.iter().enumerate() {
        assert!(
            !output.contains("s3cr3t"),
            "output #{i} leaks the key: {output}"
        );
    }

    // The trace does carry what an operator needs.
    assert!(
        traces.contains("operation=\"create_stars_order\""),
        "{traces}"
    );
    assert!(
        traces.contains(&format!("idempotency_key=\"{}\"", created.idempotency_key)),
        "{traces}"
    );
    assert!(traces.contains("attempt=2"), "{traces}");
    assert!(traces.contains("status=500"), "{traces}");
}
