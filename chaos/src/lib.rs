//! The chaos proof (`cargo xtask chaos`): exactly-once order creation, proven through a fault-injecting proxy.
//!
//! Each run starts an in-memory sandbox and a proxy in front of it, makes `--requests`
//! `create_stars_order` calls with distinct `client_reference`s through the sdk (at most
//! `--concurrency` in flight), and compares what the client ended up holding with the
//! sandbox's own records (`GET /_sandbox/orders`). The proxy injects, per request and at the
//! configured rates: a response dropped after the server committed, a `502` or `503` without
//! forwarding, a `429` with `Retry-After`, a response held past the client's timeout, and a
//! connection reset mid-body.
//!
//! The main run uses the sdk's default retry policy, and settles any call whose outcome stays
//! unknown by creating again with the key the sdk returned. Two control runs switch retries
//! off: one gives up on an unknown outcome, one re-submits under a new key as a naive client
//! would. Only the main run decides the exit status.
//!
//! # What a seed reproduces
//!
//! The fault a request meets is a pure function of the seed, its call's `client_reference` and
//! how many earlier requests of that call the proxy saw (`FaultPlan`). So with the same
//! seed and options, the n-th attempt of call k meets the same fault in every run and in every
//! strategy, however concurrency orders the requests on the wire. Not reproduced: timing (the
//! sdk's backoff jitter, latencies), and so anything timing decides, such as a rare genuine
//! timeout under load, which adds attempts and shifts that call's later draws.

mod calls;
mod fault;
mod proxy;
mod records;
pub mod report;
mod runner;

use std::time::Duration;

pub use self::calls::Strategy;
pub use self::fault::{Fault, FaultRates};
pub use self::proxy::ProxyStats;
use self::report::RunReport;
pub use self::runner::Settings;

/// Options of `cargo xtask chaos`.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "chaos")]
pub struct Args {
    /// Order creations per run.
    #[arg(long, default_value_t = 1000)]
    pub requests: usize,
    /// Seeds the fault schedule.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Calls in flight at once.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    /// The sdk's per-attempt timeout, in milliseconds.
    #[arg(long, default_value_t = 400)]
    pub timeout_ms: u64,
    /// How long after its arrival a delayed response is sent, in milliseconds (more than
    /// --timeout-ms).
    #[arg(long, default_value_t = 700)]
    pub delay_ms: u64,
    /// `Retry-After` of an injected 429, in seconds.
    #[arg(long, default_value_t = 1)]
    pub retry_after_secs: u64,
    /// Share of requests whose response is dropped after the server committed.
    #[arg(long, default_value_t = 0.04)]
    pub drop_rate: f64,
    /// Share of requests answered 502 without forwarding.
    #[arg(long, default_value_t = 0.03)]
    pub bad_gateway_rate: f64,
    /// Share of requests answered 503 without forwarding.
    #[arg(long, default_value_t = 0.03)]
    pub unavailable_rate: f64,
    /// Share of requests answered 429 with Retry-After without forwarding.
    #[arg(long, default_value_t = 0.03)]
    pub rate_limit_rate: f64,
    /// Share of requests whose response is held past the client's timeout.
    #[arg(long, default_value_t = 0.03)]
    pub delay_rate: f64,
    /// Share of requests whose connection is reset mid-body.
    #[arg(long, default_value_t = 0.04)]
    pub reset_rate: f64,
    /// Fail unless the main run injected every fault kind at least this often.
    #[arg(long, default_value_t = 0)]
    pub min_faults_per_kind: u64,
    /// Skip the control runs without retries.
    #[arg(long)]
    pub no_control: bool,
}

impl Args {
    /// The checked settings of every run.
    pub fn settings(&self) -> anyhow::Result<Settings> {
        anyhow::ensure!(self.requests > 0, "--requests must be at least 1");
        anyhow::ensure!(self.concurrency > 0, "--concurrency must be at least 1");
        anyhow::ensure!(self.timeout_ms > 0, "--timeout-ms must be positive");
        anyhow::ensure!(
            self.delay_ms > self.timeout_ms,
            "--delay-ms ({}) must exceed --timeout-ms ({}) for a delayed response to arrive late",
            self.delay_ms,
            self.timeout_ms
        );
        anyhow::ensure!(
            self.delay_ms <= 10_000 && self.retry_after_secs <= 10,
            "--delay-ms is at most 10000 and --retry-after-secs at most 10, to keep runs short"
        );
        Ok(Settings {
            requests: self.requests,
            seed: self.seed,
            concurrency: self.concurrency,
            timeout: Duration::from_millis(self.timeout_ms),
            delay: Duration::from_millis(self.delay_ms),
            retry_after_secs: self.retry_after_secs,
            rates: FaultRates::new([
                self.drop_rate,
                self.bad_gateway_rate,
                self.unavailable_rate,
                self.rate_limit_rate,
                self.delay_rate,
                self.reset_rate,
            ])?,
        })
    }

    /// The strategies to run: the sdk first, then the controls.
    pub fn strategies(&self) -> Vec<Strategy> {
        if self.no_control {
            vec![Strategy::Sdk]
        } else {
            vec![Strategy::Sdk, Strategy::NaiveGiveUp, Strategy::NaiveNewKey]
        }
    }
}

/// Every run of one invocation, the sdk's first.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// One report per strategy, in [`Args::strategies`] order.
    pub reports: Vec<RunReport>,
    /// Why the invocation fails; empty when the sdk's run held every invariant.
    pub failures: Vec<String>,
}

/// Runs every strategy one after the other, each against its own sandbox and proxy.
pub async fn execute(args: &Args) -> anyhow::Result<Outcome> {
    let settings = args.settings()?;
    let mut reports = Vec::new();
    for strategy in args.strategies() {
        reports.push(runner::run(&settings, strategy).await?);
    }
    let main = &reports[0];
    let mut failures = main.violations();
    for fault in Fault::ALL {
        let injected = main.proxy.faults_of(fault);
        if injected < args.min_faults_per_kind {
            failures.push(format!(
                "`{fault}` was injected {injected} times, fewer than --min-faults-per-kind {}",
                args.min_faults_per_kind
            ));
        }
    }
    Ok(Outcome { reports, failures })
}

/// Runs the task: prints the table, and fails unless the sdk's run was exactly-once.
pub fn run(args: Args) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    println!(
        "chaos: {} create_stars_order calls per run, seed {}, concurrency {}, attempt timeout {} ms, \
         delayed responses at {} ms, Retry-After {} s",
        args.requests,
        args.seed,
        args.concurrency,
        args.timeout_ms,
        args.delay_ms,
        args.retry_after_secs
    );
    let outcome = runtime.block_on(execute(&args))?;
    print!("\n{}", report::table(&outcome.reports));
    if outcome.failures.is_empty() {
        println!("\nexactly once: every call ended with exactly one order; 0 duplicates, 0 lost");
        Ok(())
    } else {
        anyhow::bail!(
            "the sdk's run is not exactly-once:\n  {}",
            outcome.failures.join("\n  ")
        )
    }
}
