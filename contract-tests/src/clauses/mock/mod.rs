//! Mock mode: the client side. The sdk must send exactly what the spec says and decode every
//! documented shape, and what a server may add.

mod envelope;
mod error_codes;
mod idempotency;
mod properties;
mod snapshots;

use super::clause_test::{ClauseTest, Needs, Runner};

pub(crate) fn tests() -> Vec<ClauseTest> {
    let t = |name, run| ClauseTest {
        name,
        runner: Runner::Mock(run),
        needs: Needs::Nothing,
    };
    vec![
        t(
            "envelope::every_operation_and_status",
            envelope::every_operation_and_status,
        ),
        t(
            "envelope::additions_are_accepted",
            envelope::additions_are_accepted,
        ),
        t(
            "envelope::schema_rejects_what_the_sdk_tolerates",
            envelope::schema_rejects_what_the_sdk_tolerates,
        ),
        t(
            "error_codes::unauthorized_401",
            error_codes::unauthorized_401,
        ),
        t("error_codes::not_found_404", error_codes::not_found_404),
        t("error_codes::conflict_409", error_codes::conflict_409),
        t("error_codes::validation_422", error_codes::validation_422),
        t(
            "error_codes::rate_limited_429",
            error_codes::rate_limited_429,
        ),
        t(
            "error_codes::server_error_5xx",
            error_codes::server_error_5xx,
        ),
        t(
            "idempotency::retries_carry_the_same_key",
            idempotency::retries_carry_the_same_key,
        ),
        t(
            "properties::valid_orders_round_trip",
            properties::valid_orders_round_trip,
        ),
        t(
            "properties::invalid_inputs_rejected",
            properties::invalid_inputs_rejected,
        ),
        t("snapshots::every_operation", snapshots::every_operation),
    ]
}
