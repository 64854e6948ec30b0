//! Contract suite for TheOpenMoney partner API. It uses the sdk only as an outside user would.

/// Typed httpmock helpers generated from `openapi/theopenmoney.yaml` by `cargo xtask codegen`.
#[rustfmt::skip]
#[allow(missing_docs, missing_debug_implementations, unused_imports, clippy::all, rust_2018_idioms)]
pub mod generated_mocks;
