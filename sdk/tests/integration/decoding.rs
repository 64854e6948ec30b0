//! What the sdk accepts from the server: values added after this release, exact money, pages.

use crate::support::scripted_server::{ScriptedServer, Step};
use crate::support::{client, envelope, order_json};
use futures_util::TryStreamExt;
use theopenmoney::{
    ErrorCode, OrderQuery, OrderStatus, PageRequest, PaymentMethod, TonAmount, TransactionKind,
};

#[tokio::test]
async fn unknown_enum_values_and_extra_fields_decode() {
    let order = order_json("refunded", "0.418")
        .replace(r#""order_type":"stars""#, r#""order_type":"gift_card""#)
        .replace(
            r#""created_at""#,
            r#""payment_method":"card","loyalty":{"tier":"gold"},"created_at""#,
        );
    let server = ScriptedServer::start(vec![Step::ok(&envelope(&order))]).await;
    let order = client(&server.base_url).get_order(10421).await.unwrap();
    assert_eq!(order.status, OrderStatus::Unknown("refunded".into()));
    assert_eq!(order.order_type.as_str(), "gift_card");
    assert_eq!(
        order.payment_method,
        Some(PaymentMethod::Unknown("card".into()))
    );
}

#[tokio::test]
async fn unknown_transaction_kinds_decode() {
    let page = r#"{"items":[{"id":1,"kind":"cashback","amount_ton":0.5,"created_at":"2026-04-16T12:00:00Z"}],"total":1,"limit":20,"offset":0}"#;
    let server = ScriptedServer::start(vec![Step::ok(&envelope(page))]).await;
    let page = client(&server.base_url)
        .list_balance_transactions(PageRequest::default())
        .await
        .unwrap();
    assert_eq!(
        page.items[0].kind,
        TransactionKind::Unknown("cashback".into())
    );
}

#[tokio::test]
async fn unknown_error_codes_are_data_not_decode_failures() {
    let server = ScriptedServer::start(vec![Step::error(422, "KYC_REQUIRED")]).await;
    let err = client(&server.base_url).get_order(1).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::Unknown("KYC_REQUIRED".into())));
    assert_eq!(err.api_error().unwrap().message, "KYC_REQUIRED happened");
}

#[tokio::test]
async fn money_decodes_digit_for_digit_and_sums_exactly() {
    let server = ScriptedServer::start(vec![
        Step::ok(&envelope(&order_json("pending_payment", "0.418"))),
        Step::ok(&envelope(&order_json(
            "pending_payment",
            "98765432.123456789",
        ))),
        Step::ok(&envelope(&order_json("pending_payment", "0.000000001"))),
    ])
    .await;
    let client = client(&server.base_url);
    let mut prices = Vec::new();
    for _ in 0..3 {
        prices.push(client.get_order(10421).await.unwrap().price_ton);
    }
    let wire: Vec<String> = prices.iter().map(TonAmount::to_string).collect();
    assert_eq!(wire, ["0.418", "98765432.123456789", "0.000000001"]);
    let total: TonAmount = prices.into_iter().sum();
    assert_eq!(total.to_string(), "98765432.541456790");
    // Encoded back, the same digits go out.
    let order: theopenmoney::types::Order =
        serde_json::from_str(&order_json("paid", "0.418")).unwrap();
    assert!(
        serde_json::to_string(&order)
            .unwrap()
            .contains(r#""price_ton":0.418"#)
    );
}

#[tokio::test]
async fn the_order_stream_walks_every_page_lazily() {
    let page = |ids: &[u64], total: usize, offset: usize| {
        let items: Vec<String> = ids
            .iter()
            .map(|id| order_json("paid", "1").replace("10421", &id.to_string()))
            .collect();
        envelope(&format!(
            r#"{{"items":[{}],"total":{total},"limit":2,"offset":{offset}}}"#,
            items.join(",")
        ))
    };
    let server = ScriptedServer::start(vec![
        Step::ok(&page(&[5, 4], 5, 0)),
        Step::ok(&page(&[3, 2], 5, 2)),
        Step::ok(&page(&[1], 5, 4)),
    ])
    .await;
    let query = OrderQuery::default()
        .status(OrderStatus::Paid)
        .page(PageRequest::default().limit(2));
    let stream = client(&server.base_url).orders(query);
    assert!(
        server.requests().is_empty(),
        "nothing is fetched before the stream is polled"
    );
    let ids: Vec<u64> = stream.map_ok(|o| o.id.0).try_collect().await.unwrap();
    assert_eq!(ids, [5, 4, 3, 2, 1]);
    let paths: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths.len(), 3, "stops at total: {paths:?}");
    assert!(
        paths[1].contains("offset=2")
            && paths[1].contains("limit=2")
            && paths[1].contains("status=paid")
    );
}
