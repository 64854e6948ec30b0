//! `contract-live`, what `cargo xtask contract` runs: the contract suite's live mode. Without
//! `--base-url` it starts a fresh in-memory sandbox on a free loopback port and runs the suite against it with the
//! sandbox's partner keys (the second partner and the rate-limited one included, so every
//! clause runs); with `--base-url URL` it targets that server (staging) with the key from
//! `CONTRACT_API_KEY` (and, when set, `CONTRACT_API_KEY_2` and `CONTRACT_RATE_LIMIT_API_KEY`).

use std::process::{ExitCode, Stdio};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Parser;
use theopenmoney_sandbox::Sandbox;

/// Options of `cargo xtask contract`.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask contract")]
struct Args {
    /// Target this server (scheme and host, without /api/v1) instead of a fresh sandbox. The
    /// key comes from CONTRACT_API_KEY; the production host is refused unless
    /// CONTRACT_ALLOW_PRODUCTION=1.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Most requests the run may send (sets CONTRACT_REQUEST_BUDGET; default 400).
    #[arg(long, value_name = "N")]
    budget: Option<u32>,
    /// Passed to the suite's harness: a test-name filter, --nocapture, --test-threads N, …
    /// (after `--` when one starts with a hyphen). `cargo xtask contract` strips a leading
    /// `--` of its own, so `cargo xtask contract -- idempotency` reaches here as `idempotency`.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "HARNESS_ARGS"
    )]
    harness_args: Vec<String>,
}

/// The sandbox partners the suite uses: primary, second partner, rate-limited.
const SANDBOX_KEYS: [(&str, &str); 3] = [
    ("CONTRACT_API_KEY", "alpha"),
    ("CONTRACT_API_KEY_2", "beta"),
    ("CONTRACT_RATE_LIMIT_API_KEY", "throttled"),
];

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting a tokio runtime")?;
    runtime.block_on(run_async(args))
}

async fn run_async(args: Args) -> anyhow::Result<()> {
    let mut env: Vec<(String, String)> = Vec::new();
    if let Some(budget) = args.budget {
        env.push(("CONTRACT_REQUEST_BUDGET".into(), budget.to_string()));
    }
    let sandbox = match &args.base_url {
        Some(url) => {
            if std::env::var_os("CONTRACT_API_KEY").is_none_or(|k| k.is_empty()) {
                bail!("--base-url needs the partner key in CONTRACT_API_KEY");
            }
            env.push(("CONTRACT_BASE_URL".into(), url.clone()));
            None
        }
        None => {
            let sandbox = Sandbox::builder()
                .start()
                .await
                .context("starting the sandbox")?;
            env.push(("CONTRACT_BASE_URL".into(), sandbox.base_url().to_owned()));
            for (var, partner) in SANDBOX_KEYS {
                let key = sandbox
                    .key(partner)
                    .with_context(|| format!("the sandbox has no partner `{partner}`"))?;
                env.push((var.into(), key.to_owned()));
            }
            println!("contract: fresh sandbox at {}", sandbox.base_url());
            Some(sandbox)
        }
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let started = Instant::now();
    let status = tokio::process::Command::new(cargo)
        .args([
            "test",
            "--locked",
            "-p",
            "contract-tests",
            "--test",
            "contract",
            "--",
        ])
        .args(&args.harness_args)
        .envs(env)
        .stdin(Stdio::null())
        .status()
        .await
        .context("running cargo test")?;
    println!(
        "contract: live mode finished in {:.1} s (build included)",
        started.elapsed().as_secs_f64()
    );
    if let Some(sandbox) = sandbox {
        sandbox.shutdown().await.context("stopping the sandbox")?;
    }
    if !status.success() {
        bail!("the contract suite failed in live mode");
    }
    Ok(())
}
