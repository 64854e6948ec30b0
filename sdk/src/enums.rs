//! The API's open enumerations.

use crate::open_enum::open_enum;

open_enum! {
    /// The status of an order.
    OrderStatus {
        /// Created; waiting for the TON payment.
        PendingPayment = "pending_payment",
        /// Payment received.
        Paid = "paid",
        /// Being delivered.
        Processing = "processing",
        /// Delivered.
        Completed = "completed",
        /// Cancelled before payment.
        Cancelled = "cancelled",
        /// Not paid before `expires_at`.
        Expired = "expired",
        /// Delivery failed.
        Failed = "failed",
    }
}

impl OrderStatus {
    /// Whether the order can no longer change status. An unknown status is not final: a status
    /// added later may still move on.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Self::Completed | Self::Cancelled | Self::Expired | Self::Failed
        )
    }
}

open_enum! {
    /// The kind of an order.
    OrderType {
        /// Telegram Stars.
        Stars = "stars",
        /// Telegram Premium.
        Premium = "premium",
    }
}

open_enum! {
    /// How an order is paid.
    PaymentMethod {
        /// A TON transfer to `payment_address` carrying `payment_memo`.
        TonMemo = "ton_memo",
        /// Debited from the partner's prepaid balance.
        Balance = "balance",
    }
}

open_enum! {
    /// The currency an order is paid in.
    PaymentCurrency {
        /// Toncoin.
        Ton = "TON",
    }
}

open_enum! {
    /// What moved the partner's balance.
    TransactionKind {
        /// A TON transfer to the top-up address.
        TopUp = "top_up",
        /// An order paid from the balance.
        OrderPayment = "order_payment",
        /// An order payment returned.
        Refund = "refund",
    }
}

open_enum! {
    /// The machine-readable code of an API error.
    ErrorCode {
        /// The bearer key is missing or invalid.
        Unauthorized = "UNAUTHORIZED",
        /// No such resource, or it belongs to another key.
        NotFound = "NOT_FOUND",
        /// Only a `pending_payment` order can be cancelled.
        OrderNotCancellable = "ORDER_NOT_CANCELLABLE",
        /// A request with the same `Idempotency-Key` is still being processed; safe to retry.
        IdempotencyInProgress = "IDEMPOTENCY_IN_PROGRESS",
        /// A `balance` payment exceeds the balance.
        InsufficientBalance = "INSUFFICIENT_BALANCE",
        /// A parameter is invalid; the message names it.
        ValidationError = "VALIDATION_ERROR",
        /// The `Idempotency-Key` was used before with a different request.
        IdempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED",
        /// Too many requests for this key.
        RateLimited = "RATE_LIMITED",
        /// The path exists, but not with this method.
        MethodNotAllowed = "METHOD_NOT_ALLOWED",
        /// A server fault.
        InternalError = "INTERNAL_ERROR",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_decode_and_round_trip() {
        let status: OrderStatus = serde_json::from_str(r#""refunded""#).unwrap();
        assert_eq!(status, OrderStatus::Unknown("refunded".into()));
        assert_eq!(serde_json::to_string(&status).unwrap(), r#""refunded""#);
        let code: ErrorCode = serde_json::from_str(r#""KYC_REQUIRED""#).unwrap();
        assert!(code.is_unknown());
        assert_eq!(code.as_str(), "KYC_REQUIRED");
    }

    #[test]
    fn known_values_never_become_unknown() {
        for status in OrderStatus::KNOWN {
            let wire = serde_json::to_string(status).unwrap();
            assert_eq!(&serde_json::from_str::<OrderStatus>(&wire).unwrap(), status);
            assert_eq!(&OrderStatus::from(status.as_str().to_owned()), status);
        }
        assert_eq!(PaymentCurrency::from("TON"), PaymentCurrency::Ton);
    }
}
