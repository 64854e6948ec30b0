//! `/orders*`: create, read, list, stats and cancel, each scoped to the authenticated partner
//! (another partner's order is `404`, never its data).

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::Value;
use theopenmoney::types::{OrderPage, OrderStats};

use super::PathParam;
use crate::auth::Authenticated;
use crate::body::JsonObject;
use crate::clock::{millis, now_ms};
use crate::error_reply::ErrorReply;
use crate::idempotency::KeyedRequest;
use crate::pricing::{Product, nanotons_to_ton};
use crate::query::QueryParams;
use crate::recipients::{Gift, ensure_can_receive};
use crate::state::{AppState, PartnerState};
use crate::store::orders::{self, CancelOutcome, CreateOutcome, NewOrderRow, OrderFilter};
use crate::validation::{self, NewOrder};
use crate::views;

pub(crate) async fn create_stars(
    State(state): State<Arc<AppState>>,
    Authenticated(partner): Authenticated,
    headers: HeaderMap,
    JsonObject(body): JsonObject,
) -> Result<Response, ErrorReply> {
    let key = validation::idempotency_key(&headers)?;
    let order = validation::stars_order(&body)?;
    let keyed = key.map(|key| {
        KeyedRequest::new(
            key,
            "POST",
            "/api/v1/orders/stars",
            Some(&Value::Object(body)),
        )
    });
    create(&state, &partner, keyed, order).await
}

pub(crate) async fn create_premium(
    State(state): State<Arc<AppState>>,
    Authenticated(partner): Authenticated,
    headers: HeaderMap,
    JsonObject(body): JsonObject,
) -> Result<Response, ErrorReply> {
    let key = validation::idempotency_key(&headers)?;
    let order = validation::premium_order(&body)?;
    let keyed = key.map(|key| {
        KeyedRequest::new(
            key,
            "POST",
            "/api/v1/orders/premium",
            Some(&Value::Object(body)),
        )
    });
    create(&state, &partner, keyed, order).await
}

/// The part both creates share, from the recipient check on.
async fn create(
    state: &AppState,
    partner: &PartnerState,
    keyed: Option<KeyedRequest>,
    order: NewOrder,
) -> Result<Response, ErrorReply> {
    let gift = match order.product {
        Product::Stars(_) => Gift::Stars,
        Product::Premium(_) => Gift::Premium,
    };
    ensure_can_receive(&order.recipient_username, gift)?;
    // Held until the write below has committed, even if this request goes away meanwhile.
    let guard = keyed
        .as_ref()
        .map(|keyed| keyed.acquire(&state.in_flight, &partner.name))
        .transpose()?;
    state.processing_delay().await;

    let now = now_ms();
    let quote = state.prices.quote(order.product)?;
    let row = NewOrderRow {
        partner: partner.name.clone(),
        order,
        price_nanotons: quote.price_nanotons,
        payment_address: state.payment_address.clone(),
        created_at_ms: now,
        expires_at_ms: now.saturating_add(millis(state.order_ttl)),
        claim: keyed.map(|keyed| keyed.claim(now, state.idempotency_ttl)),
    };
    let outcome = state
        .store
        .write(move |transaction| {
            let _in_flight = guard;
            orders::create(transaction, row, views::order_response)
        })
        .await?;
    match outcome {
        CreateOutcome::Created(response) => Ok(response.into_response(false)),
        CreateOutcome::Replayed(response) => Ok(response.into_response(true)),
        CreateOutcome::KeyReused => Err(ErrorReply::idempotency_key_reused()),
        CreateOutcome::InsufficientBalance { needed, available } => {
            Err(ErrorReply::insufficient_balance(
                &nanotons_to_ton(needed).to_string(),
                &nanotons_to_ton(available).to_string(),
            ))
        }
    }
}

pub(crate) async fn get(
    State(state): State<Arc<AppState>>,
    Authenticated(partner): Authenticated,
    PathParam(raw_id): PathParam,
) -> Result<Response, ErrorReply> {
    let id = validation::order_id(&raw_id)?;
    let name = partner.name.clone();
    state
        .store
        .read(move |connection| orders::of_partner(connection, now_ms(), &name, id))
        .await?
        .map(|record| views::ok(views::order(&record)))
        .ok_or_else(|| ErrorReply::order_not_found(id))
}

pub(crate) async fn by_memo(
    State(state): State<Arc<AppState>>,
    Authenticated(partner): Authenticated,
    PathParam(memo): PathParam,
) -> Result<Response, ErrorReply> {
    validation::memo(&memo)?;
    let name = partner.name.clone();
    let lookup = memo.clone();
    state
        .store
        .read(move |connection| orders::by_memo(connection, now_ms(), &name, &lookup))
        .await?
        .map(|record| views::ok(views::order(&record)))
        .ok_or_else(|| ErrorReply::not_found(format!("no order has payment_memo {memo:?}")))
}

pub(crate) async fn by_reference(
    State(state): State<Arc<AppState>>,
    Authenticated(partner): Authenticated,
    PathParam(reference): PathParam,
) -> Result<Response, ErrorReply> {
    let reference = validation::reference(&reference)?;
    let name = partner.name.clone();
    let records = state
        .store
        .read(move |connection| orders::by_reference(connection, now_ms(), &name, &reference))
        .await?;
    Ok(views::ok(
        records.iter().map(views::order).collect::<Vec<_>>(),
    ))
}

pub(crate) async fn list(
    State(state): State<Arc<AppState>>,
    Authenticated(partner): Authenticated,
    RawQuery(query): RawQuery,
) -> Result<Response, ErrorReply> {
    let query = QueryParams::parse(query.as_deref())?;
    let page = validation::page(&query)?;
    // Both enums are open in the spec: an unknown value is a valid filter that matches nothing.
    let filter = OrderFilter {
        status: query.get("status").map(str::to_owned),
        order_type: query.get("order_type").map(str::to_owned),
    };
    let name = partner.name.clone();
    let (items, total) = state
        .store
        .read(move |connection| orders::list(connection, now_ms(), &name, &filter, page))
        .await?;
    Ok(views::ok(OrderPage {
        items: items.iter().map(views::order).collect(),
        limit: i32::try_from(page.limit).unwrap_or(i32::MAX),
        offset: page.offset,
        total,
    }))
}

pub(crate) async fn stats(
    State(state): State<Arc<AppState>>,
    Authenticated(partner): Authenticated,
) -> Result<Response, ErrorReply> {
    let name = partner.name.clone();
    let stats = state
        .store
        .read(move |connection| orders::stats(connection, now_ms(), &name))
        .await?;
    Ok(views::ok(OrderStats {
        by_status: stats.by_status.into_iter().collect(),
        total_orders: stats.total_orders,
        total_premium_months: stats.total_premium_months,
        total_stars: stats.total_stars,
        total_ton: nanotons_to_ton(stats.total_nanotons),
    }))
}

pub(crate) async fn cancel(
    State(state): State<Arc<AppState>>,
    Authenticated(partner): Authenticated,
    PathParam(raw_id): PathParam,
    headers: HeaderMap,
) -> Result<Response, ErrorReply> {
    let id = validation::order_id(&raw_id)?;
    let key = validation::idempotency_key(&headers)?;
    // The canonical path, so `/orders/007/cancel` and `/orders/7/cancel` are one request.
    let keyed =
        key.map(|key| KeyedRequest::new(key, "POST", &format!("/api/v1/orders/{id}/cancel"), None));
    let guard = keyed
        .as_ref()
        .map(|keyed| keyed.acquire(&state.in_flight, &partner.name))
        .transpose()?;
    state.processing_delay().await;

    let now = now_ms();
    let claim = keyed.map(|keyed| keyed.claim(now, state.idempotency_ttl));
    let name = partner.name.clone();
    let outcome = state
        .store
        .write(move |transaction| {
            let _in_flight = guard;
            orders::cancel(
                transaction,
                &name,
                id,
                claim.as_ref(),
                now,
                views::order_response,
            )
        })
        .await?;
    match outcome {
        CancelOutcome::Cancelled(response) => Ok(response.into_response(false)),
        CancelOutcome::Replayed(response) => Ok(response.into_response(true)),
        CancelOutcome::KeyReused => Err(ErrorReply::idempotency_key_reused()),
        CancelOutcome::NotFound => Err(ErrorReply::order_not_found(id)),
        CancelOutcome::NotCancellable(status) => {
            Err(ErrorReply::order_not_cancellable(id, &status))
        }
    }
}
