//! Larger specs for the codegen benchmark, made by replicating the real operations under new
//! paths and ids, so every shape stays one the generator really meets.

use openapiv3::ReferenceOr;
use serde_json::Value;

use super::spec::Spec;

/// A copy of `spec` with `operations` operations (at least the original ones, in whole copies
/// of the original set, plus a partial copy for the remainder).
pub fn scaled(spec: &Spec, operations: usize) -> Spec {
    let original: Vec<(String, ReferenceOr<openapiv3::PathItem>)> = spec
        .openapi
        .paths
        .paths
        .iter()
        .map(|(path, item)| (path.clone(), item.clone()))
        .collect();
    let mut openapi = spec.openapi.clone();
    let mut count = spec.operation_count();
    let mut copy = 0;
    'outer: while count < operations {
        copy += 1;
        for (path, item) in &original {
            let ReferenceOr::Item(item) = item else {
                continue;
            };
            let mut item = item.clone();
            let mut kept = 0;
            for slot in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ] {
                if let Some(op) = slot {
                    if count + kept >= operations {
                        *slot = None;
                        continue;
                    }
                    op.operation_id = op
                        .operation_id
                        .as_ref()
                        .map(|id| format!("{id}_copy{copy}"));
                    rename_sdk_extensions(&mut op.extensions, copy);
                    kept += 1;
                }
            }
            if kept == 0 {
                break 'outer;
            }
            count += kept;
            let new_path = path.replacen("/api/v1/", &format!("/api/v1/copy{copy}/"), 1);
            openapi
                .paths
                .paths
                .insert(new_path, ReferenceOr::Item(item));
        }
    }
    spec.with_document(
        format!("{} (scaled to {operations} operations)", spec.display),
        openapi,
    )
}

/// Gives a copy's input type, stream, waiters and CLI command names of their own, as a real new operation
/// would have.
fn rename_sdk_extensions(extensions: &mut indexmap::IndexMap<String, Value>, copy: usize) {
    if let Some(Value::String(input)) = extensions.get_mut("x-sdk-input") {
        *input = format!("{input}Copy{copy}");
    }
    if let Some(Value::String(stream)) = extensions
        .get_mut("x-pagination")
        .and_then(|p| p.get_mut("stream"))
    {
        *stream = format!("{stream}_copy{copy}");
    }
    if let Some(Value::Object(waiters)) = extensions.get_mut("x-waiters") {
        *waiters = std::mem::take(waiters)
            .into_iter()
            .map(|(name, waiter)| (format!("{name}_copy{copy}"), waiter))
            .collect();
    }
    if let Some(Value::String(command)) = extensions.get_mut("x-cli-name") {
        *command = format!("{command}-copy{copy}");
    }
}
