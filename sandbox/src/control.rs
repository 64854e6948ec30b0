//! The control surface under `/_sandbox/…`: what the real API does on its own (payments
//! arriving, deliveries finishing, top-ups) made to happen on demand, plus a view across
//! partners for tests. It is not part of the spec, needs no key, and is switched off with
//! `control_api(false)` / `--no-control-api` (its paths are then `404`).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::routing::{get, post, put};
use serde::Serialize;
use serde_json::Value;
use theopenmoney::types::{Balance, Order};
use theopenmoney::{Decimal, TonAmount};

use crate::body::JsonObject;
use crate::clock::now_ms;
use crate::error_reply::ErrorReply;
use crate::handlers::PathParam;
use crate::pricing::{nanotons_to_ton, ton_to_nanotons};
use crate::query::QueryParams;
use crate::state::AppState;
use crate::store::balance;
use crate::store::orders::{self, OrderRecord, TransitionOutcome};
use crate::store::transition::Transition;
use crate::validation;
use crate::views;

/// Longest processing delay the control surface accepts.
pub(crate) const MAX_PROCESSING_DELAY_MS: u64 = 60_000;

/// The control routes.
pub(crate) fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/_sandbox/orders", get(list_orders))
        .route("/_sandbox/orders/{id}/pay", post(pay))
        .route("/_sandbox/orders/{id}/complete", post(complete))
        .route("/_sandbox/orders/{id}/fail", post(fail))
        .route("/_sandbox/orders/{id}/expire", post(expire))
        .route("/_sandbox/partners", get(partners))
        .route("/_sandbox/partners/{name}/top-up", post(top_up))
        .route("/_sandbox/processing-delay", put(set_processing_delay))
        .route("/_sandbox/in-flight", get(in_flight))
}

/// An order with what only the control surface shows: whose it is and its key.
#[derive(Debug, Serialize)]
struct ControlOrder {
    partner: String,
    idempotency_key: Option<String>,
    order: Order,
}

/// `GET /_sandbox/orders[?client_reference=…][&partner=…]`: every order, oldest first.
async fn list_orders(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
) -> Result<Response, ErrorReply> {
    let query = QueryParams::parse(query.as_deref())?;
    let records = all_orders(
        &state,
        query.get("client_reference").map(str::to_owned),
        query.get("partner").map(str::to_owned),
    )
    .await?;
    Ok(views::ok(
        records
            .iter()
            .map(|record| ControlOrder {
                partner: record.partner.clone(),
                idempotency_key: record.idempotency_key.clone(),
                order: views::order(record),
            })
            .collect::<Vec<_>>(),
    ))
}

/// Every order, oldest first, optionally only those carrying `reference` and those of
/// `partner` (shared with the console).
pub(crate) async fn all_orders(
    state: &AppState,
    reference: Option<String>,
    partner: Option<String>,
) -> Result<Vec<OrderRecord>, ErrorReply> {
    Ok(state
        .store
        .read(move |connection| {
            orders::all(
                connection,
                now_ms(),
                reference.as_deref(),
                partner.as_deref(),
            )
        })
        .await?)
}

async fn pay(state: State<Arc<AppState>>, id: PathParam) -> Result<Response, ErrorReply> {
    apply(state, id, Transition::Pay).await
}

async fn complete(state: State<Arc<AppState>>, id: PathParam) -> Result<Response, ErrorReply> {
    apply(state, id, Transition::Complete).await
}

async fn fail(state: State<Arc<AppState>>, id: PathParam) -> Result<Response, ErrorReply> {
    apply(state, id, Transition::Fail).await
}

/// `POST /_sandbox/orders/{id}/expire`: a `pending_payment` order expires now.
async fn expire(state: State<Arc<AppState>>, id: PathParam) -> Result<Response, ErrorReply> {
    apply(state, id, Transition::Expire).await
}

async fn apply(
    State(state): State<Arc<AppState>>,
    PathParam(raw_id): PathParam,
    change: Transition,
) -> Result<Response, ErrorReply> {
    let id = validation::order_id(&raw_id)?;
    let record = transition(&state, id, change).await?;
    Ok(views::ok(views::order(&record)))
}

/// Applies `change` to the order `id` of any partner (shared with the console).
pub(crate) async fn transition(
    state: &AppState,
    id: i64,
    change: Transition,
) -> Result<OrderRecord, ErrorReply> {
    let outcome = state
        .store
        .write(move |transaction| orders::transition(transaction, id, change, now_ms()))
        .await?;
    match outcome {
        TransitionOutcome::Done(record) => Ok(*record),
        TransitionOutcome::NotFound => Err(ErrorReply::order_not_found(id)),
        TransitionOutcome::NotAllowed(status) => {
            Err(ErrorReply::invalid_transition(id, &status, change.target()))
        }
    }
}

/// A partner as the control surface and the console show it.
#[derive(Debug, Serialize)]
pub(crate) struct PartnerView {
    pub(crate) name: String,
    pub(crate) balance_ton: TonAmount,
    pub(crate) top_up_address: String,
}

/// `GET /_sandbox/partners`: names, balances and top-up addresses (never keys).
async fn partners(State(state): State<Arc<AppState>>) -> Result<Response, ErrorReply> {
    Ok(views::ok(partner_views(&state).await?))
}

/// Every partner, sorted by name, with its balance now.
pub(crate) async fn partner_views(state: &AppState) -> Result<Vec<PartnerView>, ErrorReply> {
    let mut partners: Vec<_> = state
        .partners()
        .map(|partner| (partner.name.clone(), partner.top_up_address.clone()))
        .collect();
    partners.sort();
    let views = state
        .store
        .read(move |connection| {
            partners
                .into_iter()
                .map(|(name, top_up_address)| {
                    Ok(PartnerView {
                        balance_ton: nanotons_to_ton(balance::balance(connection, &name)?),
                        name,
                        top_up_address,
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(views)
}

/// `POST /_sandbox/partners/{name}/top-up` with `{"amount_ton": 12.5}`: a TON transfer to the
/// partner's top-up address arriving.
async fn top_up(
    State(state): State<Arc<AppState>>,
    PathParam(name): PathParam,
    JsonObject(body): JsonObject,
) -> Result<Response, ErrorReply> {
    Ok(views::ok(
        top_up_partner(&state, &name, body.get("amount_ton")).await?,
    ))
}

/// Credits `amount_ton` (a JSON number) to the partner `name` (shared with the console).
pub(crate) async fn top_up_partner(
    state: &AppState,
    name: &str,
    amount_ton: Option<&Value>,
) -> Result<Balance, ErrorReply> {
    let partner = state
        .partner_by_name(name)
        .ok_or_else(|| ErrorReply::not_found(format!("no partner is named {name:?}")))?;
    let amount = top_up_amount(amount_ton).map_err(ErrorReply::validation)?;
    let partner_name = partner.name.clone();
    let credited = state
        .store
        .write(move |transaction| {
            let credited =
                balance::apply(transaction, &partner_name, "top_up", amount, None, now_ms())?;
            credited
                .then(|| balance::balance(transaction, &partner_name))
                .transpose()
        })
        .await?;
    let balance =
        credited.ok_or_else(|| ErrorReply::validation("amount_ton would overflow the balance"))?;
    Ok(Balance {
        balance_ton: nanotons_to_ton(balance),
        top_up_address: partner.top_up_address.clone(),
    })
}

/// The whole nanotons of a top-up's `amount_ton`, or the problem with it.
fn top_up_amount(value: Option<&Value>) -> Result<i64, &'static str> {
    let number = match value {
        None => return Err("amount_ton is required"),
        Some(number @ Value::Number(_)) => number,
        Some(_) => return Err("amount_ton must be a JSON number of TON, such as 12.5"),
    };
    let amount = serde_json::from_value::<TonAmount>(number.clone())
        .map_err(|_| "amount_ton must be a decimal number of TON, such as 12.5")?;
    if amount.as_decimal() <= Decimal::ZERO {
        return Err("amount_ton must be positive");
    }
    if amount.as_decimal().normalize().scale() > 9 {
        return Err("amount_ton must have at most 9 decimals (whole nanotons)");
    }
    ton_to_nanotons(amount).ok_or("amount_ton is too large")
}

/// `PUT /_sandbox/processing-delay` with `{"millis": 500}`: creates and cancels then take that
/// much longer while holding their `Idempotency-Key` (`0` turns it off). Requests already
/// waiting follow the change, so `0` also releases them.
async fn set_processing_delay(
    State(state): State<Arc<AppState>>,
    JsonObject(body): JsonObject,
) -> Result<Response, ErrorReply> {
    let millis = set_processing_delay_millis(&state, body.get("millis").and_then(Value::as_u64))?;
    Ok(views::ok(serde_json::json!({ "millis": millis })))
}

/// Sets the processing delay to `millis` when it is in range (shared with the console).
pub(crate) fn set_processing_delay_millis(
    state: &AppState,
    millis: Option<u64>,
) -> Result<u64, ErrorReply> {
    let millis = millis
        .filter(|millis| *millis <= MAX_PROCESSING_DELAY_MS)
        .ok_or_else(|| {
            ErrorReply::validation(format!(
                "millis must be an integer from 0 to {MAX_PROCESSING_DELAY_MS}"
            ))
        })?;
    state.set_processing_delay(Duration::from_millis(millis));
    Ok(millis)
}

/// A key held by a request being processed.
#[derive(Debug, Serialize)]
struct InFlightKey {
    partner: String,
    idempotency_key: String,
}

/// `GET /_sandbox/in-flight`: the `Idempotency-Key`s held right now by creates and cancels
/// being processed (what a duplicate would get `409 IDEMPOTENCY_IN_PROGRESS` for), so a test
/// can wait until its request holds its key instead of guessing with a sleep.
async fn in_flight(State(state): State<Arc<AppState>>) -> Response {
    views::ok(
        state
            .in_flight
            .held()
            .into_iter()
            .map(|(partner, idempotency_key)| InFlightKey {
                partner,
                idempotency_key,
            })
            .collect::<Vec<_>>(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(text: &str) -> Result<i64, &'static str> {
        let value: Value = serde_json::from_str(text).unwrap();
        assert_eq!(value.to_string(), text, "not kept exactly");
        top_up_amount(Some(&value))
    }

    #[test]
    fn top_up_amounts_are_whole_nanotons() {
        assert_eq!(amount("12.5"), Ok(12_500_000_000));
        assert_eq!(amount("0.000000001"), Ok(1));
        // Trailing zeros beyond the ninth decimal are still whole nanotons.
        assert_eq!(amount("1.0000000000"), Ok(1_000_000_000));
        let ten_decimals = Err("amount_ton must have at most 9 decimals (whole nanotons)");
        assert_eq!(amount("0.0000000001"), ten_decimals);
        assert_eq!(amount("10.0000000001"), ten_decimals);
        assert_eq!(amount("0"), Err("amount_ton must be positive"));
        assert_eq!(amount("-1"), Err("amount_ton must be positive"));
        assert_eq!(
            amount("10000000000000000000"),
            Err("amount_ton is too large")
        );
        assert_eq!(
            amount("\"1\""),
            Err("amount_ton must be a JSON number of TON, such as 12.5")
        );
        assert_eq!(top_up_amount(None), Err("amount_ton is required"));
    }
}
