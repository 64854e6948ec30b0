//! Maintainer and CI tasks for the TheOpenMoney workspace, run as `cargo xtask <task>`.
//!
//! The library half exists so that benchmarks and tests drive the same code as the binary.

pub mod breaking;
pub mod codegen;
pub mod docs_assets;
pub mod import_cycles;
pub mod launch;
pub mod module_graph;
pub mod public_api;
pub mod workspace;
