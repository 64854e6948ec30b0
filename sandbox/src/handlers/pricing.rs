//! `/pricing/*`: the rate, the fee schedule and estimates. Estimates come from the same
//! [`PriceList::quote`](crate::pricing::PriceList::quote) as orders, so they always agree.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use theopenmoney::types::{FeeSchedule, PremiumEstimate, StarsEstimate, TonRate};

use crate::auth::Authenticated;
use crate::clock::datetime;
use crate::error_reply::ErrorReply;
use crate::pricing::{MAX_STARS, MIN_STARS, Product};
use crate::query::QueryParams;
use crate::state::AppState;
use crate::validation;
use crate::views;

pub(crate) async fn ton_rate(State(state): State<Arc<AppState>>, _: Authenticated) -> Response {
    views::ok(TonRate {
        ton_usd: state.prices.pricing().ton_usd,
        updated_at: datetime(state.rate_updated_at_ms),
    })
}

pub(crate) async fn fee(State(state): State<Arc<AppState>>, _: Authenticated) -> Response {
    let pricing = state.prices.pricing();
    views::ok(FeeSchedule {
        fee_percent: pricing.fee_percent,
        max_stars: i32::try_from(MAX_STARS).unwrap_or(i32::MAX),
        min_stars: i32::try_from(MIN_STARS).unwrap_or(i32::MAX),
        premium_months: pricing
            .premium_usd
            .iter()
            .filter_map(|(months, _)| i32::try_from(months.months()).ok())
            .collect(),
    })
}

pub(crate) async fn estimate_stars(
    State(state): State<Arc<AppState>>,
    _: Authenticated,
    RawQuery(query): RawQuery,
) -> Result<Response, ErrorReply> {
    let quantity = validation::quantity_param(&QueryParams::parse(query.as_deref())?)?;
    let quote = state.prices.quote(Product::Stars(quantity))?;
    Ok(views::ok(StarsEstimate {
        price_ton: quote.price_ton(),
        price_usd: quote.price_usd,
        quantity: i32::try_from(quantity).unwrap_or(i32::MAX),
    }))
}

pub(crate) async fn estimate_premium(
    State(state): State<Arc<AppState>>,
    _: Authenticated,
    RawQuery(query): RawQuery,
) -> Result<Response, ErrorReply> {
    let months = validation::months_param(&QueryParams::parse(query.as_deref())?)?;
    let quote = state.prices.quote(Product::Premium(months))?;
    Ok(views::ok(PremiumEstimate {
        months: i32::try_from(months.months()).unwrap_or(i32::MAX),
        price_ton: quote.price_ton(),
        price_usd: quote.price_usd,
    }))
}
