//! Partners are isolated: another partner's order is `404`, never its data.

use serde_json::json;

use crate::support::{ALPHA, Api, BETA, stars};

#[tokio::test]
async fn another_partners_order_is_404_everywhere() {
    let api = Api::start().await;
    let order = api.create_stars(ALPHA, &stars(100, "mine"), None).await;
    let id = order["id"].as_i64().unwrap();
    let memo = order["payment_memo"].as_str().unwrap();

    let get = api.get(BETA, &format!("/api/v1/orders/{id}")).await;
    assert_eq!(
        get.expect_error(404, "NOT_FOUND"),
        format!("order {id} not found")
    );
    assert!(!get.text.contains(memo));
    api.get(BETA, &format!("/api/v1/orders/by-memo/{memo}"))
        .await
        .expect_error(404, "NOT_FOUND");
    api.post_empty(Some(BETA), &format!("/api/v1/orders/{id}/cancel"), None)
        .await
        .expect_error(404, "NOT_FOUND");
    let by_reference = api.get(BETA, "/api/v1/orders/by-reference/mine").await;
    assert_eq!(by_reference.data(), &json!([]));
    let list = api.get(BETA, "/api/v1/orders").await;
    assert_eq!(list.data()["total"], 0);
    let stats = api.get(BETA, "/api/v1/orders/stats/summary").await;
    assert_eq!(stats.data()["total_orders"], 0);

    // The owner still sees it, untouched.
    let own = api.get(ALPHA, &format!("/api/v1/orders/{id}")).await;
    assert_eq!(own.data(), &order);
    let own = api
        .get(ALPHA, &format!("/api/v1/orders/by-memo/{memo}"))
        .await;
    assert_eq!(own.data(), &order);
}

#[tokio::test]
async fn each_partner_has_its_own_balance_and_top_up_address() {
    let api = Api::start().await;
    let alpha = api.get(ALPHA, "/api/v1/balance").await;
    let beta = api.get(BETA, "/api/v1/balance").await;
    assert_eq!(alpha.data()["balance_ton"].to_string(), "1000000");
    assert_eq!(beta.data()["balance_ton"].to_string(), "10");
    let address = |reply: &crate::support::Reply| reply.data()["top_up_address"].clone();
    assert_ne!(address(&alpha), address(&beta));
    assert_eq!(address(&alpha).as_str().unwrap().len(), 48);

    let partners = api
        .send(api.client.get(api.url("/_sandbox/partners")))
        .await;
    assert!(
        !partners.text.contains("osk_"),
        "keys leak: {}",
        partners.text
    );
    let names: Vec<_> = partners
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["alpha", "beta", "throttled"]);
}

#[tokio::test]
async fn the_handle_exposes_the_default_partners() {
    let api = Api::start().await;
    let keys: Vec<_> = api
        .sandbox
        .partners()
        .iter()
        .map(|p| (p.name.as_str(), p.key.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("alpha", "osk_sandbox_alpha"),
            ("beta", "osk_sandbox_beta"),
            ("throttled", "osk_sandbox_throttled")
        ]
    );
    assert_eq!(api.sandbox.key("beta"), Some(BETA));
    assert!(api.sandbox.base_url().starts_with("http://127.0.0.1:"));
    assert!(!api.sandbox.base_url().ends_with("/api/v1"));
}
