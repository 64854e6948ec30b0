//! Durable state in SQLite: partners and balances, orders, balance transactions and idempotency
//! records.
//!
//! One writer connection takes every write in an `IMMEDIATE` transaction, so writes are
//! serialised and an idempotency check and the insert it guards are atomic. File databases run
//! in WAL mode with `synchronous = FULL`: a `200` is answered only after its transaction is on
//! disk, so every acknowledged order survives `kill -9` and even power loss; readers use their
//! own connections and never wait for the writer. SQLite is blocking, so every call runs on
//! tokio's blocking pool.

pub(crate) mod balance;
mod idempotency;
pub(crate) mod orders;
mod page;
mod setup;
mod store_error;
pub(crate) mod transition;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rusqlite::{Connection, Transaction, TransactionBehavior};

pub(crate) use self::page::Page;
pub(crate) use self::store_error::StoreError;
use crate::config::{Database, Partner};

/// Reader connections for a file database; writes have their own.
const READERS: usize = 4;

/// The sandbox's database.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    inner: Arc<Connections>,
}

#[derive(Debug)]
struct Connections {
    writer: Mutex<Connection>,
    /// Empty for an in-memory database, whose one connection does everything.
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
}

/// A poisoned lock only means a panic elsewhere; SQLite rolled that transaction back, so the
/// connection is fine to reuse.
fn lock(connection: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    connection.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Store {
    /// Opens (creating when missing) the database, migrates it and records the partners.
    pub(crate) fn open(
        database: &Database,
        partners: &[Partner],
        now_ms: i64,
    ) -> Result<Self, StoreError> {
        let (writer, readers) = match database {
            Database::InMemory => {
                let connection = Connection::open_in_memory()?;
                setup::migrate(&connection)?;
                (connection, Vec::new())
            }
            Database::File(path) => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(|source| StoreError::CreateDir {
                        path: parent.to_owned(),
                        source,
                    })?;
                }
                let writer = Connection::open(path)?;
                setup::configure_file(&writer)?;
                setup::migrate(&writer)?;
                let readers = (0..READERS)
                    .map(|_| open_reader(path).map(Mutex::new))
                    .collect::<Result<_, _>>()?;
                (writer, readers)
            }
        };
        balance::register_partners(&writer, partners, now_ms)?;
        Ok(Self {
            inner: Arc::new(Connections {
                writer: Mutex::new(writer),
                readers,
                next_reader: AtomicUsize::new(0),
            }),
        })
    }

    /// Runs a read on a reader connection.
    pub(crate) async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let connection = if inner.readers.is_empty() {
                &inner.writer
            } else {
                let i = inner.next_reader.fetch_add(1, Ordering::Relaxed) % inner.readers.len();
                &inner.readers[i]
            };
            f(&lock(connection))
        })
        .await?
    }

    /// Runs `f` in one `IMMEDIATE` transaction, committed when `f` returns `Ok`. The closure
    /// runs to the end even if the request that asked for it goes away, so whatever it holds
    /// (an idempotency slot) is released only after the commit.
    pub(crate) async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T, StoreError> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let mut connection = lock(&inner.writer);
            let transaction =
                connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = f(&transaction)?;
            transaction.commit()?;
            Ok(value)
        })
        .await?
    }
}

fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let reader = Connection::open(path)?;
    setup::configure_reader(&reader)?;
    Ok(reader)
}
