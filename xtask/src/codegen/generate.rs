//! Runs progenitor in memory, turning its panics into errors that name the operation.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use anyhow::{Context, Result, anyhow};
use openapiv3::{OpenAPI, PathItem, ReferenceOr};
use proc_macro2::TokenStream;
use progenitor_impl::Generator;

use super::cli;
use super::operations::operations as sdk_operations;
use super::optional_derives;
use super::output::header;
use super::patterns;
use super::progenitor_shapes::Shapes;
use super::settings::{SDK_CRATE, generation_settings};
use super::spec::Spec;
use super::struct_builders;
use super::surface;

/// Both generated files, formatted and headed, not yet written.
#[derive(Debug)]
pub struct Generated {
    /// `sdk/src/generated.rs`: progenitor's client and types.
    pub sdk: String,
    /// `sdk/src/generated_api.rs`: the partner-facing methods, inputs, streams and waiters.
    pub api: String,
    /// `mock/src/generated.rs`: the typed httpmock helpers.
    pub mocks: String,
    /// `cli/src/generated.rs`: the `theopenmoney` command's commands and dispatch.
    pub cli: String,
    /// Types in the client's `types` module.
    pub type_count: usize,
}

/// Generates the client and the typed mocks from a checked spec.
pub fn generate(spec: &Spec) -> Result<Generated> {
    let client = guarded(spec, |api| {
        let settings = generation_settings(api)?;
        Generator::new(&settings)
            .generate_tokens(api)
            .map_err(|e| anyhow!("progenitor: {e}"))
    })?;
    // A fresh generator: one that already generated the client has its types registered twice.
    let mocks = guarded(spec, |api| {
        let settings = generation_settings(api)?;
        Generator::new(&settings)
            .httpmock(api, SDK_CRATE)
            .map_err(|e| anyhow!("progenitor (httpmock): {e}"))
    })?;
    let mut client = parse(client, "client")?;
    optional_derives::gate(&mut client);
    struct_builders::drop(&mut client);
    patterns::rewrite(&mut client).map_err(|e| anyhow!("{}: {e}", spec.display))?;
    let type_count = count_types(&client);
    let operations = sdk_operations(spec)?;
    let shapes = Shapes::read(&client);
    let api = surface::emit(&operations, &shapes)
        .with_context(|| format!("{}: generating the sdk's methods", spec.display))?;
    let cli = cli::emit(spec, &operations, &shapes)
        .with_context(|| format!("{}: generating the CLI's commands", spec.display))?;
    Ok(Generated {
        sdk: format!("{}{}", header(spec), prettyplease::unparse(&client)),
        api: format!(
            "{}{}",
            header(spec),
            prettyplease::unparse(&parse(api, "sdk methods")?)
        ),
        mocks: format!(
            "{}{}",
            header(spec),
            prettyplease::unparse(&parse(mocks, "mocks")?)
        ),
        cli: format!(
            "{}{}",
            header(spec),
            prettyplease::unparse(&parse(cli, "CLI commands")?)
        ),
        type_count,
    })
}

fn parse(tokens: TokenStream, what: &str) -> Result<syn::File> {
    syn::parse2(tokens).with_context(|| format!("progenitor produced unparsable {what} code"))
}

/// Structs and enums in the `types` module (not its `builder` submodule).
fn count_types(file: &syn::File) -> usize {
    file.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref(),
            _ => None,
        })
        .map_or(0, |(_, items)| {
            items
                .iter()
                .filter(|i| matches!(i, syn::Item::Struct(_) | syn::Item::Enum(_)))
                .count()
        })
}

/// Runs `f`; if progenitor panics (it asserts rather than errs on some spec shapes), finds the
/// first operation that panics on its own and names it.
fn guarded(spec: &Spec, f: impl Fn(&OpenAPI) -> Result<TokenStream>) -> Result<TokenStream> {
    match run_quietly(|| f(&spec.openapi)) {
        Ok(result) => result.with_context(|| format!("{}: generation failed", spec.display)),
        Err(message) => {
            for (path, method, id) in operations(&spec.openapi) {
                let single = only_operation(&spec.openapi, &path, &method);
                if let Err(op_message) = run_quietly(|| f(&single)) {
                    return Err(anyhow!(
                        "{}: operation `{id}` ({} {path}) makes progenitor panic: {op_message}\n\
                         hint: progenitor needs one success schema and one error schema per \
                         operation, and no `default` response beside `200`",
                        spec.display,
                        method.to_uppercase()
                    ));
                }
            }
            Err(anyhow!("{}: progenitor panicked: {message}", spec.display))
        }
    }
}

/// `(path, method, operationId)` of every operation.
fn operations(api: &OpenAPI) -> Vec<(String, String, String)> {
    api.paths
        .iter()
        .filter_map(|(path, item)| item.as_item().map(|item| (path, item)))
        .flat_map(|(path, item)| {
            item.iter().map(move |(method, op)| {
                (
                    path.clone(),
                    method.to_string(),
                    op.operation_id.clone().unwrap_or_default(),
                )
            })
        })
        .collect()
}

/// A copy of `api` holding one operation only.
fn only_operation(api: &OpenAPI, path: &str, method: &str) -> OpenAPI {
    let mut single = api.clone();
    single.paths.paths.retain(|p, _| p == path);
    if let Some(ReferenceOr::Item(item)) = single.paths.paths.get_mut(path) {
        let keep = |m: &str| m == method;
        let item: &mut PathItem = item;
        for (name, slot) in [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("options", &mut item.options),
            ("head", &mut item.head),
            ("patch", &mut item.patch),
            ("trace", &mut item.trace),
        ] {
            if !keep(name) {
                *slot = None;
            }
        }
    }
    single
}

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Calls `f`, returning its panic message instead of unwinding, without printing the panic.
fn run_quietly<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    result.map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "(no message)".into())
    })
}
