//! Live mode: the server side, against `CONTRACT_BASE_URL` through the recording proxy. Every
//! order a clause creates carries a `client_reference` unique to the run and is cancelled at
//! the end of the run.

mod aggregates;
mod envelope;
mod error_codes;
mod expect;
mod filters;
mod idempotency;
mod invariants;
mod listing;
mod paging;
mod properties;
mod replay_header;
mod requests;
mod state_machine;

use super::clause_test::{ClauseTest, Needs, Runner};

pub(crate) fn tests() -> Vec<ClauseTest> {
    let t = |name, run, needs| ClauseTest {
        name,
        runner: Runner::Live(run),
        needs,
    };
    let n = Needs::Nothing;
    vec![
        t(
            "envelope::every_operation_and_status",
            envelope::every_operation_and_status,
            n,
        ),
        t(
            "error_codes::unauthorized_401",
            error_codes::unauthorized_401,
            n,
        ),
        t("error_codes::not_found_404", error_codes::not_found_404, n),
        t(
            "error_codes::other_partners_order_404",
            error_codes::other_partners_order_404,
            Needs::SecondKey,
        ),
        t("error_codes::conflict_409", error_codes::conflict_409, n),
        t(
            "error_codes::validation_422",
            error_codes::validation_422,
            n,
        ),
        t(
            "error_codes::rate_limited_429",
            error_codes::rate_limited_429,
            Needs::RateLimitKey,
        ),
        t(
            "idempotency::replay_same_key_same_order",
            idempotency::replay_same_key_same_order,
            n,
        ),
        t(
            "idempotency::different_keys_different_orders",
            idempotency::different_keys_different_orders,
            n,
        ),
        t(
            "idempotency::same_key_different_body_422",
            idempotency::same_key_different_body_422,
            n,
        ),
        t(
            "idempotency::concurrent_same_key_one_order",
            idempotency::concurrent_same_key_one_order,
            n,
        ),
        t(
            "properties::valid_orders_round_trip",
            properties::valid_orders_round_trip,
            n,
        ),
        t(
            "properties::invalid_inputs_rejected",
            properties::invalid_inputs_rejected,
            n,
        ),
        t(
            "paging::pages_partition_every_list",
            paging::pages_partition_every_list,
            n,
        ),
        t(
            "filters::every_filter_is_honoured",
            filters::every_filter_is_honoured,
            n,
        ),
        t(
            "aggregates::aggregates_agree_with_their_list",
            aggregates::aggregates_agree_with_their_list,
            n,
        ),
        t(
            "headers::idempotent_replayed_only_on_a_replay",
            replay_header::replayed_only_on_a_replay,
            n,
        ),
        t(
            "invariants::orders_read_back_as_created",
            invariants::orders_read_back_as_created,
            n,
        ),
        t(
            "state_machine::orders_and_idempotency",
            state_machine::orders_and_idempotency,
            n,
        ),
    ]
}
