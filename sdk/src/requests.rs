//! Inputs of the hand-written operations, checked field by field before anything is sent.

use crate::enums::PaymentCurrency;
use crate::enums::{OrderStatus, OrderType, PaymentMethod};
use crate::error::Error;
use crate::generated::types;
use crate::idempotency::IdempotencyKey;
use crate::ids::PremiumMonths;

/// A Stars order to create.
#[derive(Debug, Clone)]
pub struct NewStarsOrder {
    pub(crate) body: types::CreateStarsOrderRequest,
    pub(crate) idempotency_key: Option<IdempotencyKey>,
}

/// A Premium order to create.
#[derive(Debug, Clone)]
pub struct NewPremiumOrder {
    pub(crate) body: types::CreatePremiumOrderRequest,
    pub(crate) idempotency_key: Option<IdempotencyKey>,
}

/// A Telegram username, checked against the spec's pattern; `field` names it in errors.
pub(crate) fn checked_username(
    value: &str,
    field: &'static str,
) -> Result<types::RecipientUsername, Error> {
    types::RecipientUsername::try_from(value).map_err(|e| {
        Error::invalid_input_caused_by(
            field,
            "must be 5–32 letters, digits or underscores, with or without a leading @",
            e,
        )
    })
}

/// A client reference, checked against the spec's pattern; `field` names it in errors.
pub(crate) fn checked_client_reference(
    value: &str,
    field: &'static str,
) -> Result<types::ClientReference, Error> {
    types::ClientReference::try_from(value).map_err(|e| {
        Error::invalid_input_caused_by(
            field,
            "must be 1–128 printable ASCII characters without spaces, and not `.` or `..`",
            e,
        )
    })
}

pub(crate) fn stars_quantity(quantity: u32) -> Result<types::StarsQuantity, Error> {
    i32::try_from(quantity)
        .map(types::StarsQuantity)
        .map_err(|e| Error::invalid_input_caused_by("quantity", "is too large", e))
}

/// Setters shared by both order kinds.
macro_rules! order_setters {
    ($ty:ty) => {
        impl $ty {
            /// Stores your own id on the order (findable with `list_orders_by_reference`).
            pub fn client_reference(mut self, reference: &str) -> Result<Self, Error> {
                self.body.client_reference =
                    Some(checked_client_reference(reference, "client_reference")?);
                Ok(self)
            }

            /// How to pay (default `ton_memo`).
            pub fn payment_method(mut self, method: PaymentMethod) -> Self {
                self.body.payment_method = method;
                self
            }

            /// The `Idempotency-Key` to send (default: a fresh UUIDv4). Derive it from your own
            /// id ([`IdempotencyKey::derived_from`]) so your restarts cannot create a second order.
            pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
                self.idempotency_key = Some(key);
                self
            }
        }
    };
}

impl NewStarsOrder {
    /// `quantity` Stars for `recipient_username` (with or without `@`), paid by TON memo.
    pub fn new(recipient_username: &str, quantity: u32) -> Result<Self, Error> {
        Ok(Self {
            body: types::CreateStarsOrderRequest {
                recipient_username: checked_username(recipient_username, "recipient_username")?,
                quantity: stars_quantity(quantity)?,
                payment_method: PaymentMethod::TonMemo,
                payment_currency: PaymentCurrency::Ton,
                client_reference: None,
            },
            idempotency_key: None,
        })
    }
}

impl NewPremiumOrder {
    /// `months` of Premium for `recipient_username` (with or without `@`), paid by TON memo.
    pub fn new(recipient_username: &str, months: PremiumMonths) -> Result<Self, Error> {
        Ok(Self {
            body: types::CreatePremiumOrderRequest {
                recipient_username: checked_username(recipient_username, "recipient_username")?,
                months,
                payment_method: PaymentMethod::TonMemo,
                payment_currency: PaymentCurrency::Ton,
                client_reference: None,
            },
            idempotency_key: None,
        })
    }
}

order_setters!(NewStarsOrder);
order_setters!(NewPremiumOrder);

/// Filters and paging for [`Client::list_orders`](crate::Client::list_orders).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderQuery {
    /// Only orders in this status.
    pub status: Option<OrderStatus>,
    /// Only orders of this type.
    pub order_type: Option<OrderType>,
    /// Paging.
    pub page: PageRequest,
}

/// One page: `limit` items (1–100; server default 20) after `offset`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// Page size.
    pub limit: Option<u32>,
    /// Items to skip.
    pub offset: Option<u64>,
}

impl PageRequest {
    pub(crate) fn limit(&self) -> Result<Option<std::num::NonZeroU32>, Error> {
        self.limit
            .map(|l| {
                std::num::NonZeroU32::new(l)
                    .ok_or_else(|| Error::invalid_input("limit", "must be at least 1"))
            })
            .transpose()
    }

    pub(crate) fn offset(&self) -> Result<Option<i64>, Error> {
        self.offset
            .map(|o| {
                i64::try_from(o)
                    .map_err(|e| Error::invalid_input_caused_by("offset", "is too large", e))
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_inputs_name_their_field() {
        let cases = [
            NewStarsOrder::new("ab", 100).unwrap_err(),
            NewStarsOrder::new("pandus", u32::MAX).unwrap_err(),
            NewStarsOrder::new("pandus", 100)
                .unwrap()
                .client_reference("has space")
                .unwrap_err(),
            NewStarsOrder::new("pandus", 100)
                .unwrap()
                .client_reference("..")
                .unwrap_err(),
            PageRequest {
                limit: Some(0),
                offset: None,
            }
            .limit()
            .unwrap_err(),
        ];
        let fields = [
            "recipient_username",
            "quantity",
            "client_reference",
            "client_reference",
            "limit",
        ];
        for (err, field) in cases.iter().zip(fields) {
            assert!(
                err.to_string().starts_with(&format!("invalid {field}:")),
                "{err}"
            );
        }
        assert!(NewStarsOrder::new("@pandus", 100).is_ok());
        for reference in ["a", "ab", ".a", "a.", "...", "invoice-42"] {
            let order = NewStarsOrder::new("pandus", 100).unwrap();
            assert!(order.client_reference(reference).is_ok(), "{reference}");
        }
    }
}
