//! Codegen time, in process, for our spec and for synthetic specs of 100 and 1000 operations.
//! Run: `cargo bench -p xtask --bench codegen`.

use divan::Bencher;
use xtask::codegen::{Spec, generate, load_spec, synthetic};
use xtask::workspace;

fn main() {
    divan::main();
}

fn our_spec() -> Spec {
    load_spec(&workspace::root().join(workspace::SPEC), workspace::SPEC).expect("spec loads")
}

/// Parse + check + generate (client and mocks) + format, for our spec as it is.
#[divan::bench(sample_count = 30)]
fn our_spec_end_to_end(bencher: Bencher<'_, '_>) {
    let text = std::fs::read_to_string(workspace::root().join(workspace::SPEC)).expect("spec");
    bencher.bench(|| {
        let spec = xtask::codegen::parse_spec(&text, workspace::SPEC).expect("parses");
        generate(&spec).expect("generates")
    });
}

/// Generate + format for `n` operations (17 is our spec unchanged).
#[divan::bench(args = [17, 100, 1000], sample_count = 10)]
fn generate_operations(bencher: Bencher<'_, '_>, operations: usize) {
    let spec = synthetic::scaled(&our_spec(), operations);
    assert_eq!(spec.operation_count(), operations);
    bencher.bench(|| generate(&spec).expect("generates"));
}
