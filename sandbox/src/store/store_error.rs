//! What can go wrong with the database itself.

use std::path::PathBuf;

/// A failure of the database itself (never a client mistake). The message says what failed;
/// the cause, when there is one, is the `source()`.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StoreError {
    #[error("SQLite failed")]
    Sqlite(#[from] rusqlite::Error),
    #[error("a database task did not finish")]
    Task(#[from] tokio::task::JoinError),
    #[error("cannot create the database directory {}", path.display())]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(String),
}
