//! Properties, server side (proptest, inputs derived from the spec, few cases unless
//! `PROPTEST_CASES` says otherwise, from the run's seed): valid orders are accepted and read
//! back as sent; invalid inputs are rejected with a 422 `VALIDATION_ERROR` (a message that does
//! not name the field is a note).

use proptest::prelude::*;
use theopenmoney::{NewPremiumOrder, NewStarsOrder, PremiumMonths};

use super::error_codes::rejected_as_invalid;
use super::requests::encode;
use crate::failure::{Clause, ClauseResult};
use crate::live::{Live, Raw};
use crate::property::check;
use crate::runtime::block_on;
use crate::strategies::{
    Invalid, invalid_input, valid_months, valid_quantity, valid_reference_after, valid_username,
};

const VALID: Clause = Clause("properties/valid-round-trip");
const INVALID: Clause = Clause("properties/invalid-rejected");

pub(crate) fn valid_orders_round_trip(live: &Live) -> ClauseResult {
    let client = live.primary();
    // Every reference starts with the run's tag, so the run's orders stay its own.
    let strategy = (
        valid_username(),
        prop_oneof![valid_quantity().prop_map(Ok), valid_months().prop_map(Err)],
        valid_reference_after(live.run.reference("prop-")),
    );
    check(
        &live.run,
        "properties::valid_orders_round_trip [live]",
        live.config.proptest_cases,
        strategy,
        |(username, amount, reference)| {
            let operation = match amount {
                Ok(_) => "create_stars_order",
                Err(_) => "create_premium_order",
            };
            let created = block_on(async {
                match amount {
                    Ok(quantity) => {
                        let order = NewStarsOrder::new(&username, quantity)?
                            .client_reference(&reference)?;
                        Ok(client.create_stars_order(order).await?.value)
                    }
                    Err(months) => {
                        let order =
                            NewPremiumOrder::new(&username, PremiumMonths::try_from(months)?)?
                                .client_reference(&reference)?;
                        Ok(client.create_premium_order(order).await?.value)
                    }
                }
            })
            .map_err(|e: theopenmoney::Error| {
                VALID.fail(
                    operation,
                    format!("{username:?} {amount:?} {reference:?} was not accepted: {e}"),
                )
            })?;
            let echoed = created.recipient_username == username.trim_start_matches('@')
                && created.client_reference.as_deref() == Some(reference.as_str())
                && created.status == theopenmoney::OrderStatus::PendingPayment
                && match amount {
                    Ok(q) => {
                        created.stars_amount == i32::try_from(q).ok()
                            && created.order_type == theopenmoney::OrderType::Stars
                    }
                    Err(m) => {
                        created.premium_months == i32::try_from(m).ok()
                            && created.order_type == theopenmoney::OrderType::Premium
                    }
                };
            VALID.ensure(echoed, operation, || {
                format!("{username:?} {amount:?} {reference:?} came back as {created:?}")
            })?;
            let read = block_on(client.get_order(created.id))
                .map_err(|e| VALID.fail("get_order", e.to_string()))?;
            VALID.ensure(read == created, "get_order", || {
                format!("read back {read:?}, created {created:?}")
            })
        },
    )
}

pub(crate) fn invalid_inputs_rejected(live: &Live) -> ClauseResult {
    check(
        &live.run,
        "properties::invalid_inputs_rejected [live]",
        live.config.proptest_cases,
        invalid_input(false),
        |input| {
            let (operation, path) = match &input {
                Invalid::Quantity(q) => (
                    "estimate_stars_price",
                    format!("/api/v1/pricing/estimate/stars?quantity={q}"),
                ),
                Invalid::Months(m) => (
                    "estimate_premium_price",
                    format!("/api/v1/pricing/estimate/premium?months={m}"),
                ),
                Invalid::Username(u) => (
                    "check_stars_recipient",
                    format!("/api/v1/recipients/stars?username={}", encode(u)),
                ),
                Invalid::Limit(l) => ("list_orders", format!("/api/v1/orders?limit={l}")),
                Invalid::Offset(o) => ("list_orders", format!("/api/v1/orders?offset={o}")),
            };
            let response = block_on(live.send(Raw::get(path)));
            rejected_as_invalid(live, INVALID, operation, &response, input.field()).map_err(
                |mut f| {
                    f.seen = format!("{input:?}: {}", f.seen);
                    f
                },
            )
        },
    )
}
