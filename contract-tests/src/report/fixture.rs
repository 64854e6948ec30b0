//! A small report with one record of each kind, for the writers' tests.

use bytes::Bytes;
use http::HeaderMap;
use test_proxy::{ProxiedRequest, ProxiedResponse};

use crate::case_log::CaseLog;
use crate::config::{LiveConfig, Secret};
use crate::failure::Clause;
use crate::notes::Note;
use crate::proxy::Exchange;
use crate::report::run_report::{Cleanup, FailureRecord, Outcome, RunReport, TestRecord};
use crate::report::secrets::Secrets;

pub(crate) const KEY: &str = "osk_report_fixture_key";

pub(crate) fn secrets() -> Secrets {
    Secrets::of(&LiveConfig {
        base_url: "http://127.0.0.1:9".parse().unwrap(),
        api_key: Secret::new(KEY),
        api_key_2: None,
        rate_limit_key: None,
        request_budget: 10,
        proptest_cases: 1,
    })
}

pub(crate) fn exchange() -> Exchange {
    let mut headers = HeaderMap::new();
    headers.insert("authorization", format!("Bearer {KEY}").parse().unwrap());
    headers.insert("host", "127.0.0.1:1".parse().unwrap());
    let mut response = ProxiedResponse::json(
        400,
        &serde_json::json!({"ok": false, "error_code": "BAD", "error_message": "<&\"'>", "data": null}),
    );
    response
        .headers
        .insert("set-cookie", "session=s3cr3t".parse().unwrap());
    Exchange {
        operation: Some("get_order".to_owned()),
        request: ProxiedRequest {
            method: http::Method::GET,
            path_and_query: "/api/v1/orders/9".to_owned(),
            headers,
            body: Bytes::new(),
        },
        response: Some(response),
    }
}

pub(crate) fn report() -> RunReport {
    let failure = Clause("error-codes/404").fail(
        "get_order",
        format!("expected 404 NOT_FOUND, saw 400 <&\"'> \u{1b} {KEY}"),
    );
    let record = |name: &str, outcome| TestRecord {
        name: name.to_owned(),
        outcome,
        seconds: 0.25,
    };
    RunReport {
        mode: "live",
        seed: 42,
        clauses: vec![
            record("envelope::every_operation_and_status", Outcome::Passed),
            record(
                "error_codes::not_found_404",
                Outcome::Failed(FailureRecord::clause(&failure, &[exchange()])),
            ),
            record(
                "error_codes::rate_limited_429",
                Outcome::Ignored("opt-in: needs CONTRACT_RATE_LIMIT_API_KEY".to_owned()),
            ),
        ],
        checks: vec![record("run::cleanup", Outcome::Passed)],
        requests_sent: 7,
        budget: Some(10),
        refused: 0,
        wall_seconds: 1.5,
        cleanup: Some(Cleanup {
            cancelled: 2,
            already_final: 1,
            failed: 0,
        }),
        coverage: None,
        notes: vec![Note {
            clause: "error-codes/422".to_owned(),
            operation: "list_orders".to_owned(),
            what: "a 422 for `limit` has a message that does not name it".to_owned(),
            times: 3,
            example: "Anfrage | abgelehnt.".to_owned(),
        }],
        cases: vec![CaseLog {
            property: "properties::invalid_inputs_rejected [live]".to_owned(),
            inputs: 6,
            digest: 0xabc,
        }],
    }
}
