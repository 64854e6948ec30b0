//! The server as a command: options shared by the `theopenmoney-sandbox` binary and
//! `cargo xtask sandbox`, the banner with the base URL and keys, and serving until Ctrl-C or
//! SIGTERM.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use theopenmoney::{Percent, UsdAmount};

use crate::config::Database;
use crate::pricing::Pricing;
use crate::server::{Sandbox, SandboxHandle};

/// What `:memory:` as `--db` means: state in memory only.
const IN_MEMORY: &str = ":memory:";

/// Options of the sandbox server.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (loopback unless you mean to share it).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// SQLite database file, created when missing; `:memory:` keeps state in memory only.
    #[arg(long, value_name = "PATH")]
    pub db: Option<String>,
    /// Seconds an unpaid order stays `pending_payment` before it is `expired`.
    #[arg(long, value_name = "SECONDS", default_value_t = 900)]
    pub order_ttl: u64,
    /// Serve no `/_sandbox/…` control surface.
    #[arg(long)]
    pub no_control_api: bool,
    /// US dollars per TON used for every price.
    #[arg(long, value_name = "USD")]
    pub ton_usd: Option<UsdAmount>,
    /// Service fee in percent added to list prices.
    #[arg(long, value_name = "PERCENT")]
    pub fee_percent: Option<Percent>,
}

/// Sets up logging to stderr (`RUST_LOG` overrides; default `info`). Safe to call twice.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Starts a sandbox from `args` (with `default_db` when `--db` is not given), prints the banner
/// and serves until Ctrl-C or SIGTERM.
pub async fn serve(args: ServeArgs, default_db: PathBuf) -> anyhow::Result<()> {
    let database = match args.db.as_deref() {
        Some(IN_MEMORY) => Database::InMemory,
        Some(path) => Database::File(PathBuf::from(path)),
        None => Database::File(default_db),
    };
    let defaults = Pricing::default();
    let pricing = Pricing {
        ton_usd: args.ton_usd.unwrap_or(defaults.ton_usd),
        fee_percent: args.fee_percent.unwrap_or(defaults.fee_percent),
        ..defaults
    };
    let sandbox = Sandbox::builder()
        .bind(args.addr)
        .database(database)
        .order_ttl(Duration::from_secs(args.order_ttl))
        .control_api(!args.no_control_api)
        .pricing(pricing)
        .start()
        .await?;
    if let Err(error) = print_banner(&sandbox) {
        // A closed stdout (a parent that read the first line and left) must not stop the server.
        tracing::warn!(%error, "cannot print the banner");
    }
    stop_signal().await?;
    tracing::info!("stopping");
    sandbox.shutdown().await?;
    Ok(())
}

/// The base URL, the keys and a first request to try, on stdout.
fn print_banner(sandbox: &SandboxHandle) -> std::io::Result<()> {
    let base = sandbox.base_url();
    let mut out = std::io::stdout().lock();
    writeln!(out, "TheOpenMoney sandbox listening on {base}")?;
    writeln!(out, "  base URL (sdk):  {base}")?;
    writeln!(out, "  API:             {base}/api/v1")?;
    writeln!(out, "  API reference:   {base}/docs")?;
    if sandbox.control_api() {
        writeln!(out, "  console:         {base}/_sandbox/")?;
        writeln!(
            out,
            "  control:         {base}/_sandbox  (see sandbox/README.md)"
        )?;
    } else {
        writeln!(out, "  control:         off")?;
    }
    match sandbox.database() {
        Database::InMemory => writeln!(out, "  database:        in memory")?,
        Database::File(path) => writeln!(out, "  database:        {}", path.display())?,
    }
    writeln!(out, "  partners:")?;
    for partner in sandbox.partners() {
        let limit = partner.rate_limit;
        writeln!(
            out,
            "    {:<10} key {:<24} {} requests per {} s",
            partner.name,
            partner.key,
            limit.requests,
            limit.period.as_secs_f64()
        )?;
    }
    if let Some(partner) = sandbox.partners().first() {
        writeln!(
            out,
            "Try: curl -s -H 'Authorization: Bearer {}' {base}/api/v1/balance",
            partner.key
        )?;
    }
    writeln!(out, "Stop with Ctrl-C.")?;
    out.flush()
}

async fn stop_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result,
            _ = terminate.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}
