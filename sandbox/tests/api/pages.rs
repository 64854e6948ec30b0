//! The browser pages over plain HTTP: `/docs` and `/openapi.yaml`, the console and its forms,
//! `POST /_sandbox/orders/{id}/expire`, the refusal of cross-site and DNS-rebound requests, the
//! Content-Security-Policy, and `--no-control-api` turning the console off with the control
//! surface. (`tests/browser/` drives the same pages in Chromium.)

use reqwest::header::HeaderMap;
use serde_json::json;
use theopenmoney_sandbox::Sandbox;

use crate::support::{ALPHA, Api, key, stars};

/// A page or file: its status, headers and text (with the `/` that HTML escaping writes as
/// `&#x2f;` read back, so a test can look for paths).
async fn fetch(request: reqwest::RequestBuilder) -> (u16, HeaderMap, String) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap().replace("&#x2f;", "/");
    (status, headers, text)
}

/// `request` with an HTML form's body.
fn with_form(request: reqwest::RequestBuilder, fields: &[(&str, &str)]) -> reqwest::RequestBuilder {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    request
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .map(|value| value.to_str().unwrap())
        .unwrap_or_default()
}

#[tokio::test]
async fn docs_serve_swagger_ui_and_the_spec_pointing_at_this_sandbox() {
    let api = Api::start().await;
    let (status, headers, html) = fetch(api.client.get(api.url("/docs"))).await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-type"), "text/html; charset=utf-8");
    let csp = header(&headers, "content-security-policy");
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'self';"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe"), "{csp}");
    assert!(html.contains(r#"src="/_assets/swagger-ui/swagger-ui-bundle.js""#));
    assert!(!html.contains("<script>"), "no inline script");
    // The sandbox's own test keys, and nothing that looks like another key.
    assert!(html.contains("osk_sandbox_alpha") && html.contains("osk_sandbox_beta"));

    let (status, headers, spec) = fetch(api.client.get(api.url("/openapi.yaml"))).await;
    assert_eq!(status, 200);
    assert!(header(&headers, "content-type").starts_with("application/yaml"));
    let server = format!("servers:\n  - url: {}\n", api.sandbox.base_url());
    assert!(spec.contains(&server), "{}", &spec[..spec.len().min(1200)]);
    assert!(!spec.contains("https://api.theopenmoney.info\n    description: Production"));
    assert!(spec.contains("operationId: get_health"));

    // The renderer's files come from the binary, byte for byte as vendored.
    let (status, headers, bundle) = fetch(
        api.client
            .get(api.url("/_assets/swagger-ui/swagger-ui-bundle.js")),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        header(&headers, "content-type"),
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        bundle,
        include_str!("../../assets/swagger-ui/swagger-ui-bundle.js")
    );
    let missing = api
        .send(api.client.get(api.url("/_assets/../Cargo.toml")))
        .await;
    missing.expect_error(404, "NOT_FOUND");
}

#[tokio::test]
async fn the_console_lists_orders_newest_first_with_filters_and_the_request_feed() {
    let api = Api::start().await;
    let idempotency_key = key();
    let first = api
        .create_stars(ALPHA, &stars(100, "inv-1"), Some(&idempotency_key))
        .await;
    let replay = api
        .post(
            ALPHA,
            "/api/v1/orders/stars",
            &stars(100, "inv-1"),
            Some(&idempotency_key),
        )
        .await;
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    let second = api.create_stars(ALPHA, &stars(200, "inv-2"), None).await;

    let (status, headers, html) = fetch(api.client.get(api.url("/_sandbox/"))).await;
    assert_eq!(status, 200);
    assert!(header(&headers, "content-security-policy").contains("form-action 'self'"));
    let (first_at, second_at) = (
        html.find(&format!("id=\"order-{}\"", first["id"])).unwrap(),
        html.find(&format!("id=\"order-{}\"", second["id"]))
            .unwrap(),
    );
    assert!(second_at < first_at, "newest first");
    assert!(html.contains(&format!(
        "ton://transfer/{}?amount=",
        first["payment_address"].as_str().unwrap()
    )));
    for verb in ["pay", "complete", "fail", "expire"] {
        assert!(
            html.contains(&format!("value=\"{verb}\"")),
            "a {verb} button"
        );
    }
    // The feed: two creates with the key, the second a replay; never the bearer key.
    assert_eq!(html.matches(&idempotency_key).count(), 2, "{html}");
    assert_eq!(html.matches("<tr class=\"replayed\">").count(), 1);
    assert!(!html.contains("osk_sandbox"), "the console renders no key");

    let (_, _, filtered) = fetch(
        api.client
            .get(api.url("/_sandbox/"))
            .query(&[("client_reference", "inv-2"), ("status", "pending_payment")]),
    )
    .await;
    assert!(filtered.contains(&format!("id=\"order-{}\"", second["id"])));
    assert!(!filtered.contains(&format!("id=\"order-{}\"", first["id"])));
    let (_, _, none) = fetch(
        api.client
            .get(api.url("/_sandbox/"))
            .query(&[("partner", "beta")]),
    )
    .await;
    assert!(none.contains("No orders match these filters"));
}

#[tokio::test]
async fn console_forms_pay_top_up_and_set_the_delay_then_go_back() {
    let api = Api::start().await;
    let order = api.create_stars(ALPHA, &stars(100, "form"), None).await;
    let id = &order["id"];
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = |path: &str, fields: &[(&str, &str)]| {
        with_form(
            no_redirects
                .post(api.url(path))
                .header("sec-fetch-site", "same-origin"),
            fields,
        )
    };
    let back = "/_sandbox/?status=paid";
    let (status, headers, _) = fetch(form(
        &format!("/_sandbox/console/orders/{id}"),
        &[("action", "pay"), ("back", back)],
    ))
    .await;
    assert_eq!(status, 303);
    assert_eq!(header(&headers, "location"), back);
    let orders = api.all_orders(Some("form")).await;
    assert_eq!(orders[0]["order"]["status"], "paid");

    // Paying twice is the control surface's 409, as a page.
    let (status, _, page) = fetch(form(
        &format!("/_sandbox/console/orders/{id}"),
        &[("action", "pay")],
    ))
    .await;
    assert_eq!(status, 409);
    assert!(page.contains("role=\"alert\""), "{page}");

    let (status, headers, _) = fetch(form(
        "/_sandbox/console/top-up",
        &[
            ("partner", "beta"),
            ("amount_ton", "2.5"),
            ("back", "https://elsewhere.example/"),
        ],
    ))
    .await;
    assert_eq!(status, 303);
    assert_eq!(header(&headers, "location"), "/_sandbox/", "never off-site");
    // A control character cannot go into `Location`: back to the console, not a 500.
    for control in ["\u{1}", "\u{7f}", "\r\nSet-Cookie: x=1", "\t", "\u{85}"] {
        let (status, headers, _) = fetch(form(
            "/_sandbox/console/processing-delay",
            &[
                ("millis", "0"),
                ("back", &format!("/_sandbox/?status=paid{control}")),
            ],
        ))
        .await;
        assert_eq!(status, 303, "{control:?}");
        assert_eq!(header(&headers, "location"), "/_sandbox/", "{control:?}");
    }
    let balance = api.get("osk_sandbox_beta", "/api/v1/balance").await;
    assert_eq!(balance.data()["balance_ton"], json!(12.5));
    let (status, _, _) = fetch(form(
        "/_sandbox/console/top-up",
        &[("partner", "beta"), ("amount_ton", "-1")],
    ))
    .await;
    assert_eq!(status, 422);

    let (status, _, _) = fetch(form(
        "/_sandbox/console/processing-delay",
        &[("millis", "250")],
    ))
    .await;
    assert_eq!(status, 303);
    let (_, _, html) = fetch(api.client.get(api.url("/_sandbox/"))).await;
    assert!(html.contains("value=\"250\""), "the delay is shown");
    api.set_processing_delay(0).await;
}

#[tokio::test]
async fn expire_ends_a_pending_order_now_and_only_a_pending_one() {
    let api = Api::start().await;
    let order = api.create_stars(ALPHA, &stars(100, "exp"), None).await;
    let id = &order["id"];
    let expired = api
        .post_empty(None, &format!("/_sandbox/orders/{id}/expire"), None)
        .await;
    assert_eq!(expired.data()["status"], "expired");
    let seen = api.get(ALPHA, &format!("/api/v1/orders/{id}")).await;
    assert_eq!(seen.data()["status"], "expired");
    assert!(
        seen.data()["expires_at"].as_str().unwrap()
            <= expired.data()["expires_at"].as_str().unwrap()
    );
    api.post_empty(None, &format!("/_sandbox/orders/{id}/expire"), None)
        .await
        .expect_error(409, "INVALID_STATE");
    api.post_empty(ALPHA.into(), &format!("/api/v1/orders/{id}/cancel"), None)
        .await
        .expect_error(409, "ORDER_NOT_CANCELLABLE");
    let paid = api.create_stars(ALPHA, &stars(100, "exp-paid"), None).await;
    api.post_empty(None, &format!("/_sandbox/orders/{}/pay", paid["id"]), None)
        .await;
    api.post_empty(
        None,
        &format!("/_sandbox/orders/{}/expire", paid["id"]),
        None,
    )
    .await
    .expect_error(409, "INVALID_STATE");
    api.post_empty(None, "/_sandbox/orders/999999/expire", None)
        .await
        .expect_error(404, "NOT_FOUND");
}

#[tokio::test]
async fn cross_site_browser_requests_cannot_change_anything() {
    let api = Api::start().await;
    let order = api.create_stars(ALPHA, &stars(100, "csrf"), None).await;
    let pay = format!("/_sandbox/orders/{}/pay", order["id"]);
    let console_pay = format!("/_sandbox/console/orders/{}", order["id"]);
    let cross_site = [
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
        ("origin", "http://evil.example"),
        ("origin", "null"),
    ];
    for (name, value) in cross_site {
        let refused = api
            .send(api.client.post(api.url(&pay)).header(name, value))
            .await;
        assert!(
            refused
                .expect_error(403, "FORBIDDEN")
                .contains("cross-site")
        );
        let refused = api
            .send(with_form(
                api.client.post(api.url(&console_pay)).header(name, value),
                &[("action", "pay")],
            ))
            .await;
        refused.expect_error(403, "FORBIDDEN");
        let refused = api
            .send(
                api.client
                    .put(api.url("/_sandbox/processing-delay"))
                    .header(name, value)
                    .json(&json!({"millis": 1000})),
            )
            .await;
        refused.expect_error(403, "FORBIDDEN");
    }
    // DNS rebinding: a page whose own name resolves to the sandbox is same-origin with itself.
    let rebound = api
        .send(
            api.client
                .post(api.url(&pay))
                .header("host", "evil.example")
                .header("origin", "http://evil.example")
                .header("sec-fetch-site", "same-origin"),
        )
        .await;
    assert!(
        rebound
            .expect_error(403, "FORBIDDEN")
            .contains("IP address or localhost")
    );
    let orders = api.all_orders(Some("csrf")).await;
    assert_eq!(orders[0]["order"]["status"], "pending_payment");

    // The console's own page, and clients that are no browser at all, are let through.
    let own_origin = api.sandbox.base_url().to_owned();
    let paid = api
        .send(
            api.client
                .post(api.url(&pay))
                .header("origin", own_origin)
                .header("sec-fetch-site", "same-origin"),
        )
        .await;
    assert_eq!(paid.data()["status"], "paid");
    let completed = api
        .post_empty(
            None,
            &format!("/_sandbox/orders/{}/complete", order["id"]),
            None,
        )
        .await;
    assert_eq!(completed.data()["status"], "completed");
}

#[tokio::test]
async fn a_rebound_name_cannot_create_or_cancel_orders_with_the_public_keys() {
    let api = Api::start().await;
    let own_origin = api.sandbox.base_url().trim_end_matches('/').to_owned();
    let port = own_origin.rsplit_once(':').unwrap().1.to_owned();
    let rebound_host = format!("evil.example:{port}");
    let rebound_origin = format!("http://{rebound_host}");
    let create = |reference: &str| {
        api.client
            .post(api.url("/api/v1/orders/stars"))
            .bearer_auth(ALPHA)
            .json(&stars(100, reference))
    };

    // A page at evil.example whose name now resolves to 127.0.0.1: same-origin with itself,
    // so its `fetch` carries `Origin` (every POST does) and, on a trustworthy origin,
    // `Sec-Fetch-*`.
    let browser_headers = [
        vec![("origin", rebound_origin.as_str())],
        vec![
            ("origin", rebound_origin.as_str()),
            ("sec-fetch-site", "same-origin"),
            ("sec-fetch-mode", "cors"),
        ],
        vec![("sec-fetch-mode", "cors")],
    ];
    for headers in &browser_headers {
        let mut request = create("rebound")
            .header("host", &rebound_host)
            .header("idempotency-key", key());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let refused = api.send(request).await;
        assert!(
            refused
                .expect_error(403, "FORBIDDEN")
                .contains("IP address or localhost"),
            "{headers:?}"
        );
    }
    assert_eq!(
        api.all_orders(Some("rebound")).await,
        Vec::<serde_json::Value>::new()
    );

    let order = api.create_stars(ALPHA, &stars(100, "victim"), None).await;
    let cancel = format!("/api/v1/orders/{}/cancel", order["id"]);
    let refused = api
        .send(
            api.client
                .post(api.url(&cancel))
                .bearer_auth(ALPHA)
                .header("host", &rebound_host)
                .header("origin", &rebound_origin),
        )
        .await;
    refused.expect_error(403, "FORBIDDEN");
    let seen = api
        .get(ALPHA, &format!("/api/v1/orders/{}", order["id"]))
        .await;
    assert_eq!(seen.data()["status"], "pending_payment");

    // curl may use any name (no browser headers); a browser that addresses the sandbox by its
    // IP address (Swagger UI's "try it" on /docs) goes through.
    let by_curl = api
        .send(create("by-curl").header("host", &rebound_host))
        .await;
    assert_eq!(by_curl.data()["status"], "pending_payment");
    let by_browser = api
        .send(
            create("by-browser")
                .header("origin", &own_origin)
                .header("sec-fetch-site", "same-origin"),
        )
        .await;
    assert_eq!(by_browser.data()["status"], "pending_payment");
    let cancelled = api
        .send(
            api.client
                .post(api.url(&cancel))
                .bearer_auth(ALPHA)
                .header("origin", &own_origin),
        )
        .await;
    assert_eq!(cancelled.data()["status"], "cancelled");
    assert_eq!(api.all_orders(Some("by-curl")).await.len(), 1);
    assert_eq!(api.all_orders(Some("by-browser")).await.len(), 1);
}

#[tokio::test]
async fn no_control_api_turns_the_console_off_and_keeps_the_docs() {
    let api = Api::start_with(Sandbox::builder().control_api(false)).await;
    let (status, _, _) = fetch(api.client.get(api.url("/_sandbox/"))).await;
    assert_eq!(status, 404);
    let (status, _, _) = fetch(with_form(
        api.client.post(api.url("/_sandbox/console/top-up")),
        &[("partner", "alpha"), ("amount_ton", "1")],
    ))
    .await;
    assert_eq!(status, 404);
    let (status, _, html) = fetch(api.client.get(api.url("/docs"))).await;
    assert_eq!(status, 200);
    assert!(
        !html.contains("href=\"/_sandbox/\""),
        "no link to a console that is off"
    );
}
