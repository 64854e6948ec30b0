//! Partners' balances and the transactions that move them.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{Page, StoreError};
use crate::config::Partner;
use crate::pricing::ton_to_nanotons;

/// One row of `balance_transactions`. Amounts are signed: top-ups and refunds positive, order
/// payments negative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TransactionRecord {
    pub(crate) id: i64,
    pub(crate) kind: String,
    pub(crate) amount_nanotons: i64,
    pub(crate) order_id: Option<i64>,
    pub(crate) created_at_ms: i64,
}

/// Adds partners the database has not seen, each with its starting balance as a `top_up`.
/// Known partners keep the balance they have.
pub(super) fn register_partners(
    connection: &Connection,
    partners: &[Partner],
    now_ms: i64,
) -> Result<(), StoreError> {
    let transaction = connection.unchecked_transaction()?;
    for partner in partners {
        let balance = ton_to_nanotons(partner.initial_balance).ok_or_else(|| {
            StoreError::Invalid(format!(
                "partner {:?}: the initial balance must be whole nanotons",
                partner.name
            ))
        })?;
        let added = transaction.execute(
            "INSERT OR IGNORE INTO partners (name, balance_nanoton, top_up_address)
             VALUES (?1, ?2, ?3)",
            params![partner.name, balance, partner.top_up_address()],
        )?;
        if added == 1 && balance > 0 {
            record(&transaction, &partner.name, "top_up", balance, None, now_ms)?;
        }
    }
    transaction.commit()?;
    Ok(())
}

/// The partner's balance in nanotons.
pub(crate) fn balance(connection: &Connection, partner: &str) -> Result<i64, StoreError> {
    connection
        .prepare_cached("SELECT balance_nanoton FROM partners WHERE name = ?1")?
        .query_row([partner], |row| row.get(0))
        .optional()?
        .ok_or_else(|| StoreError::Invalid(format!("unknown partner {partner:?}")))
}

/// Moves the balance by `amount` (signed) and records why, or returns `false` when the balance
/// would go below zero (nothing is changed then).
pub(crate) fn apply(
    transaction: &Transaction<'_>,
    partner: &str,
    kind: &str,
    amount: i64,
    order_id: Option<i64>,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let current = balance(transaction, partner)?;
    let Some(next) = current.checked_add(amount).filter(|next| *next >= 0) else {
        return Ok(false);
    };
    transaction
        .prepare_cached("UPDATE partners SET balance_nanoton = ?2 WHERE name = ?1")?
        .execute(params![partner, next])?;
    record(transaction, partner, kind, amount, order_id, now_ms)?;
    Ok(true)
}

fn record(
    connection: &Connection,
    partner: &str,
    kind: &str,
    amount: i64,
    order_id: Option<i64>,
    now_ms: i64,
) -> Result<(), StoreError> {
    connection
        .prepare_cached(
            "INSERT INTO balance_transactions (partner, kind, amount_nanoton, order_id, created_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![partner, kind, amount, order_id, now_ms])?;
    Ok(())
}

/// One page of the partner's transactions, newest first, and the total count.
pub(crate) fn transactions(
    connection: &Connection,
    partner: &str,
    page: Page,
) -> Result<(Vec<TransactionRecord>, i64), StoreError> {
    let total = connection
        .prepare_cached("SELECT COUNT(*) FROM balance_transactions WHERE partner = ?1")?
        .query_row([partner], |row| row.get(0))?;
    let items = connection
        .prepare_cached(
            "SELECT id, kind, amount_nanoton, order_id, created_at_ms FROM balance_transactions
             WHERE partner = ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3",
        )?
        .query_map(params![partner, page.limit, page.offset], |row| {
            Ok(TransactionRecord {
                id: row.get(0)?,
                kind: row.get(1)?,
                amount_nanotons: row.get(2)?,
                order_id: row.get(3)?,
                created_at_ms: row.get(4)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok((items, total))
}
