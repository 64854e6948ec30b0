//! Starting and stopping a sandbox: the builder other crates use in-process, and the handle it
//! returns.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::clock::now_ms;
use crate::config::{
    Config, DEFAULT_BODY_LIMIT_BYTES, DEFAULT_IDEMPOTENCY_TTL, DEFAULT_ORDER_TTL, Database, Partner,
};
use crate::pricing::Pricing;
use crate::routes::router;
use crate::state::AppState;
use crate::store::{Store, StoreError};

/// The sandbox: a local, stateful stand-in for TheOpenMoney's staging API.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use theopenmoney_sandbox::{Database, Sandbox};
///
/// let sandbox = Sandbox::builder().database(Database::InMemory).start().await?;
/// let url = sandbox.base_url(); // "http://127.0.0.1:PORT", without /api/v1
/// let key = sandbox.key("alpha").unwrap(); // "osk_sandbox_alpha"
/// # let _ = (url, key);
/// sandbox.shutdown().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Sandbox;

impl Sandbox {
    /// A builder with the defaults: `127.0.0.1:0`, in memory, 15-minute orders, keys honoured
    /// for 24 hours, control surface on, [`Partner::defaults`], [`Pricing::default`].
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }
}

/// Configures and starts a [`Sandbox`].
#[derive(Debug, Clone)]
pub struct SandboxBuilder {
    bind: SocketAddr,
    config: Config,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            config: Config {
                database: Database::InMemory,
                order_ttl: DEFAULT_ORDER_TTL,
                idempotency_ttl: DEFAULT_IDEMPOTENCY_TTL,
                control_api: true,
                partners: Partner::defaults(),
                pricing: Pricing::default(),
                body_limit_bytes: DEFAULT_BODY_LIMIT_BYTES,
            },
        }
    }
}

impl SandboxBuilder {
    /// Where to listen (default `127.0.0.1:0`: a free port).
    #[must_use]
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// Where to keep state (default in memory).
    #[must_use]
    pub fn database(mut self, database: Database) -> Self {
        self.config.database = database;
        self
    }

    /// How long an unpaid order stays `pending_payment` before it is `expired` (default 15 min).
    #[must_use]
    pub fn order_ttl(mut self, ttl: Duration) -> Self {
        self.config.order_ttl = ttl;
        self
    }

    /// How long an `Idempotency-Key` is honoured (default 24 h).
    #[must_use]
    pub fn idempotency_ttl(mut self, ttl: Duration) -> Self {
        self.config.idempotency_ttl = ttl;
        self
    }

    /// Whether the `/_sandbox/…` control surface is served (default yes).
    #[must_use]
    pub fn control_api(mut self, enabled: bool) -> Self {
        self.config.control_api = enabled;
        self
    }

    /// Replaces the partners (default [`Partner::defaults`]).
    #[must_use]
    pub fn partners(mut self, partners: impl IntoIterator<Item = Partner>) -> Self {
        self.config.partners = partners.into_iter().collect();
        self
    }

    /// Replaces the prices (default [`Pricing::default`]).
    #[must_use]
    pub fn pricing(mut self, pricing: Pricing) -> Self {
        self.config.pricing = pricing;
        self
    }

    /// The largest request body accepted (default 64 KiB); larger is `413`.
    #[must_use]
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.config.body_limit_bytes = bytes;
        self
    }

    /// Opens the database, binds and starts serving on the current tokio runtime.
    pub async fn start(self) -> Result<SandboxHandle, StartError> {
        let Self { bind, config } = self;
        config.validate().map_err(StartError::Config)?;
        let started_ms = now_ms();
        let store = {
            let (database, partners) = (config.database.clone(), config.partners.clone());
            tokio::task::spawn_blocking(move || Store::open(&database, &partners, started_ms))
                .await
                .map_err(StartError::DatabaseTask)?
                .map_err(|e| StartError::Database(DatabaseError(e)))?
        };
        let listener = TcpListener::bind(bind)
            .await
            .map_err(|source| StartError::Bind { addr: bind, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| StartError::Bind { addr: bind, source })?;
        let base_url = format!("http://{addr}");
        let state = Arc::new(AppState::new(&config, store, started_ms, base_url.clone()));
        let app = router(state, config.control_api);
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    // A dropped sender stops the server too.
                    let _ = stopped.await;
                })
                .await
        });
        tracing::info!(%addr, control_api = config.control_api, "sandbox started");
        Ok(SandboxHandle {
            addr,
            base_url,
            partners: config.partners,
            database: config.database,
            control_api: config.control_api,
            stop: Some(stop),
            server: Some(server),
        })
    }
}

/// Why a sandbox did not start. The message says what failed; the cause, when there is one, is
/// the [`source`](std::error::Error::source) (print the whole chain, as `anyhow`'s `{:#}` does).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The configuration contradicts itself; the message names the field.
    #[error("invalid sandbox configuration: {0}")]
    Config(String),
    /// The database could not be opened, created or migrated.
    #[error("cannot open the sandbox database")]
    Database(#[source] DatabaseError),
    /// The blocking task opening the database panicked or was cancelled.
    #[error("the task opening the sandbox database did not finish")]
    DatabaseTask(#[source] tokio::task::JoinError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The cause.
        #[source]
        source: io::Error,
    },
}

/// What went wrong with the database: its message, and as its
/// [`source`](std::error::Error::source) the underlying SQLite or I/O error when there is one.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct DatabaseError(StoreError);

/// A running sandbox. Dropping it stops the server; [`SandboxHandle::shutdown`] also waits for
/// open requests to finish.
#[derive(Debug)]
pub struct SandboxHandle {
    addr: SocketAddr,
    base_url: String,
    partners: Vec<Partner>,
    database: Database,
    control_api: bool,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<io::Result<()>>>,
}

impl SandboxHandle {
    /// `http://127.0.0.1:PORT`, without `/api/v1` (the spec's paths carry it; this is the sdk's
    /// base URL).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its partners, keys included.
    pub fn partners(&self) -> &[Partner] {
        &self.partners
    }

    /// The partner of this name.
    pub fn partner(&self, name: &str) -> Option<&Partner> {
        self.partners.iter().find(|partner| partner.name == name)
    }

    /// The bearer key of the partner of this name.
    pub fn key(&self, name: &str) -> Option<&str> {
        self.partner(name).map(|partner| partner.key.as_str())
    }

    /// Where it keeps its state.
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// Whether the `/_sandbox/…` control surface is served.
    pub fn control_api(&self) -> bool {
        self.control_api
    }

    /// Stops accepting connections, lets open requests finish, and waits for the server.
    pub async fn shutdown(mut self) -> io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.server.take() {
            Some(server) => server.await.map_err(io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
