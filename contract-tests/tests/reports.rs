//! What a live run leaves for CI, seen from outside: the suite's harness runs as its own process
//! (`contract-suite`, the same harness as `cargo test --test contract`) against a fresh
//! in-process sandbox, broken or not by a rewriting proxy, and writes its reports into a
//! scratch directory.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use contract_tests::budget::Budget;
use contract_tests::intercept::{Interceptor, Passthrough};
use contract_tests::proxy::RecordingProxy;
use contract_tests::rewrite::{Break, Meaning};
use contract_tests::run::RunState;
use contract_tests::runtime::block_on;
use serde_json::Value;
use theopenmoney_sandbox::{Sandbox, SandboxHandle};

/// The sandbox's partners; none of their keys may appear in anything a run prints or writes.
const PARTNERS: [&str; 3] = ["alpha", "beta", "throttled"];

/// A fresh sandbox behind a proxy that may break it; stops when dropped.
struct Server {
    proxy: Option<RecordingProxy>,
    sandbox: Option<SandboxHandle>,
    keys: Vec<String>,
}

impl Server {
    fn start(interceptor: Arc<dyn Interceptor>) -> Self {
        block_on(async {
            let sandbox = Sandbox::builder().start().await.expect("a sandbox starts");
            let run = Arc::new(RunState::new(Budget::unlimited()));
            let proxy = RecordingProxy::start(sandbox.base_url(), run, interceptor)
                .await
                .expect("the proxy starts");
            let keys = PARTNERS
                .iter()
                .map(|p| sandbox.key(p).expect("a default partner").to_owned())
                .collect();
            Self {
                proxy: Some(proxy),
                sandbox: Some(sandbox),
                keys,
            }
        })
    }

    fn url(&self) -> String {
        self.proxy.as_ref().expect("running").base_url()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.proxy.take());
        if let Some(sandbox) = self.sandbox.take() {
            block_on(sandbox.shutdown()).expect("the sandbox stops");
        }
    }
}

/// One run of the harness process: what it printed and the directory it wrote.
struct Run {
    success: bool,
    output: String,
    dir: PathBuf,
}

impl Run {
    fn file(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(name))
            .unwrap_or_else(|e| panic!("{name} was not written: {e}\n{}", self.output))
    }

    /// The rows of the `## Generated cases` table of `summary.md`: property, inputs tried,
    /// digest of the inputs.
    fn generated_cases(&self) -> Vec<String> {
        let summary = self.file("summary.md");
        let start = summary
            .find("## Generated cases")
            .unwrap_or_else(|| panic!("no generated cases in:\n{summary}"));
        summary[start..]
            .lines()
            .skip(1)
            .take_while(|line| !line.starts_with("## "))
            .filter(|line| line.starts_with("| `"))
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs the live suite against `server` with `seed`, the second partner's key, `extra`
/// variables and harness `args`.
fn run_suite(server: &Server, seed: u64, extra: &[(&str, &str)], args: &[&str]) -> Run {
    let dir = std::env::temp_dir().join(format!("contract-reports-{}", uuid::Uuid::new_v4()));
    let mut command = Command::new(env!("CARGO_BIN_EXE_contract-suite"));
    for (name, _) in std::env::vars() {
        if name.starts_with("CONTRACT_") || name.starts_with("PROPTEST_") {
            command.env_remove(name);
        }
    }
    let output = command
        .args(args)
        .env("CONTRACT_BASE_URL", server.url())
        .env("CONTRACT_API_KEY", &server.keys[0])
        .env("CONTRACT_API_KEY_2", &server.keys[1])
        .env("CONTRACT_SEED", seed.to_string())
        .env("CONTRACT_REPORT_DIR", dir.join("reports"))
        // The coverage file goes next to the reports, not into the shared target dir.
        .env("CARGO_TARGET_DIR", &dir)
        .env("PROPTEST_CASES", "4")
        .envs(extra.iter().copied())
        .output()
        .expect("the harness runs");
    Run {
        success: output.status.success(),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
        dir: dir.join("reports"),
    }
}

/// Fails when any partner's key shows in what the run printed or in a file it wrote.
fn assert_no_key(server: &Server, run: &Run) {
    let mut texts = vec![("output".to_owned(), run.output.clone())];
    for entry in std::fs::read_dir(&run.dir).expect("the report dir") {
        let path = entry.expect("an entry").path();
        let text = std::fs::read_to_string(&path).expect("a text report");
        texts.push((path.display().to_string(), text));
    }
    for (what, text) in texts {
        for key in &server.keys {
            assert!(!text.contains(key.as_str()), "a key in {what}:\n{text}");
        }
    }
}

fn testcase<'a>(junit: &'a str, name: &str) -> &'a str {
    let start = junit
        .find(&format!("<testcase name=\"{name}\""))
        .unwrap_or_else(|| panic!("no testcase {name} in:\n{junit}"));
    let rest = &junit[start..];
    let end = rest
        .find("/>\n")
        .filter(|&i| !rest[..i].contains('>'))
        .map(|i| i + 3)
        .or_else(|| rest.find("</testcase>\n").map(|i| i + 12))
        .expect("a closed testcase");
    &rest[..end]
}

fn live_clause_tests() -> Vec<&'static str> {
    contract_tests::clauses::live_tests()
        .iter()
        .map(|t| t.name)
        .collect()
}

#[test]
fn a_failing_run_leaves_the_failing_clause_its_exchange_a_reproducer_and_the_seed() {
    let server = Server::start(Arc::new(Break::NotFoundBecomes(400)));
    let run = run_suite(&server, 4242, &[], &[]);
    assert!(
        !run.success,
        "a broken server must fail the run:\n{}",
        run.output
    );

    let junit = run.file("junit.xml");
    let case = testcase(&junit, "error_codes::not_found_404");
    assert!(
        case.contains("<failure message=\"contract clause `error-codes/404` broken by operation `get_order`: expected 404 NOT_FOUND, saw 400")
            && case.contains("type=\"error-codes/404\""),
        "{case}"
    );
    assert!(
        junit.contains("<property name=\"seed\" value=\"4242\"/>"),
        "{junit}"
    );

    let curl = "curl -sS -i -X GET \"$CONTRACT_BASE_URL\"'/api/v1/orders/9007199254740000' \\\n  -H \"authorization: Bearer $CONTRACT_API_KEY\"";
    assert!(
        run.output.contains(curl),
        "no reproducer in:\n{}",
        run.output
    );
    assert!(
        run.output
            .contains("replay the generated cases: CONTRACT_SEED=4242"),
        "{}",
        run.output
    );
    assert!(
        run.output
            .contains("contract suite, live mode: FAILED; seed 4242"),
        "{}",
        run.output
    );

    let exchanges: Vec<Value> = run
        .file("exchanges.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    let broke = exchanges
        .iter()
        .find(|e| e["test"] == "error_codes::not_found_404")
        .expect("the exchange that broke the 404 clause");
    assert_eq!(broke["clause"], "error-codes/404");
    assert_eq!(broke["request"]["method"], "GET");
    assert_eq!(broke["request"]["path"], "/api/v1/orders/9007199254740000");
    assert_eq!(
        broke["request"]["headers"]["authorization"],
        "Bearer $CONTRACT_API_KEY"
    );
    assert_eq!(broke["response"]["status"], 400);
    assert_eq!(broke["response"]["body"]["error_code"], "NOT_FOUND");
    assert!(
        broke["curl"]
            .as_str()
            .expect("a reproducer")
            .starts_with(curl)
    );

    let summary = run.file("summary.md");
    assert!(
        summary.starts_with("# Contract suite, live mode: FAILED\n"),
        "{summary}"
    );
    assert!(
        summary.contains("| `error_codes::not_found_404` | **failed** |"),
        "{summary}"
    );
    assert_no_key(&server, &run);
}

#[test]
fn the_same_seed_replays_the_same_cases_and_the_same_minimal_failing_input() {
    // Errors without `error_code`: the invalid-input property fails, and proptest shrinks.
    let server = Server::start(Arc::new(Break::DropErrorCode));
    let only_generated = [
        "--skip",
        "envelope",
        "--skip",
        "error_codes",
        "--skip",
        "idempotency::",
        "--skip",
        "paging::",
    ];
    let first = run_suite(&server, 77, &[], &only_generated);
    let replay = run_suite(&server, 77, &[], &only_generated);
    let other = run_suite(&server, 78, &[], &only_generated);

    let cases = first.generated_cases();
    let names: Vec<&str> = cases
        .iter()
        .map(|row| row.split('`').nth(1).expect("a property name"))
        .collect();
    assert_eq!(
        names,
        [
            "properties::invalid_inputs_rejected [live]",
            "properties::valid_orders_round_trip [live]",
            "state_machine::orders_and_idempotency [live]",
        ],
        "{}",
        first.file("junit.xml")
    );
    assert_eq!(replay.generated_cases(), cases);
    // Another seed, other cases: the digests are not a constant.
    let others = other.generated_cases();
    assert_eq!(others.len(), cases.len());
    assert!(
        others.iter().zip(&cases).all(|(o, c)| o != c),
        "{others:?} {cases:?}"
    );

    // The failing property fails the same way, down to proptest's minimal input.
    let failure_message = |run: &Run| {
        let junit = run.file("junit.xml");
        let case = testcase(&junit, "properties::invalid_inputs_rejected");
        let start = case
            .find("<failure message=\"")
            .unwrap_or_else(|| panic!("not failed: {case}"));
        let message = case[start + 18..].split('"').next().expect("a message");
        assert!(message.contains("minimal failing input: "), "{message}");
        message.to_owned()
    };
    assert_eq!(failure_message(&replay), failure_message(&first));
    for run in [&first, &replay, &other] {
        assert!(!run.success);
        assert_no_key(&server, run);
    }
}

#[test]
fn a_clean_run_shows_every_clause_passed_or_ignored_with_its_reason() {
    let server = Server::start(Arc::new(Passthrough));
    // No rate-limited key: the 429 clause is ignored, with its reason.
    let run = run_suite(&server, 5, &[], &[]);
    assert!(run.success, "{}", run.output);
    let junit = run.file("junit.xml");
    assert!(!junit.contains("<failure"), "{junit}");
    for name in live_clause_tests() {
        let case = testcase(&junit, name);
        let passed = case.ends_with("/>\n") && !case.contains("<skipped");
        let ignored = case
            .contains("<skipped message=\"opt-in: needs CONTRACT_RATE_LIMIT_API_KEY\"/>")
            && name == "error_codes::rate_limited_429";
        assert!(passed || ignored, "{case}");
    }
    for check in ["run::request_budget", "run::cleanup", "run::coverage"] {
        assert!(testcase(&junit, check).ends_with("/>\n"), "{junit}");
    }
    assert_eq!(run.file("exchanges.jsonl"), "");
    let summary = run.file("summary.md");
    let clauses = live_clause_tests().len();
    assert!(
        summary.contains(&format!(
            "| clauses | {} passed, 0 failed, 1 ignored |",
            clauses - 1
        )),
        "{summary}"
    );
    assert!(
        summary.contains("\n## Coverage\n\nContract coverage, live mode"),
        "{summary}"
    );
    for meaning in [
        "| paging | list_orders | ",
        "| filters | list_orders?status | ",
        "| aggregates | get_order_stats | ",
        "| headers/idempotent-replayed | cancel_order | ",
        "| invariants/order | Order | ",
    ] {
        let row = summary
            .lines()
            .find(|l| l.starts_with(meaning))
            .unwrap_or_else(|| panic!("no {meaning} in {summary}"));
        assert!(
            !row.ends_with("| 0 |"),
            "not compared on a clean run: {row}"
        );
    }
    assert_no_key(&server, &run);
    assert!(Path::new(&run.dir).join("summary.md").exists());
}

#[test]
fn a_server_that_ignores_offset_is_named_in_every_report_with_a_reproducer() {
    let server = Server::start(Arc::new(Break::Meaning(Meaning::IgnoreOffset)));
    let run = run_suite(&server, 4343, &[], &["paging::"]);
    assert!(!run.success, "{}", run.output);
    let junit = run.file("junit.xml");
    let case = testcase(&junit, "paging::pages_partition_every_list");
    assert!(
        case.contains("<failure message=\"contract clause `paging` broken by operation `list_orders`: the page at limit=1 offset=1 holds")
            && case.contains("type=\"paging\""),
        "{case}"
    );
    let summary = run.file("summary.md");
    assert!(
        summary.contains("| `paging::pages_partition_every_list` | **failed** |"),
        "{summary}"
    );
    let reproducer = "curl -sS -i -X GET \"$CONTRACT_BASE_URL\"'/api/v1/orders?limit=";
    assert!(run.output.contains(reproducer), "{}", run.output);
    assert!(summary.contains(reproducer), "{summary}");
    assert_no_key(&server, &run);
}
