//! The console at `/_sandbox/`: partners and a top-up form, every partner's orders (newest
//! first, filtered, refreshed in place by `console.js`) with their payment details and a button
//! per transition, the feed of recent API requests, and the processing delay. Its forms post
//! to `/_sandbox/console/…` and are answered with a redirect back (or an error page); they
//! reuse the control surface's code, so both behave the same.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Serialize;
use serde_json::Value;

use super::templates::{error_page, render};
use crate::clock::datetime;
use crate::control::{self, MAX_PROCESSING_DELAY_MS, PartnerView};
use crate::error_reply::ErrorReply;
use crate::handlers::PathParam;
use crate::pricing::nanotons_to_ton;
use crate::query::QueryParams;
use crate::request_feed::FeedEntry;
use crate::state::AppState;
use crate::store::orders::OrderRecord;
use crate::store::transition::Transition;
use crate::validation;

/// The console's own path.
const HOME: &str = "/_sandbox/";
/// Orders shown at most (the newest).
const MAX_ORDERS_SHOWN: usize = 200;
/// The statuses the filter offers.
const STATUSES: [&str; 7] = [
    "pending_payment",
    "paid",
    "processing",
    "completed",
    "failed",
    "expired",
    "cancelled",
];

pub(super) fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/_sandbox", get(|| async { Redirect::permanent(HOME) }))
        .route(HOME, get(page))
        .route("/_sandbox/console/orders/{id}", post(order_action))
        .route("/_sandbox/console/top-up", post(top_up))
        .route("/_sandbox/console/processing-delay", post(processing_delay))
}

/// The filters of the order list, as the query string carries them.
#[derive(Debug, Default, Serialize)]
struct Filters {
    partner: Option<String>,
    status: Option<String>,
    client_reference: Option<String>,
}

impl Filters {
    fn parse(query: Option<&str>) -> Result<Self, ErrorReply> {
        let query = QueryParams::parse(query)?;
        let given = |name: &str| {
            query
                .get(name)
                .map(str::trim)
                .filter(|value| !value.is_empty())
                .map(str::to_owned)
        };
        Ok(Self {
            partner: given("partner"),
            status: given("status"),
            client_reference: given("client_reference"),
        })
    }
}

/// What the console page shows.
#[derive(Debug, Serialize)]
struct ConsolePage {
    console: bool,
    partners: Vec<PartnerRow>,
    statuses: [&'static str; 7],
    filters: Filters,
    orders: Vec<OrderRow>,
    shown: usize,
    total: usize,
    feed: Vec<FeedRow>,
    /// This page with its filters, where the forms come back to.
    back: String,
    delay_ms: u64,
    max_delay_ms: u64,
}

/// A partner as a row of the console.
#[derive(Debug, Serialize)]
struct PartnerRow {
    name: String,
    balance_ton: String,
    top_up_address: String,
}

impl From<PartnerView> for PartnerRow {
    fn from(partner: PartnerView) -> Self {
        Self {
            name: partner.name,
            balance_ton: partner.balance_ton.to_string(),
            top_up_address: partner.top_up_address,
        }
    }
}

/// An order as a row of the console.
#[derive(Debug, Serialize)]
struct OrderRow {
    id: i64,
    partner: String,
    status: String,
    product: String,
    recipient: String,
    price_ton: String,
    payment_method: String,
    client_reference: Option<String>,
    created_at: String,
    expires_at: String,
    /// Payment details, for an order waiting for its payment.
    payment: Option<Payment>,
    /// The transitions it can take (`pay`, `complete`, `fail`, `expire`).
    actions: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
struct Payment {
    address: String,
    memo: String,
    amount_ton: String,
    /// `ton://transfer/…`, what a wallet opens.
    link: String,
}

#[derive(Debug, Serialize)]
struct FeedRow {
    time: String,
    partner: Option<String>,
    method: String,
    path: String,
    status: u16,
    idempotency_key: Option<String>,
    replayed: bool,
}

/// `GET /_sandbox/[?partner=…][&status=…][&client_reference=…]`.
async fn page(State(state): State<Arc<AppState>>, RawQuery(query): RawQuery) -> Response {
    match render_page(&state, query.as_deref()).await {
        Ok(response) => response,
        Err(error) => error_page(&error),
    }
}

async fn render_page(state: &AppState, query: Option<&str>) -> Result<Response, ErrorReply> {
    let filters = Filters::parse(query)?;
    let partners = control::partner_views(state).await?;
    let partners = partners.into_iter().map(PartnerRow::from).collect();
    let mut records = control::all_orders(
        state,
        filters.client_reference.clone(),
        filters.partner.clone(),
    )
    .await?;
    if let Some(status) = &filters.status {
        records.retain(|record| &record.status == status);
    }
    let total = records.len();
    let orders: Vec<_> = records
        .iter()
        .rev()
        .take(MAX_ORDERS_SHOWN)
        .map(order_row)
        .collect();
    let feed: Vec<_> = state.feed.recent().into_iter().map(feed_row).collect();
    let back = match query {
        Some(query) if !query.is_empty() => format!("{HOME}?{query}"),
        _ => HOME.to_owned(),
    };
    Ok(render(
        StatusCode::OK,
        "console.html",
        ConsolePage {
            console: true,
            partners,
            statuses: STATUSES,
            filters,
            shown: orders.len(),
            orders,
            total,
            feed,
            back,
            delay_ms: u64::try_from(state.current_processing_delay().as_millis())
                .unwrap_or(u64::MAX),
            max_delay_ms: MAX_PROCESSING_DELAY_MS,
        },
    ))
}

fn order_row(record: &OrderRecord) -> OrderRow {
    let product = match (record.stars_amount, record.premium_months) {
        (Some(stars), _) => format!("{stars} Stars"),
        (None, Some(months)) => format!("Premium, {months} months"),
        (None, None) => record.order_type.clone(),
    };
    let amount_ton = nanotons_to_ton(record.price_nanotons).to_string();
    // The sdk's link builder, on the order as the API shows it: one encoding of the link.
    let payment = (record.status == "pending_payment")
        .then(|| crate::views::order(record).ton_transfer_link())
        .flatten()
        .map(|link| Payment {
            link,
            address: record.payment_address.clone(),
            memo: record.payment_memo.clone(),
            amount_ton: amount_ton.clone(),
        });
    OrderRow {
        id: record.id,
        partner: record.partner.clone(),
        status: record.status.clone(),
        product,
        recipient: record.recipient_username.clone(),
        price_ton: amount_ton,
        payment_method: record.payment_method.clone(),
        client_reference: record.client_reference.clone(),
        created_at: time(record.created_at_ms),
        expires_at: time(record.expires_at_ms),
        payment,
        actions: Transition::ALL
            .into_iter()
            .filter(|change| change.allowed_from(&record.status))
            .map(Transition::verb)
            .collect(),
    }
}

fn feed_row(entry: FeedEntry) -> FeedRow {
    FeedRow {
        time: time(entry.at_ms),
        partner: entry.partner,
        method: entry.method,
        path: entry.path,
        status: entry.status,
        idempotency_key: entry.idempotency_key,
        replayed: entry.replayed,
    }
}

fn time(ms: i64) -> String {
    datetime(ms).format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// A form's fields.
struct Form(Vec<(String, String)>);

impl Form {
    fn parse(body: &[u8]) -> Self {
        Self(url::form_urlencoded::parse(body).into_owned().collect())
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }

    /// Where to go after the action: the console page it came from (with its filters). No
    /// control character, which a `Location` header cannot carry (and CR/LF would split it).
    fn back(&self) -> Redirect {
        let back = self
            .get("back")
            .filter(|back| {
                *back == HOME
                    || back.strip_prefix(HOME).is_some_and(|rest| {
                        rest.starts_with('?') && !rest.contains(char::is_control)
                    })
            })
            .unwrap_or(HOME);
        Redirect::to(back)
    }
}

/// The outcome of a form: back to the console, or the error as a page.
fn answer(form: &Form, outcome: Result<(), ErrorReply>) -> Response {
    match outcome {
        Ok(()) => form.back().into_response(),
        Err(error) => error_page(&error),
    }
}

/// `POST /_sandbox/console/orders/{id}` with `action=pay|complete|fail|expire`.
async fn order_action(
    State(state): State<Arc<AppState>>,
    PathParam(raw_id): PathParam,
    body: Bytes,
) -> Response {
    let form = Form::parse(&body);
    let outcome = async {
        let id = validation::order_id(&raw_id)?;
        let action = form.get("action").unwrap_or_default();
        let change = Transition::ALL
            .into_iter()
            .find(|change| change.verb() == action)
            .ok_or_else(|| {
                ErrorReply::validation("action must be one of pay, complete, fail, expire")
            })?;
        control::transition(&state, id, change).await.map(drop)
    }
    .await;
    answer(&form, outcome)
}

/// `POST /_sandbox/console/top-up` with `partner` and `amount_ton`.
async fn top_up(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let form = Form::parse(&body);
    let outcome = async {
        let partner = form.get("partner").unwrap_or_default();
        // The control surface reads a JSON number; so does the form, digit for digit.
        let amount = form
            .get("amount_ton")
            .map(str::trim)
            .and_then(|text| serde_json::from_str::<Value>(text).ok())
            .filter(Value::is_number)
            .ok_or_else(|| {
                ErrorReply::validation("amount_ton must be a number of TON, such as 12.5")
            })?;
        control::top_up_partner(&state, partner, Some(&amount))
            .await
            .map(drop)
    }
    .await;
    answer(&form, outcome)
}

/// `POST /_sandbox/console/processing-delay` with `millis`.
async fn processing_delay(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let form = Form::parse(&body);
    let millis = form.get("millis").and_then(|text| text.trim().parse().ok());
    let outcome = control::set_processing_delay_millis(&state, millis).map(drop);
    answer(&form, outcome)
}

#[cfg(test)]
mod tests {
    use axum::http::header;

    use super::*;

    fn location(body: &str) -> String {
        let response = Form::parse(body.as_bytes()).back().into_response();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        response.headers()[header::LOCATION]
            .to_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn back_goes_to_a_console_page_and_never_panics() {
        assert_eq!(
            location("back=%2F_sandbox%2F%3Fstatus%3Dpaid"),
            "/_sandbox/?status=paid"
        );
        assert_eq!(location("back=%2F_sandbox%2F"), HOME);
        assert_eq!(location(""), HOME);
        for elsewhere in [
            "https%3A%2F%2Felsewhere.example%2F",
            "%2F_sandbox%2Fx",
            "%2F%2Fevil",
        ] {
            assert_eq!(location(&format!("back={elsewhere}")), HOME, "{elsewhere}");
        }
        // Every control character, which `Redirect::to` would panic on (or split the header).
        for control in (0_u32..0x20).chain(0x7f..=0x9f).filter_map(char::from_u32) {
            let encoded: String = url::form_urlencoded::byte_serialize(
                format!("/_sandbox/?status=paid{control}").as_bytes(),
            )
            .collect();
            assert_eq!(location(&format!("back={encoded}")), HOME, "{control:?}");
        }
    }
}
