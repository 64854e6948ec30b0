//! The contract suite's harness as a plain binary, the same as `cargo test --test contract`:
//! the tests run it as a separate process to see what a run prints and writes.

fn main() -> std::process::ExitCode {
    contract_tests::harness::main()
}
