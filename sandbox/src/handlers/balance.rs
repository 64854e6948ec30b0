//! `/balance` and `/balance/transactions`.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use theopenmoney::types::{Balance, TransactionPage};

use crate::auth::Authenticated;
use crate::error_reply::ErrorReply;
use crate::pricing::nanotons_to_ton;
use crate::query::QueryParams;
use crate::state::AppState;
use crate::store::balance;
use crate::validation;
use crate::views;

pub(crate) async fn get_balance(
    State(state): State<Arc<AppState>>,
    Authenticated(partner): Authenticated,
) -> Result<Response, ErrorReply> {
    let name = partner.name.clone();
    let nanotons = state
        .store
        .read(move |connection| balance::balance(connection, &name))
        .await?;
    Ok(views::ok(Balance {
        balance_ton: nanotons_to_ton(nanotons),
        top_up_address: partner.top_up_address.clone(),
    }))
}

pub(crate) async fn list_transactions(
    State(state): State<Arc<AppState>>,
    Authenticated(partner): Authenticated,
    RawQuery(query): RawQuery,
) -> Result<Response, ErrorReply> {
    let page = validation::page(&QueryParams::parse(query.as_deref())?)?;
    let name = partner.name.clone();
    let (items, total) = state
        .store
        .read(move |connection| balance::transactions(connection, &name, page))
        .await?;
    Ok(views::ok(TransactionPage {
        items: items.iter().map(views::transaction).collect(),
        limit: i32::try_from(page.limit).unwrap_or(i32::MAX),
        offset: page.offset,
        total,
    }))
}
