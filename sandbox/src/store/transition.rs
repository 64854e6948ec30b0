//! The control surface's status changes: what each does to an order's status, the verb of its
//! control path, and the statuses it may start from.

/// A control-surface status change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transition {
    /// `pending_payment` → `paid`.
    Pay,
    /// `pending_payment`, `paid` or `processing` → `completed`.
    Complete,
    /// `pending_payment`, `paid` or `processing` → `failed`; a balance payment is refunded.
    Fail,
    /// `pending_payment` → `expired` now, as if its time were up (`expires_at` becomes now).
    Expire,
}

impl Transition {
    /// The status the order ends in.
    pub(crate) fn target(self) -> &'static str {
        match self {
            Self::Pay => "paid",
            Self::Complete => "completed",
            Self::Fail => "failed",
            Self::Expire => "expired",
        }
    }

    /// Every transition, in the order the console offers them.
    pub(crate) const ALL: [Self; 4] = [Self::Pay, Self::Complete, Self::Fail, Self::Expire];

    /// The verb of its control path (`/_sandbox/orders/{id}/pay`).
    pub(crate) fn verb(self) -> &'static str {
        match self {
            Self::Pay => "pay",
            Self::Complete => "complete",
            Self::Fail => "fail",
            Self::Expire => "expire",
        }
    }

    /// Whether an order in `status` can take it.
    pub(crate) fn allowed_from(self, status: &str) -> bool {
        match self {
            Self::Pay | Self::Expire => status == "pending_payment",
            Self::Complete | Self::Fail => {
                matches!(status, "pending_payment" | "paid" | "processing")
            }
        }
    }
}
