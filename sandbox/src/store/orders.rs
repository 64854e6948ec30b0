//! Orders: creation (with its idempotency record and balance payment, in one transaction),
//! reads scoped to a partner, cancellation, and applying the control surface's transitions
//! (`transition.rs` says which exist and from where).
//!
//! An unpaid order past `expires_at` is `expired`. Reads compute that from the clock
//! (`EFFECTIVE_STATUS`), so the TTL is exact to the millisecond without a sweeper; every
//! transition checks the same effective status before it writes.

use rand::Rng;
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use theopenmoney::PaymentMethod;

use super::balance;
use super::idempotency::{self, Prior};
use super::transition::Transition;
use super::{Page, StoreError};
use crate::idempotency::{Claim, StoredResponse};
use crate::pricing::Product;
use crate::validation::NewOrder;

/// The status as clients see it: `pending_payment` past its expiry reads as `expired`.
/// `?1` is always "now" in Unix milliseconds.
macro_rules! effective_status {
    () => {
        "CASE WHEN status = 'pending_payment' AND expires_at_ms <= ?1 THEN 'expired' ELSE status END"
    };
}

macro_rules! select_orders {
    () => {
        concat!(
            "SELECT id, partner, ",
            effective_status!(),
            ", order_type, stars_amount, premium_months, recipient_username, price_nanoton,
               payment_method, payment_currency, payment_address, payment_memo, client_reference,
               idempotency_key, created_at_ms, expires_at_ms
             FROM orders "
        )
    };
}

/// One order as stored, with its effective status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OrderRecord {
    pub(crate) id: i64,
    pub(crate) partner: String,
    pub(crate) status: String,
    pub(crate) order_type: String,
    pub(crate) stars_amount: Option<i64>,
    pub(crate) premium_months: Option<i64>,
    pub(crate) recipient_username: String,
    pub(crate) price_nanotons: i64,
    pub(crate) payment_method: String,
    pub(crate) payment_currency: String,
    pub(crate) payment_address: String,
    pub(crate) payment_memo: String,
    pub(crate) client_reference: Option<String>,
    pub(crate) idempotency_key: Option<String>,
    pub(crate) created_at_ms: i64,
    pub(crate) expires_at_ms: i64,
}

impl OrderRecord {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            partner: row.get(1)?,
            status: row.get(2)?,
            order_type: row.get(3)?,
            stars_amount: row.get(4)?,
            premium_months: row.get(5)?,
            recipient_username: row.get(6)?,
            price_nanotons: row.get(7)?,
            payment_method: row.get(8)?,
            payment_currency: row.get(9)?,
            payment_address: row.get(10)?,
            payment_memo: row.get(11)?,
            client_reference: row.get(12)?,
            idempotency_key: row.get(13)?,
            created_at_ms: row.get(14)?,
            expires_at_ms: row.get(15)?,
        })
    }

    fn paid_from_balance(&self) -> bool {
        self.payment_method == PaymentMethod::Balance.as_str()
    }
}

/// An order to insert.
#[derive(Debug, Clone)]
pub(crate) struct NewOrderRow {
    pub(crate) partner: String,
    pub(crate) order: NewOrder,
    pub(crate) price_nanotons: i64,
    pub(crate) payment_address: String,
    pub(crate) created_at_ms: i64,
    pub(crate) expires_at_ms: i64,
    pub(crate) claim: Option<Claim>,
}

/// What a create did.
#[derive(Debug)]
pub(crate) enum CreateOutcome {
    /// A new order, answered with this (now stored) response.
    Created(StoredResponse),
    /// The key's earlier answer.
    Replayed(StoredResponse),
    /// The key was used for a different request.
    KeyReused,
    /// A `balance` payment larger than the balance; nothing was stored.
    InsufficientBalance { needed: i64, available: i64 },
}

/// What a cancel did.
#[derive(Debug)]
pub(crate) enum CancelOutcome {
    Cancelled(StoredResponse),
    Replayed(StoredResponse),
    KeyReused,
    NotFound,
    NotCancellable(String),
}

/// Filters of `GET /orders`.
#[derive(Debug, Clone, Default)]
pub(crate) struct OrderFilter {
    pub(crate) status: Option<String>,
    pub(crate) order_type: Option<String>,
}

/// Aggregates of `GET /orders/stats/summary`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct OrderStats {
    pub(crate) total_orders: i64,
    pub(crate) by_status: Vec<(String, i64)>,
    pub(crate) total_stars: i64,
    pub(crate) total_premium_months: i64,
    pub(crate) total_nanotons: i64,
}

/// Creates an order: honours the idempotency claim, pays from the balance when asked, and
/// stores the rendered answer with the order, all in `transaction`.
pub(crate) fn create(
    transaction: &Transaction<'_>,
    new: NewOrderRow,
    render: impl FnOnce(&OrderRecord) -> StoredResponse,
) -> Result<CreateOutcome, StoreError> {
    if let Some(claim) = &new.claim {
        match idempotency::check(transaction, &new.partner, claim)? {
            Prior::Nothing => {}
            Prior::Replay(response) => return Ok(CreateOutcome::Replayed(response)),
            Prior::Reused => return Ok(CreateOutcome::KeyReused),
        }
    }
    let by_balance = new.order.payment_method == PaymentMethod::Balance;
    if by_balance {
        let available = balance::balance(transaction, &new.partner)?;
        if available < new.price_nanotons {
            return Ok(CreateOutcome::InsufficientBalance {
                needed: new.price_nanotons,
                available,
            });
        }
    }
    let (order_type, stars, months, memo_prefix) = match new.order.product {
        Product::Stars(quantity) => ("stars", Some(i64::from(quantity)), None, "STARS"),
        Product::Premium(months) => ("premium", None, Some(i64::from(months.months())), "PREMIUM"),
    };
    let memo = unique_memo(transaction, memo_prefix)?;
    let status = if by_balance {
        "paid"
    } else {
        "pending_payment"
    };
    transaction
        .prepare_cached(
            "INSERT INTO orders (partner, status, order_type, stars_amount, premium_months,
                 recipient_username, price_nanoton, payment_method, payment_currency,
                 payment_address, payment_memo, client_reference, idempotency_key,
                 created_at_ms, expires_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'TON', ?9, ?10, ?11, ?12, ?13, ?14)",
        )?
        .execute(params![
            new.partner,
            status,
            order_type,
            stars,
            months,
            new.order.recipient_username,
            new.price_nanotons,
            new.order.payment_method.as_str(),
            new.payment_address,
            memo,
            new.order.client_reference,
            new.claim.as_ref().map(|claim| claim.key.as_str()),
            new.created_at_ms,
            new.expires_at_ms,
        ])?;
    let id = transaction.last_insert_rowid();
    if by_balance {
        let paid = balance::apply(
            transaction,
            &new.partner,
            "order_payment",
            -new.price_nanotons,
            Some(id),
            new.created_at_ms,
        )?;
        if !paid {
            return Err(StoreError::Invalid(
                "balance changed inside a transaction".into(),
            ));
        }
    }
    let record = by_id(transaction, new.created_at_ms, id)?
        .ok_or_else(|| StoreError::Invalid(format!("order {id} vanished after its insert")))?;
    let response = render(&record);
    if let Some(claim) = &new.claim {
        idempotency::save(
            transaction,
            &new.partner,
            claim,
            &response,
            id,
            new.created_at_ms,
        )?;
    }
    Ok(CreateOutcome::Created(response))
}

/// `STARS-` or `PREMIUM-` and ten random hex digits, unused so far.
fn unique_memo(transaction: &Transaction<'_>, prefix: &str) -> Result<String, StoreError> {
    let mut rng = rand::rng();
    loop {
        let memo = format!("{prefix}-{:010x}", rng.random_range(0..(1_u64 << 40)));
        let taken = transaction
            .prepare_cached("SELECT 1 FROM orders WHERE payment_memo = ?1")?
            .query_row([&memo], |_| Ok(()))
            .optional()?
            .is_some();
        if !taken {
            return Ok(memo);
        }
    }
}

/// Cancels a `pending_payment` order of `partner`, honouring the idempotency claim.
pub(crate) fn cancel(
    transaction: &Transaction<'_>,
    partner: &str,
    id: i64,
    claim: Option<&Claim>,
    now_ms: i64,
    render: impl FnOnce(&OrderRecord) -> StoredResponse,
) -> Result<CancelOutcome, StoreError> {
    if let Some(claim) = claim {
        match idempotency::check(transaction, partner, claim)? {
            Prior::Nothing => {}
            Prior::Replay(response) => return Ok(CancelOutcome::Replayed(response)),
            Prior::Reused => return Ok(CancelOutcome::KeyReused),
        }
    }
    let Some(order) = of_partner(transaction, now_ms, partner, id)? else {
        return Ok(CancelOutcome::NotFound);
    };
    if order.status != "pending_payment" {
        return Ok(CancelOutcome::NotCancellable(order.status));
    }
    set_status(transaction, id, "cancelled")?;
    let record = OrderRecord {
        status: "cancelled".to_owned(),
        ..order
    };
    let response = render(&record);
    if let Some(claim) = claim {
        idempotency::save(transaction, partner, claim, &response, id, now_ms)?;
    }
    Ok(CancelOutcome::Cancelled(response))
}

/// What a control transition did.
#[derive(Debug)]
pub(crate) enum TransitionOutcome {
    Done(Box<OrderRecord>),
    NotFound,
    NotAllowed(String),
}

/// Applies a control-surface transition to any partner's order.
pub(crate) fn transition(
    transaction: &Transaction<'_>,
    id: i64,
    change: Transition,
    now_ms: i64,
) -> Result<TransitionOutcome, StoreError> {
    let Some(order) = by_id(transaction, now_ms, id)? else {
        return Ok(TransitionOutcome::NotFound);
    };
    if !change.allowed_from(&order.status) {
        return Ok(TransitionOutcome::NotAllowed(order.status));
    }
    let was_paid = order.status != "pending_payment";
    if change == Transition::Fail && was_paid && order.paid_from_balance() {
        balance::apply(
            transaction,
            &order.partner,
            "refund",
            order.price_nanotons,
            Some(id),
            now_ms,
        )?;
    }
    set_status(transaction, id, change.target())?;
    let expires_at_ms = if change == Transition::Expire {
        let now = order.expires_at_ms.min(now_ms);
        transaction
            .prepare_cached("UPDATE orders SET expires_at_ms = ?2 WHERE id = ?1")?
            .execute(params![id, now])?;
        now
    } else {
        order.expires_at_ms
    };
    Ok(TransitionOutcome::Done(Box::new(OrderRecord {
        status: change.target().to_owned(),
        expires_at_ms,
        ..order
    })))
}

fn set_status(transaction: &Transaction<'_>, id: i64, status: &str) -> Result<(), StoreError> {
    transaction
        .prepare_cached("UPDATE orders SET status = ?2 WHERE id = ?1")?
        .execute(params![id, status])?;
    Ok(())
}

/// Any partner's order.
fn by_id(connection: &Connection, now_ms: i64, id: i64) -> Result<Option<OrderRecord>, StoreError> {
    Ok(connection
        .prepare_cached(concat!(select_orders!(), "WHERE id = ?2"))?
        .query_row(params![now_ms, id], OrderRecord::from_row)
        .optional()?)
}

/// The order `id` if `partner` owns it.
pub(crate) fn of_partner(
    connection: &Connection,
    now_ms: i64,
    partner: &str,
    id: i64,
) -> Result<Option<OrderRecord>, StoreError> {
    Ok(connection
        .prepare_cached(concat!(select_orders!(), "WHERE id = ?2 AND partner = ?3"))?
        .query_row(params![now_ms, id, partner], OrderRecord::from_row)
        .optional()?)
}

/// The order of `partner` whose memo is `memo`.
pub(crate) fn by_memo(
    connection: &Connection,
    now_ms: i64,
    partner: &str,
    memo: &str,
) -> Result<Option<OrderRecord>, StoreError> {
    Ok(connection
        .prepare_cached(concat!(
            select_orders!(),
            "WHERE payment_memo = ?2 AND partner = ?3"
        ))?
        .query_row(params![now_ms, memo, partner], OrderRecord::from_row)
        .optional()?)
}

/// Every order of `partner` carrying `reference`, newest first.
pub(crate) fn by_reference(
    connection: &Connection,
    now_ms: i64,
    partner: &str,
    reference: &str,
) -> Result<Vec<OrderRecord>, StoreError> {
    Ok(connection
        .prepare_cached(concat!(
            select_orders!(),
            "WHERE client_reference = ?2 AND partner = ?3 ORDER BY id DESC"
        ))?
        .query_map(params![now_ms, reference, partner], OrderRecord::from_row)?
        .collect::<Result<_, _>>()?)
}

/// One page of `partner`'s orders matching `filter`, newest first, and the total count.
pub(crate) fn list(
    connection: &Connection,
    now_ms: i64,
    partner: &str,
    filter: &OrderFilter,
    page: Page,
) -> Result<(Vec<OrderRecord>, i64), StoreError> {
    const MATCHING: &str = concat!(
        "WHERE partner = ?2 AND (?3 IS NULL OR ",
        effective_status!(),
        " = ?3) AND (?4 IS NULL OR order_type = ?4) "
    );
    let total = connection
        .prepare_cached(&format!("SELECT COUNT(*) FROM orders {MATCHING}"))?
        .query_row(
            params![now_ms, partner, filter.status, filter.order_type],
            |row| row.get(0),
        )?;
    let items = connection
        .prepare_cached(&format!(
            "{} {MATCHING} ORDER BY id DESC LIMIT ?5 OFFSET ?6",
            select_orders!()
        ))?
        .query_map(
            params![
                now_ms,
                partner,
                filter.status,
                filter.order_type,
                page.limit,
                page.offset
            ],
            OrderRecord::from_row,
        )?
        .collect::<Result<_, _>>()?;
    Ok((items, total))
}

/// Counts and totals over all of `partner`'s orders.
pub(crate) fn stats(
    connection: &Connection,
    now_ms: i64,
    partner: &str,
) -> Result<OrderStats, StoreError> {
    let mut stats = connection
        .prepare_cached(
            "SELECT COUNT(*), COALESCE(SUM(stars_amount), 0), COALESCE(SUM(premium_months), 0),
                    COALESCE(SUM(price_nanoton), 0)
             FROM orders WHERE partner = ?1",
        )?
        .query_row([partner], |row| {
            Ok(OrderStats {
                total_orders: row.get(0)?,
                by_status: Vec::new(),
                total_stars: row.get(1)?,
                total_premium_months: row.get(2)?,
                total_nanotons: row.get(3)?,
            })
        })?;
    stats.by_status = connection
        .prepare_cached(concat!(
            "SELECT ",
            effective_status!(),
            ", COUNT(*) FROM orders WHERE partner = ?2 GROUP BY 1 ORDER BY 1"
        ))?
        .query_map(params![now_ms, partner], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?
        .collect::<Result<_, _>>()?;
    Ok(stats)
}

/// Every order of every partner, oldest first, optionally only those carrying `reference`
/// and only those of `partner`.
pub(crate) fn all(
    connection: &Connection,
    now_ms: i64,
    reference: Option<&str>,
    partner: Option<&str>,
) -> Result<Vec<OrderRecord>, StoreError> {
    Ok(connection
        .prepare_cached(concat!(
            select_orders!(),
            "WHERE (?2 IS NULL OR client_reference = ?2) AND (?3 IS NULL OR partner = ?3)
             ORDER BY id"
        ))?
        .query_map(params![now_ms, reference, partner], OrderRecord::from_row)?
        .collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use theopenmoney::PaymentMethod;

    use super::*;
    use crate::config::{Database, Partner};
    use crate::store::Store;

    fn row(claim: Option<Claim>, quantity: u32) -> NewOrderRow {
        NewOrderRow {
            partner: "alpha".to_owned(),
            order: NewOrder {
                product: Product::Stars(quantity),
                recipient_username: "pandus".to_owned(),
                payment_method: PaymentMethod::TonMemo,
                client_reference: None,
            },
            price_nanotons: 1,
            payment_address: "UQ".to_owned(),
            created_at_ms: 1_000,
            expires_at_ms: 2_000,
            claim,
        }
    }

    fn claim(fingerprint: &str) -> Claim {
        Claim {
            key: "k".to_owned(),
            fingerprint: fingerprint.to_owned(),
            honoured_since_ms: 0,
        }
    }

    fn render(record: &OrderRecord) -> StoredResponse {
        StoredResponse::ok(record.id.to_string())
    }

    /// The database alone (no in-flight registry in front of it) makes one order per key, even
    /// when the writes race.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn one_order_per_key_without_the_in_flight_registry() {
        let store = Store::open(&Database::InMemory, &Partner::defaults(), 0).unwrap();
        let writes = (0..32).map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .write(|tx| create(tx, row(Some(claim("same")), 100), render))
                    .await
                    .unwrap()
            })
        });
        let mut created = Vec::new();
        let mut replayed = Vec::new();
        for write in writes {
            match write.await.unwrap() {
                CreateOutcome::Created(response) => created.push(response),
                CreateOutcome::Replayed(response) => replayed.push(response),
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(created.len(), 1);
        assert!(replayed.iter().all(|response| *response == created[0]));
        let count = store
            .read(|connection| {
                Ok(
                    connection.query_row("SELECT COUNT(*) FROM orders", [], |row| {
                        row.get::<_, i64>(0)
                    })?,
                )
            })
            .await
            .unwrap();
        assert_eq!(count, 1);

        let reused = store
            .write(|tx| create(tx, row(Some(claim("other")), 101), render))
            .await
            .unwrap();
        assert!(matches!(reused, CreateOutcome::KeyReused));
    }

    #[tokio::test]
    async fn pending_orders_read_as_expired_once_their_time_is_up() {
        let store = Store::open(&Database::InMemory, &Partner::defaults(), 0).unwrap();
        let CreateOutcome::Created(response) = store
            .write(|tx| create(tx, row(None, 100), render))
            .await
            .unwrap()
        else {
            panic!("not created");
        };
        let id: i64 = response.body.parse().unwrap();
        let status_at = |now_ms: i64| {
            let store = store.clone();
            async move {
                store
                    .read(move |connection| of_partner(connection, now_ms, "alpha", id))
                    .await
                    .unwrap()
                    .unwrap()
                    .status
            }
        };
        assert_eq!(status_at(1_999).await, "pending_payment");
        assert_eq!(status_at(2_000).await, "expired");
        assert!(
            store
                .read(move |connection| of_partner(connection, 0, "beta", id))
                .await
                .unwrap()
                .is_none()
        );
    }
}
