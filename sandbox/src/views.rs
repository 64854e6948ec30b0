//! Stored records as the spec's types (the sdk's generated `types`), and the success envelope
//! `{"ok": true, "data": …}` around them.

use axum::Json;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use theopenmoney::types::{BalanceTransaction, Order};
use theopenmoney::{Envelope, OrderId, OrderStatus, OrderType, PaymentCurrency, PaymentMethod};

use crate::clock::datetime;
use crate::idempotency::StoredResponse;
use crate::pricing::nanotons_to_ton;
use crate::store::balance::TransactionRecord;
use crate::store::orders::OrderRecord;

/// `200` with `{"ok": true, "data": data}`.
pub(crate) fn ok<T: Serialize>(data: T) -> Response {
    Json(Envelope::new(data)).into_response()
}

/// An order as the API shows it.
pub(crate) fn order(record: &OrderRecord) -> Order {
    Order {
        client_reference: record.client_reference.clone(),
        created_at: datetime(record.created_at_ms),
        expires_at: datetime(record.expires_at_ms),
        id: OrderId(u64::try_from(record.id).unwrap_or_default()),
        order_type: OrderType::from(record.order_type.as_str()),
        payment_address: record.payment_address.clone(),
        payment_currency: Some(PaymentCurrency::from(record.payment_currency.as_str())),
        payment_memo: record.payment_memo.clone(),
        payment_method: Some(PaymentMethod::from(record.payment_method.as_str())),
        premium_months: record.premium_months.and_then(|m| i32::try_from(m).ok()),
        price_ton: nanotons_to_ton(record.price_nanotons),
        recipient_username: record.recipient_username.clone(),
        stars_amount: record.stars_amount.and_then(|s| i32::try_from(s).ok()),
        status: OrderStatus::from(record.status.as_str()),
    }
}

/// The `200` answer to a create or cancel, as it is stored for replays.
pub(crate) fn order_response(record: &OrderRecord) -> StoredResponse {
    // Serialising plain data into a string cannot fail.
    let body =
        serde_json::to_string(&Envelope::new(order(record))).expect("an order serialises to JSON");
    StoredResponse::ok(body)
}

/// A balance transaction as the API shows it.
pub(crate) fn transaction(record: &TransactionRecord) -> BalanceTransaction {
    BalanceTransaction {
        amount_ton: nanotons_to_ton(record.amount_nanotons),
        created_at: datetime(record.created_at_ms),
        id: record.id,
        kind: record.kind.as_str().into(),
        order_id: record
            .order_id
            .and_then(|id| u64::try_from(id).ok())
            .map(OrderId),
    }
}
