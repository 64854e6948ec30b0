//! No file of any workspace crate imports itself back through other files (see
//! `xtask::module_graph` for what counts as an import).

use xtask::import_cycles::cycles;
use xtask::module_graph::workspace_imports;
use xtask::workspace;

#[test]
fn no_crate_has_an_import_cycle() {
    let packages = workspace_imports(&workspace::root()).unwrap();
    // A checker that finds no import at all is not looking at the crate.
    for name in [
        "chaos",
        "contract-tests",
        "theopenmoney",
        "theopenmoney-sandbox",
        "test-proxy",
        "xtask",
    ] {
        let package = packages
            .iter()
            .find(|package| package.package == name)
            .unwrap_or_else(|| panic!("{name} was not checked"));
        assert!(
            package.imports.len() >= package.files.len() / 2,
            "{name}: only {} imports among {} files",
            package.imports.len(),
            package.files.len()
        );
    }
    let mut report = String::new();
    for package in &packages {
        for cycle in cycles(&package.imports) {
            report.push_str(&format!("{}: {cycle}\n", package.package));
        }
    }
    assert!(
        report.is_empty(),
        "files that import each other in a circle; move what both need to where it belongs:\n\n{report}"
    );
}
