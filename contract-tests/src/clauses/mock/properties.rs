//! Properties, client side (proptest, inputs derived from the spec, from the run's seed): for
//! any valid input the sdk sends exactly the request the spec describes (the typed mock matches
//! nothing else) and round-trips the answer; any invalid input is rejected, either by the sdk
//! before sending with an input error naming the field, or by surfacing the server's 422
//! `VALIDATION_ERROR` with the value sent unchanged (its message is free text: a note).

use std::num::NonZeroU32;

use proptest::prelude::*;
use serde_json::{Value, json};
use theopenmoney::types::{
    CreatePremiumOrderRequest, CreateStarsOrderRequest, Order, OrderPage, StarsQuantity,
};
use theopenmoney::{
    Envelope, Error, ErrorCode, ErrorKind, IdempotencyKey, NewPremiumOrder, NewStarsOrder,
    OrderQuery, PageRequest, PremiumMonths,
};
use theopenmoney_mock::MockServerExt;

use crate::clauses::MockCtx;
use crate::failure::{Clause, ClauseResult};
use crate::fixtures;
use crate::mock_server::MockRig;
use crate::notes::unnamed_field;
use crate::property::check;
use crate::runtime::block_on;
use crate::strategies::{
    Invalid, invalid_input, valid_months, valid_quantity, valid_reference, valid_username,
};

const VALID: Clause = Clause("properties/valid-round-trip");
const INVALID: Clause = Clause("properties/invalid-rejected");

#[derive(Debug, Clone)]
enum Valid {
    Stars {
        username: String,
        quantity: u32,
        reference: Option<String>,
    },
    Premium {
        username: String,
        months: u32,
        reference: Option<String>,
    },
    Page {
        limit: u32,
        offset: u64,
    },
}

fn valid() -> impl Strategy<Value = Valid> {
    let reference = || proptest::option::of(valid_reference());
    prop_oneof![
        (valid_username(), valid_quantity(), reference()).prop_map(
            |(username, quantity, reference)| Valid::Stars {
                username,
                quantity,
                reference
            }
        ),
        (valid_username(), valid_months(), reference()).prop_map(
            |(username, months, reference)| {
                Valid::Premium {
                    username,
                    months,
                    reference,
                }
            }
        ),
        (1..=100u32, 0..=1_000_000u64).prop_map(|(limit, offset)| Valid::Page { limit, offset }),
    ]
}

/// The body the spec describes for an order, built without the sdk.
fn spec_body(username: &str, amount: (&str, u32), reference: Option<&str>) -> Value {
    let mut body = json!({
        "recipient_username": username,
        amount.0: amount.1,
        "payment_method": "ton_memo",
        "payment_currency": "TON"
    });
    if let Some(reference) = reference {
        body["client_reference"] = json!(reference);
    }
    body
}

fn echo(order_type: &str, username: &str, amount: (&str, u32), reference: Option<&str>) -> Value {
    let mut order = fixtures::order(order_type, "pending_payment");
    order["recipient_username"] = json!(username.trim_start_matches('@'));
    order
        .as_object_mut()
        .expect("an object")
        .remove("stars_amount");
    order
        .as_object_mut()
        .expect("an object")
        .remove("premium_months");
    order[if amount.0 == "quantity" {
        "stars_amount"
    } else {
        "premium_months"
    }] = json!(amount.1);
    match reference {
        Some(r) => order["client_reference"] = json!(r),
        None => {
            order
                .as_object_mut()
                .expect("an object")
                .remove("client_reference");
        }
    }
    order
}

fn typed<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a spec-shaped value decodes")
}

pub(crate) fn valid_orders_round_trip(ctx: &MockCtx) -> ClauseResult {
    let rig = MockRig::start(&ctx.run);
    let client = rig.client();
    check(
        &ctx.run,
        "properties::valid_orders_round_trip [mock]",
        ctx.cases,
        valid(),
        |input| {
            let key = IdempotencyKey::random();
            match &input {
                Valid::Stars {
                    username,
                    quantity,
                    reference,
                } => {
                    let body = spec_body(username, ("quantity", *quantity), reference.as_deref());
                    let reply = echo(
                        "stars",
                        username,
                        ("quantity", *quantity),
                        reference.as_deref(),
                    );
                    let mut mock = rig.server.create_stars_order(|w, t| {
                        w.idempotency_key(&key)
                            .body(&typed::<CreateStarsOrderRequest>(body.clone()));
                        t.ok(&typed::<Envelope<Order>>(fixtures::success(reply.clone())));
                    });
                    let mut order = NewStarsOrder::new(username, *quantity)
                        .map(|o| o.idempotency_key(key.clone()));
                    if let Some(r) = reference {
                        order = order.and_then(|o| o.client_reference(r));
                    }
                    let result = order.map(|o| block_on(client.create_stars_order(o)));
                    mock.delete();
                    round_trip("create_stars_order", &input, result.and_then(|r| r), &reply)
                }
                Valid::Premium {
                    username,
                    months,
                    reference,
                } => {
                    let body = spec_body(username, ("months", *months), reference.as_deref());
                    let reply = echo(
                        "premium",
                        username,
                        ("months", *months),
                        reference.as_deref(),
                    );
                    let mut mock = rig.server.create_premium_order(|w, t| {
                        w.idempotency_key(&key)
                            .body(&typed::<CreatePremiumOrderRequest>(body.clone()));
                        t.ok(&typed::<Envelope<Order>>(fixtures::success(reply.clone())));
                    });
                    let mut order = PremiumMonths::try_from(*months)
                        .and_then(|m| NewPremiumOrder::new(username, m))
                        .map(|o| o.idempotency_key(key.clone()));
                    if let Some(r) = reference {
                        order = order.and_then(|o| o.client_reference(r));
                    }
                    let result = order.map(|o| block_on(client.create_premium_order(o)));
                    mock.delete();
                    round_trip(
                        "create_premium_order",
                        &input,
                        result.and_then(|r| r),
                        &reply,
                    )
                }
                Valid::Page { limit, offset } => {
                    let page =
                        json!({"items": [], "total": offset, "limit": limit, "offset": offset});
                    let mut mock = rig.server.list_orders(|w, t| {
                        w.limit(NonZeroU32::new(*limit).expect("limit >= 1"))
                            .offset(i64::try_from(*offset).expect("a small offset"));
                        t.ok(&typed::<Envelope<OrderPage>>(fixtures::success(
                            page.clone(),
                        )));
                    });
                    let query = OrderQuery::default()
                        .page(PageRequest::default().limit(*limit).offset(*offset));
                    let result = block_on(client.list_orders(&query));
                    mock.delete();
                    let got = result.map(|p| serde_json::to_value(p).expect("a page serializes"));
                    VALID.ensure(got.as_ref().ok() == Some(&page), "list_orders", || {
                    format!("{input:?}: the sdk's request did not match the spec's, or the page did not round-trip: {got:?}")
                })
                }
            }
        },
    )
}

fn round_trip(
    operation: &str,
    input: &Valid,
    result: Result<theopenmoney::Idempotent<Order>, Error>,
    reply: &Value,
) -> ClauseResult {
    let got = result.map(|o| serde_json::to_value(o.value).expect("an order serializes"));
    VALID.ensure(got.as_ref().ok() == Some(reply), operation, || {
        format!("{input:?}: the sdk's request did not match the spec's, or the order did not round-trip: {got:?}")
    })
}

/// Whether `err` rejects the input: the sdk's own input error for `field` with nothing sent,
/// or the server's 422 `VALIDATION_ERROR` (whose message, free text, is only noted).
fn rejected(ctx: &MockCtx, operation: &str, err: &Error, field: &str, sent: usize) -> bool {
    match (err.api_error(), err.kind()) {
        (Some(api), _) => {
            unnamed_field(&ctx.run.notes, INVALID, operation, field, &api.message);
            api.status.as_u16() == 422 && api.code == ErrorCode::ValidationError
        }
        (None, ErrorKind::InvalidInput { field: named, .. }) => sent == 0 && named.contains(field),
        (None, _) => false,
    }
}

pub(crate) fn invalid_inputs_rejected(ctx: &MockCtx) -> ClauseResult {
    let rig = MockRig::start(&ctx.run);
    let client = rig.client();
    check(
        &ctx.run,
        "properties::invalid_inputs_rejected [mock]",
        ctx.cases,
        invalid_input(true),
        |input| {
            let field = input.field();
            let before = rig.exchanges().len();
            let (operation, result) = match &input {
                Invalid::Quantity(q) => {
                    let q32 = i32::try_from(*q).expect("an i32 quantity");
                    let mut mock = rig.server.estimate_stars_price(|w, t| {
                        w.quantity(&StarsQuantity(q32));
                        t.unprocessable_entity(&typed(fixtures::error(
                            "VALIDATION_ERROR",
                            "quantity must be between 50 and 10000",
                        )));
                    });
                    let result = block_on(
                        client.estimate_stars_price(u32::try_from(*q).expect("non-negative")),
                    );
                    mock.delete();
                    ("estimate_stars_price", result.map(|_| ()))
                }
                Invalid::Months(m) => {
                    // PremiumMonths is the sdk's guard: an invalid duration cannot be sent at all.
                    let months = u32::try_from(*m).expect("non-negative");
                    (
                        "estimate_premium_price",
                        PremiumMonths::try_from(months).map(|_| ()),
                    )
                }
                Invalid::Username(u) => {
                    // The mock answers only the value as generated: a username the sdk changed
                    // on the way finds no mock, and no 422 naming the field.
                    let mut mock = rig.server.check_stars_recipient(|w, t| {
                        w.into_inner().query_param("username", u.clone());
                        t.unprocessable_entity(&typed(fixtures::error(
                            "VALIDATION_ERROR",
                            "username must be 5-32 letters, digits or underscores",
                        )));
                    });
                    let result = block_on(client.check_stars_recipient(u));
                    mock.delete();
                    ("check_stars_recipient", result.map(|_| ()))
                }
                Invalid::Limit(l) => {
                    let limit = u32::try_from(*l).expect("non-negative");
                    // 0 never leaves the sdk (its type is NonZeroU32); anything else must be sent as is.
                    let mut mock = NonZeroU32::new(limit).map(|limit| {
                        rig.server.list_orders(|w, t| {
                            w.limit(limit);
                            t.unprocessable_entity(&typed(fixtures::error(
                                "VALIDATION_ERROR",
                                "limit must be between 1 and 100",
                            )));
                        })
                    });
                    let query = OrderQuery::default().page(PageRequest::default().limit(limit));
                    let result = block_on(client.list_orders(&query));
                    if let Some(mock) = mock.as_mut() {
                        mock.delete();
                    }
                    ("list_orders", result.map(|_| ()))
                }
                Invalid::Offset(o) => {
                    // The sdk takes offsets as u64; past int64 is what it can be handed wrongly.
                    let offset = u64::try_from(i64::MAX).expect("positive") + o.unsigned_abs();
                    let query = OrderQuery::default().page(PageRequest::default().offset(offset));
                    (
                        "list_orders",
                        block_on(client.list_orders(&query)).map(|_| ()),
                    )
                }
            };
            let after = rig.exchanges().len();
            match result {
            Ok(()) => Err(INVALID.fail(operation, format!("{input:?} was accepted"))),
            Err(err) => INVALID.ensure(rejected(ctx, operation, &err, field, after - before), operation, || {
                format!("{input:?} was not rejected as invalid `{field}` (a 422 VALIDATION_ERROR, or the sdk's input error for `{field}` before sending anything): {err}")
            }),
        }
        },
    )
}
