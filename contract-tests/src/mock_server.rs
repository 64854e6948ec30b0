//! Mock mode's server: httpmock behind the run's recording proxy, programmed through the
//! typed helpers generated from the spec (`theopenmoney-mock`), so a mock can only answer with
//! the statuses and body types the spec documents for its operation.

use std::sync::Arc;
use std::time::Duration;

use httpmock::{Mock, MockServer};
use serde::de::DeserializeOwned;
use serde_json::Value;
use theopenmoney::types::{
    Balance, ErrorEnvelope, FeeSchedule, HealthStatus, Order, OrderPage, OrderStats,
    PremiumEstimate, RecipientCheck, StarsEstimate, TonRate, TransactionPage,
};
use theopenmoney::{Envelope, RetryPolicy};
use theopenmoney_mock::MockServerExt;

use crate::intercept::{Interceptor, Passthrough};
use crate::proxy::{Exchange, RecordingProxy};
use crate::run::RunState;
use crate::runtime::block_on;

/// The key mock-mode clients send.
pub(crate) const MOCK_API_KEY: &str = "osk_contract_mock_key";

/// What a mock answers.
#[derive(Debug, Clone)]
pub(crate) enum Answer {
    /// `200` with this success envelope.
    Ok(Value),
    /// This status with this error envelope, and `Retry-After` when given.
    Error {
        status: u16,
        body: Value,
        /// `Retry-After` in seconds.
        retry_after: Option<u64>,
    },
}

/// httpmock behind a recording proxy.
pub(crate) struct MockRig {
    pub server: MockServer,
    proxy: RecordingProxy,
}

impl std::fmt::Debug for MockRig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockRig")
            .field("server", &self.server.base_url())
            .field("proxy", &self.proxy)
            .finish()
    }
}

impl MockRig {
    /// A rig that passes everything through.
    pub(crate) fn start(run: &Arc<RunState>) -> Self {
        Self::start_with(run, Arc::new(Passthrough))
    }

    /// A rig whose proxy applies `interceptor`.
    pub(crate) fn start_with(run: &Arc<RunState>, interceptor: Arc<dyn Interceptor>) -> Self {
        let server = MockServer::start();
        let proxy = block_on(RecordingProxy::start(
            &server.base_url(),
            run.clone(),
            interceptor,
        ))
        .expect("a loopback proxy starts");
        Self { server, proxy }
    }

    /// A client that does not retry.
    pub(crate) fn client(&self) -> theopenmoney::Client {
        self.client_with(RetryPolicy::no_retries(), Duration::from_secs(5))
    }

    /// A client with this retry policy and per-attempt timeout.
    pub(crate) fn client_with(
        &self,
        retry: RetryPolicy,
        timeout: Duration,
    ) -> theopenmoney::Client {
        crate::sdk_client::client(&self.proxy.base_url(), MOCK_API_KEY, retry, timeout)
    }

    /// Every exchange through the proxy so far.
    pub(crate) fn exchanges(&self) -> Vec<Exchange> {
        self.proxy.exchanges()
    }

    /// Programs `operation` to give `answer` to any request on its path.
    pub(crate) fn answer(&self, operation: &str, answer: Answer) -> Mock<'_> {
        mock(&self.server, operation, answer)
    }
}

fn typed<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a fixture decodes into the generated type")
}

macro_rules! respond {
    ($then:expr, $answer:expr, $data:ty, [$($status:literal => $helper:ident),*]) => {{
        let then = $then;
        match $answer {
            Answer::Ok(body) => {
                then.ok(&typed::<Envelope<$data>>(body));
            }
            Answer::Error { status, body, retry_after } => {
                let envelope: ErrorEnvelope = typed(body);
                let then = match status {
                    $( $status => then.$helper(&envelope), )*
                    s if s >= 500 => then.server_error(s, &envelope),
                    other => panic!("status {other} is not documented for this operation"),
                };
                if let Some(seconds) = retry_after {
                    then.into_inner().header("retry-after", seconds.to_string());
                }
            }
        }
    }};
}

/// Programs `operation` on `server` through its generated typed helper.
pub(crate) fn mock<'a>(server: &'a MockServer, operation: &str, answer: Answer) -> Mock<'a> {
    match operation {
        "create_stars_order" => server.create_stars_order(|_, t| {
            respond!(t, answer, Order, [401 => unauthorized, 409 => conflict, 422 => unprocessable_entity, 429 => too_many_requests])
        }),
        "create_premium_order" => server.create_premium_order(|_, t| {
            respond!(t, answer, Order, [401 => unauthorized, 409 => conflict, 422 => unprocessable_entity, 429 => too_many_requests])
        }),
        "get_order" => server.get_order(|_, t| {
            respond!(t, answer, Order, [401 => unauthorized, 404 => not_found, 422 => unprocessable_entity, 429 => too_many_requests])
        }),
        "cancel_order" => server.cancel_order(|_, t| {
            respond!(t, answer, Order, [401 => unauthorized, 404 => not_found, 409 => conflict, 422 => unprocessable_entity, 429 => too_many_requests])
        }),
        "list_orders" => server.list_orders(|_, t| {
            respond!(t, answer, OrderPage, [401 => unauthorized, 422 => unprocessable_entity, 429 => too_many_requests])
        }),
        "get_order_by_memo" => server.get_order_by_memo(|_, t| {
            respond!(t, answer, Order, [401 => unauthorized, 404 => not_found, 422 => unprocessable_entity, 429 => too_many_requests])
        }),
        "list_orders_by_reference" => server.list_orders_by_reference(|_, t| {
            respond!(t, answer, Vec<Order>, [401 => unauthorized, 422 => unprocessable_entity, 429 => too_many_requests])
        }),
        "get_order_stats" => server.get_order_stats(|_, t| {
            respond!(t, answer, OrderStats, [401 => unauthorized, 429 => too_many_requests])
        }),
        "get_ton_rate" => server.get_ton_rate(|_, t| {
            respond!(t, answer, TonRate, [401 => unauthorized, 429 => too_many_requests])
        }),
        "get_fee_schedule" => server.get_fee_schedule(|_, t| {
            respond!(t, answer, FeeSchedule, [401 => unauthorized, 429 => too_many_requests])
        }),
        "estimate_stars_price" => server.estimate_stars_price(|_, t| {
            respond!(t, answer, StarsEstimate, [401 => unauthorized, 422 => unprocessable_entity, 429 => too_many_requests])
        }),
        "estimate_premium_price" => server.estimate_premium_price(|_, t| {
            respond!(t, answer, PremiumEstimate, [401 => unauthorized, 422 => unprocessable_entity, 429 => too_many_requests])
        }),
        "check_stars_recipient" => server.check_stars_recipient(|_, t| {
            respond!(t, answer, RecipientCheck, [401 => unauthorized, 422 => unprocessable_entity, 429 => too_many_requests])
        }),
        "check_premium_recipient" => server.check_premium_recipient(|_, t| {
            respond!(t, answer, RecipientCheck, [401 => unauthorized, 422 => unprocessable_entity, 429 => too_many_requests])
        }),
        "get_balance" => server.get_balance(|_, t| {
            respond!(t, answer, Balance, [401 => unauthorized, 429 => too_many_requests])
        }),
        "list_balance_transactions" => server.list_balance_transactions(|_, t| {
            respond!(t, answer, TransactionPage, [401 => unauthorized, 422 => unprocessable_entity, 429 => too_many_requests])
        }),
        "get_health" => server.get_health(|_, t| respond!(t, answer, HealthStatus, [])),
        other => panic!("no typed mock for operation `{other}`"),
    }
}

/// Programs `operation` to answer with a raw body at `status` (for bodies the typed helpers
/// cannot express: additions the spec allows, or breakage).
pub(crate) fn mock_raw<'a>(
    server: &'a MockServer,
    operation: &str,
    status: u16,
    body: &Value,
) -> Mock<'a> {
    let op = crate::spec::spec().operation(operation);
    let pattern = crate::spec::path_pattern(&op.path);
    let method: httpmock::Method = op.method.as_str().parse().expect("a method");
    server.mock(|when, then| {
        when.method(method)
            .path_matches(regex::Regex::new(&pattern).expect("a path regex"));
        then.status(status)
            .header("content-type", "application/json")
            .body(body.to_string());
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::Budget;
    use crate::fixtures;
    use crate::spec::Status;

    /// The statuses each operation's typed mock may answer are written out above, per
    /// operation: checked here against the spec, both ways.
    #[test]
    fn the_mock_answers_exactly_the_statuses_the_spec_documents() {
        let server = MockServer::start();
        let envelope = serde_json::json!({
            "ok": false, "error_code": "INTERNAL_ERROR", "error_message": "m", "data": null
        });
        let answer = |status| Answer::Error {
            status,
            body: envelope.clone(),
            retry_after: None,
        };
        let programs = |id: &str, answer: Answer| {
            let server = &server;
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                mock(server, id, answer).delete();
            }))
            .is_ok()
        };
        let spec = crate::spec::spec();
        assert_eq!(spec.operations.len(), 17);
        for op in &spec.operations {
            let success = fixtures::success(fixtures::success_data(&op.id));
            assert!(programs(&op.id, Answer::Ok(success)), "{}: 200", op.id);
            // Every status the spec uses anywhere, and common ones it does not.
            for status in [
                400, 401, 403, 404, 405, 408, 409, 410, 415, 422, 429, 500, 502, 503, 504,
            ] {
                let documented = op.response(Status::documented_for(op, status)).is_some();
                // Every 5XX the spec documents goes through the generic `server_error`.
                let typed = programs(&op.id, answer(status));
                assert_eq!(
                    typed,
                    documented,
                    "{}: status {status} is {}documented, but the typed mock {}",
                    op.id,
                    if documented { "" } else { "not " },
                    if typed { "answers it" } else { "refuses it" }
                );
            }
        }
    }

    #[test]
    fn the_key_the_client_sent_never_reaches_debug() {
        let run = Arc::new(RunState::new(Budget::unlimited()));
        let rig = MockRig::start(&run);
        let _balance = rig.answer(
            "get_balance",
            Answer::Ok(fixtures::success(fixtures::success_data("get_balance"))),
        );
        block_on(rig.client().get_balance()).expect("the mock answers");
        let exchanges = rig.exchanges();
        assert_eq!(
            exchanges[0].request.header("authorization"),
            Some(format!("Bearer {MOCK_API_KEY}").as_str()),
            "the proxy kept the key it forwarded"
        );
        for shown in [format!("{rig:?}"), format!("{exchanges:?}")] {
            assert!(!shown.contains(MOCK_API_KEY), "{shown}");
        }
    }
}
