//! Connection settings and the schema. Money is stored as whole nanotons (`INTEGER`), times as
//! Unix milliseconds.

use rusqlite::Connection;

use super::StoreError;

/// Bumped whenever the tables change; a database of another version is refused, not guessed at.
const SCHEMA_VERSION: i64 = 1;

/// First order id minus one: ids look like the provider's (five digits and up).
const FIRST_ORDER_ID: i64 = 10_000;

const SCHEMA: &str = "
CREATE TABLE partners (
    name            TEXT PRIMARY KEY,
    balance_nanoton INTEGER NOT NULL CHECK (balance_nanoton >= 0),
    top_up_address  TEXT NOT NULL
) STRICT;

CREATE TABLE orders (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    partner            TEXT NOT NULL REFERENCES partners(name),
    status             TEXT NOT NULL,
    order_type         TEXT NOT NULL,
    stars_amount       INTEGER,
    premium_months     INTEGER,
    recipient_username TEXT NOT NULL,
    price_nanoton      INTEGER NOT NULL,
    payment_method     TEXT NOT NULL,
    payment_currency   TEXT NOT NULL,
    payment_address    TEXT NOT NULL,
    payment_memo       TEXT NOT NULL UNIQUE,
    client_reference   TEXT,
    idempotency_key    TEXT,
    created_at_ms      INTEGER NOT NULL,
    expires_at_ms      INTEGER NOT NULL
) STRICT;
CREATE INDEX orders_by_partner ON orders (partner, id);
CREATE INDEX orders_by_reference ON orders (client_reference, partner);

-- The stored answer of every request that carried an Idempotency-Key and changed state,
-- written in the same transaction as the change.
CREATE TABLE idempotency_records (
    partner         TEXT NOT NULL REFERENCES partners(name),
    key             TEXT NOT NULL,
    fingerprint     TEXT NOT NULL,
    response_status INTEGER NOT NULL,
    response_body   TEXT NOT NULL,
    order_id        INTEGER REFERENCES orders(id),
    created_at_ms   INTEGER NOT NULL,
    PRIMARY KEY (partner, key)
) STRICT;

CREATE TABLE balance_transactions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    partner        TEXT NOT NULL REFERENCES partners(name),
    kind           TEXT NOT NULL,
    amount_nanoton INTEGER NOT NULL,
    order_id       INTEGER REFERENCES orders(id),
    created_at_ms  INTEGER NOT NULL
) STRICT;
CREATE INDEX balance_transactions_by_partner ON balance_transactions (partner, id);
";

/// Settings of the writer of a file database.
pub(super) fn configure_file(connection: &Connection) -> Result<(), StoreError> {
    let mode: String = connection.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Invalid(format!(
            "the database cannot use WAL mode (journal_mode is {mode})"
        )));
    }
    connection.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 5000;",
    )?;
    Ok(())
}

/// Settings of a reader of a file database.
pub(super) fn configure_reader(connection: &Connection) -> Result<(), StoreError> {
    connection.execute_batch(
        "PRAGMA query_only = ON;
         PRAGMA busy_timeout = 5000;",
    )?;
    Ok(())
}

/// Creates the tables in a new database; checks the version of an existing one.
pub(super) fn migrate(connection: &Connection) -> Result<(), StoreError> {
    connection.execute_batch("PRAGMA foreign_keys = ON;")?;
    let version: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    match version {
        0 => {
            let transaction = connection.unchecked_transaction()?;
            transaction.execute_batch(SCHEMA)?;
            transaction.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES ('orders', ?1)",
                [FIRST_ORDER_ID],
            )?;
            transaction.pragma_update(None, "user_version", SCHEMA_VERSION)?;
            transaction.commit()?;
            Ok(())
        }
        SCHEMA_VERSION => Ok(()),
        other => Err(StoreError::Invalid(format!(
            "the database has schema version {other}, this sandbox uses {SCHEMA_VERSION}; \
             use another --db file"
        ))),
    }
}
