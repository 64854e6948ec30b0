//! A fresh in-memory sandbox behind the suite's rewriting proxy, as a server any tool can be
//! pointed at: the broken servers of `tests/broken_server.rs` (and the ones that must pass),
//! for comparing tools on the same targets (`contract-tests/compare/run.sh`).
//!
//! ```sh
//! cargo run -p contract-tests --example broken_server -- drop-error-code
//! ```
//!
//! prints its URL, then serves until interrupted. It counts the
//! requests it is sent: `GET /_contract/requests` answers `{"requests": N}` (not counted).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use contract_tests::budget::Budget;
use contract_tests::config::Secret;
use contract_tests::intercept::{Interceptor, Passthrough};
use contract_tests::proxy::RecordingProxy;
use contract_tests::respell::{Respell, Slow, TitleCaseHeaders};
use contract_tests::rewrite::{Additions, Break, Meaning, Reword};
use contract_tests::run::RunState;
use test_proxy::{ProxiedRequest, ProxiedResponse, Verdict};
use theopenmoney_sandbox::Sandbox;

/// Where the request count is read.
const COUNT_PATH: &str = "/_contract/requests";

/// The servers, by name: what each does to a correct sandbox.
const SERVERS: [(&str, &str); 22] = [
    ("clean", "nothing: a correct server"),
    (
        "additions",
        "adds fields, enum values and error codes, reorders keys (must pass)",
    ),
    ("reword", "rewords every error message (must pass)"),
    (
        "respell",
        "writes fractions with exponents, strings as \\u escapes, keys reversed (must pass)",
    ),
    (
        "slow",
        "answers every third request 250 ms late (must pass)",
    ),
    (
        "title-case-headers",
        "writes header names in Title-Case on the wire (must pass)",
    ),
    ("drop-error-code", "errors lose `error_code`"),
    ("non-null-data-on-error", "errors carry `data: {}`"),
    ("strip-retry-after", "429s lose `Retry-After`"),
    ("not-found-becomes-400", "get_order's 404 becomes a 400"),
    (
        "forget-idempotency-key",
        "creates lose their Idempotency-Key: a replay makes a second order",
    ),
    (
        "serve-as-beta",
        "get_order runs as partner beta: another partner's orders leak",
    ),
    ("price-as-string", "orders carry `price_ton` as a string"),
    ("ignore-offset", "lists ignore a valid `offset` and echo it"),
    ("ignore-limit", "lists ignore a valid `limit` and echo it"),
    (
        "total-off-by-one",
        "unfiltered lists report one item more in `total`",
    ),
    (
        "ignore-filters",
        "`list_orders` ignores `status` and `order_type`",
    ),
    (
        "stats-disagree",
        "`by_status` counts one order more than the list",
    ),
    ("omit-replayed", "replays lose `Idempotent-Replayed: true`"),
    (
        "replayed-on-first",
        "first creates carry `Idempotent-Replayed: true`",
    ),
    (
        "replayed-yes",
        "replays say `Idempotent-Replayed: yes` (not in its schema)",
    ),
    (
        "expires-before-created",
        "orders' `expires_at` and `created_at` swapped",
    ),
];

fn interceptor(name: &str, beta: &str) -> Option<Arc<dyn Interceptor>> {
    Some(match name {
        "clean" => Arc::new(Passthrough),
        "additions" => Arc::new(Additions),
        "reword" => Arc::new(Reword),
        "drop-error-code" => Arc::new(Break::DropErrorCode),
        "non-null-data-on-error" => Arc::new(Break::NonNullDataOnError),
        "strip-retry-after" => Arc::new(Break::StripRetryAfter),
        "not-found-becomes-400" => Arc::new(Break::NotFoundBecomes(400)),
        "forget-idempotency-key" => Arc::new(Break::ForgetIdempotencyKey),
        "serve-as-beta" => Arc::new(Break::ServeAs(Secret::new(format!("Bearer {beta}")))),
        "price-as-string" => Arc::new(Break::PriceAsString),
        "respell" => Arc::new(Respell),
        "slow" => Arc::new(Slow::default()),
        "title-case-headers" => Arc::new(TitleCaseHeaders),
        "ignore-offset" => Arc::new(Break::Meaning(Meaning::IgnoreOffset)),
        "ignore-limit" => Arc::new(Break::Meaning(Meaning::IgnoreLimit)),
        "total-off-by-one" => Arc::new(Break::Meaning(Meaning::TotalOffByOne)),
        "ignore-filters" => Arc::new(Break::Meaning(Meaning::IgnoreFilters)),
        "stats-disagree" => Arc::new(Break::Meaning(Meaning::StatsDisagree)),
        "omit-replayed" => Arc::new(Break::Meaning(Meaning::OmitReplayed)),
        "replayed-on-first" => Arc::new(Break::Meaning(Meaning::ReplayedOnFirst)),
        "replayed-yes" => Arc::new(Break::Meaning(Meaning::ReplayedYes)),
        "expires-before-created" => Arc::new(Break::Meaning(Meaning::ExpiresBeforeCreated)),
        _ => return None,
    })
}

/// Counts every request but its own count's, then does what `inner` does.
#[derive(Debug)]
struct Counted {
    inner: Arc<dyn Interceptor>,
    requests: AtomicU64,
}

impl Interceptor for Counted {
    fn on_request(&self, operation: Option<&str>, request: &mut ProxiedRequest) -> Verdict {
        if request.path() == COUNT_PATH {
            let requests = self.requests.load(Ordering::SeqCst);
            return Verdict::Respond(ProxiedResponse::json(
                200,
                &serde_json::json!({ "requests": requests }),
            ));
        }
        self.requests.fetch_add(1, Ordering::SeqCst);
        self.inner.on_request(operation, request)
    }

    fn on_response(
        &self,
        operation: Option<&str>,
        request: &ProxiedRequest,
        response: &mut ProxiedResponse,
    ) {
        self.inner.on_response(operation, request, response);
    }
}

/// Returns on Ctrl-C or, on Unix, SIGTERM (what a script's `kill` sends).
async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> std::process::ExitCode {
    let name = std::env::args().nth(1).unwrap_or_default();
    let sandbox = match Sandbox::builder().start().await {
        Ok(sandbox) => sandbox,
        Err(e) => {
            eprintln!("broken_server: the sandbox did not start: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let beta = sandbox.key("beta").expect("the default partner beta");
    let Some(inner) = interceptor(&name, beta) else {
        eprintln!("usage: broken_server <server>, one of:");
        for (name, what) in SERVERS {
            eprintln!("  {name:<24} {what}");
        }
        return std::process::ExitCode::from(2);
    };
    let counted = Arc::new(Counted {
        inner,
        requests: AtomicU64::new(0),
    });
    let run = Arc::new(RunState::new(Budget::unlimited()));
    let proxy = match RecordingProxy::start(sandbox.base_url(), run, counted).await {
        Ok(proxy) => proxy,
        Err(e) => {
            eprintln!("broken_server: the proxy did not start: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    println!("broken server `{name}` listening on {}", proxy.base_url());
    println!("  request count: GET {}{COUNT_PATH}", proxy.base_url());
    println!("  partners: the sandbox's alpha, beta and throttled (see sandbox/README.md)");
    println!("Stop with Ctrl-C or SIGTERM.");
    interrupted().await;
    drop(proxy);
    match sandbox.shutdown().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("broken_server: the sandbox did not stop cleanly: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
