//! The contract suite: mock mode by default, live mode with `CONTRACT_BASE_URL` and
//! `CONTRACT_API_KEY`. See `contract-tests/README.md`.

fn main() -> std::process::ExitCode {
    contract_tests::harness::main()
}
