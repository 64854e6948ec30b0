//! Idempotency records: the stored answer of a request that carried an `Idempotency-Key`,
//! scoped to the partner, written in the transaction that made the change it answers.

use rusqlite::{OptionalExtension, Transaction, params};

use super::StoreError;
use crate::idempotency::{Claim, StoredResponse};

/// What an earlier request with the same key left behind.
#[derive(Debug)]
pub(super) enum Prior {
    /// Nothing (or only a record older than the replay window, now removed).
    Nothing,
    /// The same request: answer what it was answered.
    Replay(StoredResponse),
    /// A different request under the same key.
    Reused,
}

/// Looks the key up for `partner`.
pub(super) fn check(
    transaction: &Transaction<'_>,
    partner: &str,
    claim: &Claim,
) -> Result<Prior, StoreError> {
    let found = transaction
        .prepare_cached(
            "SELECT fingerprint, response_status, response_body, created_at_ms
             FROM idempotency_records WHERE partner = ?1 AND key = ?2",
        )?
        .query_row(params![partner, claim.key], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, u16>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, i64>(3)?,
            ))
        })
        .optional()?;
    match found {
        None => Ok(Prior::Nothing),
        Some((_, _, _, created_at_ms)) if created_at_ms < claim.honoured_since_ms => {
            transaction
                .prepare_cached("DELETE FROM idempotency_records WHERE partner = ?1 AND key = ?2")?
                .execute(params![partner, claim.key])?;
            Ok(Prior::Nothing)
        }
        Some((fingerprint, status, body, _)) if fingerprint == claim.fingerprint => {
            Ok(Prior::Replay(StoredResponse { status, body }))
        }
        Some(_) => Ok(Prior::Reused),
    }
}

/// Stores the answer to `claim`.
pub(super) fn save(
    transaction: &Transaction<'_>,
    partner: &str,
    claim: &Claim,
    response: &StoredResponse,
    order_id: i64,
    now_ms: i64,
) -> Result<(), StoreError> {
    transaction
        .prepare_cached(
            "INSERT INTO idempotency_records
                 (partner, key, fingerprint, response_status, response_body, order_id, created_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            partner,
            claim.key,
            claim.fingerprint,
            response.status,
            response.body,
            order_id,
            now_ms
        ])?;
    Ok(())
}
