//! Reads the spec and rejects, with a file:line message, what progenitor would choke on.

use std::path::Path;

use anyhow::{Context, Result, bail};
use openapiv3::OpenAPI;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// HTTP methods an OpenAPI path item may hold.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A parsed, checked spec.
#[derive(Debug)]
pub struct Spec {
    /// The name used in messages and headers, relative to the workspace root.
    pub display: String,
    /// Lower-case hex SHA-256 of the spec file's bytes.
    pub sha256: String,
    /// The document.
    pub openapi: OpenAPI,
    /// The file's text, for locating messages.
    text: String,
}

impl Spec {
    /// The file's text, as read.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Number of operations across all paths.
    pub fn operation_count(&self) -> usize {
        self.openapi.operations().count()
    }

    /// Another document under this spec's text, hash and a new display name (for derived specs
    /// such as the benchmark's scaled ones).
    pub fn with_document(&self, display: String, openapi: OpenAPI) -> Spec {
        Spec {
            display,
            sha256: self.sha256.clone(),
            openapi,
            text: self.text.clone(),
        }
    }

    /// `file:line` of `key:` inside the operation `operation_id` (the `operationId` line when the
    /// key is not found).
    pub fn locate_in_operation(&self, operation_id: &str, key: &str) -> String {
        self.locate_in_block(&format!("operationId: {operation_id}"), key)
    }

    /// `file:line` of `key:` inside the parameter `name` written inline in the operation
    /// `operation_id` (the operation's line for `key` when the parameter is not found).
    pub fn locate_in_parameter(&self, operation_id: &str, name: &str, key: &str) -> String {
        let lines: Vec<&str> = self.text.lines().collect();
        let indent = |l: &str| l.len() - l.trim_start().len();
        let operation = format!("operationId: {operation_id}");
        let parameter = format!("name: {name}");
        let Some(start) = lines
            .iter()
            .position(|l| l.trim() == operation)
            .and_then(|op| {
                lines[op..]
                    .iter()
                    .position(|l| l.trim().trim_start_matches("- ") == parameter)
                    .map(|p| op + p)
            })
        else {
            return self.locate_in_operation(operation_id, key);
        };
        let depth = indent(lines[start]);
        let needle = format!("{key}:");
        let found = lines[start..]
            .iter()
            .enumerate()
            .skip(1)
            .take_while(|(_, l)| {
                l.trim().is_empty() || (indent(l) > depth && !l.trim_start().starts_with("- "))
            })
            .find(|(_, l)| l.trim_start().starts_with(&needle))
            .map_or(start, |(offset, _)| start + offset);
        format!("{}:{}", self.display, found + 1)
    }

    /// `file:line` of `key:` inside the component schema `name`.
    pub fn locate_in_schema(&self, name: &str, key: &str) -> String {
        self.locate_in_block(&format!("{name}:"), key)
    }

    /// The first `key:` after the line starting with `anchor`, within that line's block (lines
    /// indented at least as deep). Falls back to the anchor's line, then to the file alone.
    fn locate_in_block(&self, anchor: &str, key: &str) -> String {
        let lines: Vec<&str> = self.text.lines().collect();
        let indent = |l: &str| l.len() - l.trim_start().len();
        let Some(start) = lines
            .iter()
            .position(|l| l.trim().trim_start_matches("- ") == anchor)
        else {
            return self.display.clone();
        };
        let depth = indent(lines[start]);
        let needle = format!("{key}:");
        let found = lines[start..]
            .iter()
            .enumerate()
            .skip(1)
            .take_while(|(_, l)| l.trim().is_empty() || indent(l) >= depth)
            .find(|(_, l)| l.trim_start().trim_start_matches("- ").starts_with(&needle))
            .map_or(start, |(offset, _)| start + offset);
        format!("{}:{}", self.display, found + 1)
    }
}

/// Reads and checks the spec at `path`; `display` names it in messages.
pub fn load_spec(path: &Path, display: &str) -> Result<Spec> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{display}: cannot read"))?;
    parse_spec(&text, display)
}

/// Parses and checks spec text; `display` names the file in messages.
pub fn parse_spec(text: &str, display: &str) -> Result<Spec> {
    let value: Value = serde_norway::from_str(text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!("{}:{}", l.line(), l.column()))
            .unwrap_or_else(|| "?".into());
        anyhow::anyhow!("{display}:{at}: invalid YAML: {e}")
    })?;
    check_version(&value, text, display)?;
    check_operation_ids(&value, text, display)?;
    check_refs(&value, &value, text, display)?;
    check_patterns(&value, text, display)?;
    let openapi: OpenAPI = serde_path_to_error::deserialize(&value).map_err(|e| {
        let path = e.path().to_string();
        let line = line_of_path(text, &path);
        anyhow::anyhow!(
            "{display}:{}: not a valid OpenAPI 3.0 document at `{path}`: {}",
            line.map_or_else(|| "?".into(), |l| l.to_string()),
            e.inner()
        )
    })?;
    Ok(Spec {
        display: display.to_string(),
        sha256: hex(&Sha256::digest(text.as_bytes())),
        openapi,
        text: text.to_owned(),
    })
}

fn check_version(value: &Value, text: &str, display: &str) -> Result<()> {
    let line = line_of(text, "openapi:").unwrap_or(1);
    match value.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => Ok(()),
        Some(v) => bail!(
            "{display}:{line}: OpenAPI {v} is not supported: progenitor generates from OpenAPI 3.0.x only"
        ),
        None => bail!("{display}:{line}: missing `openapi: 3.0.x` version field"),
    }
}

fn check_operation_ids(value: &Value, text: &str, display: &str) -> Result<()> {
    let Some(paths) = value.get("paths").and_then(Value::as_object) else {
        bail!("{display}: the spec has no `paths` object");
    };
    let mut seen = std::collections::HashMap::new();
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let line = line_after(text, &format!("{path}:"), &format!("{method}:"));
            let at = line.map_or_else(|| "?".into(), |l| l.to_string());
            let upper = method.to_uppercase();
            match op.get("operationId").and_then(Value::as_str) {
                None | Some("") => {
                    bail!("{display}:{at}: operation {upper} {path} has no operationId")
                }
                Some(id) => {
                    if let Some(first) = seen.insert(id.to_string(), format!("{upper} {path}")) {
                        bail!(
                            "{display}:{at}: operationId `{id}` of {upper} {path} is already used by {first}"
                        );
                    }
                }
            }
        }
    }
    Ok(())
}

/// Every `$ref` must point inside this document at something that exists.
fn check_refs(node: &Value, root: &Value, text: &str, display: &str) -> Result<()> {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                let resolved = target
                    .strip_prefix('#')
                    .and_then(|pointer| root.pointer(pointer));
                if resolved.is_none() {
                    let at = line_of(text, target).map_or_else(|| "?".into(), |l| l.to_string());
                    bail!(
                        "{display}:{at}: unknown $ref `{target}` (only references inside this file are supported)"
                    );
                }
            }
            map.values()
                .try_for_each(|v| check_refs(v, root, text, display))
        }
        Value::Array(items) => items
            .iter()
            .try_for_each(|v| check_refs(v, root, text, display)),
        _ => Ok(()),
    }
}

/// Every string `pattern` must compile into the sdk's matcher (`patterns`), so a pattern the
/// sdk cannot check faithfully stops codegen at its line.
fn check_patterns(node: &Value, text: &str, display: &str) -> Result<()> {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(pattern)) = map.get("pattern")
                && let Err(why) = super::patterns::compile(pattern)
            {
                let at = pattern_line(text, pattern).map_or_else(|| "?".into(), |l| l.to_string());
                bail!("{display}:{at}: pattern `{pattern}` {why}");
            }
            // Examples and extensions hold data, not schemas; the keys of `properties` are
            // property names, whatever they are called.
            map.iter().try_for_each(|(key, v)| match (key.as_str(), v) {
                ("properties", Value::Object(properties)) => properties
                    .values()
                    .try_for_each(|schema| check_patterns(schema, text, display)),
                ("example" | "examples", _) => Ok(()),
                (key, _) if key.starts_with("x-") => Ok(()),
                _ => check_patterns(v, text, display),
            })
        }
        Value::Array(items) => items
            .iter()
            .try_for_each(|v| check_patterns(v, text, display)),
        _ => Ok(()),
    }
}

/// 1-based line of the `pattern:` key whose YAML value is `pattern`.
fn pattern_line(text: &str, pattern: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix("pattern:")
                .and_then(|value| serde_norway::from_str::<String>(value).ok())
                .is_some_and(|value| value == pattern)
        })
        .map(|i| i + 1)
}

/// 1-based line of the first line containing `needle`.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

/// 1-based line of the first `needle` at or after the first line whose trimmed text starts
/// with `anchor`.
fn line_after(text: &str, anchor: &str, needle: &str) -> Option<usize> {
    let start = text
        .lines()
        .position(|l| l.trim_start().starts_with(anchor))?;
    text.lines()
        .enumerate()
        .skip(start)
        .find(|(_, l)| l.trim_start().starts_with(needle))
        .map(|(i, _)| i + 1)
}

/// Best-effort line for a serde path such as `paths./api/v1/x.get.responses`: the line of its
/// deepest key that can be found in order.
fn line_of_path(text: &str, path: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let mut from = 0;
    let mut found = None;
    for segment in path.split('.').filter(|s| !s.is_empty() && *s != "?") {
        let key = format!("{}:", segment.trim_matches(|c| c == '[' || c == ']'));
        let quoted = format!("\"{}\":", segment);
        if let Some(offset) = lines[from..].iter().position(|l| {
            let t = l.trim_start().trim_start_matches("- ");
            t.starts_with(&key) || t.starts_with(&quoted)
        }) {
            from += offset;
            found = Some(from + 1);
        }
    }
    found
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n  /a:\n    get:\n      operationId: get_a\n      responses:\n        '200':\n          description: ok\n";

    #[test]
    fn accepts_a_minimal_spec() {
        let spec = parse_spec(MINIMAL, "s.yaml").expect("minimal spec parses");
        assert_eq!(spec.operation_count(), 1);
        assert_eq!(spec.sha256.len(), 64);
    }

    #[test]
    fn yaml_error_names_file_and_line() {
        let broken = MINIMAL.replace("  title: t\n", "  title: [t\n");
        let err = parse_spec(&broken, "s.yaml").unwrap_err().to_string();
        assert!(err.starts_with("s.yaml:"), "{err}");
        assert!(err.contains("invalid YAML"), "{err}");
    }

    #[test]
    fn openapi_31_is_rejected_with_its_line() {
        let err = parse_spec(&MINIMAL.replace("3.0.3", "3.1.0"), "s.yaml")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("s.yaml:1: OpenAPI 3.1.0 is not supported"),
            "{err}"
        );
    }

    #[test]
    fn missing_operation_id_names_the_operation_and_line() {
        let err = parse_spec(&MINIMAL.replace("      operationId: get_a\n", ""), "s.yaml")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "s.yaml:7: operation GET /a has no operationId");
    }

    #[test]
    fn unknown_ref_names_the_ref_and_line() {
        let spec = MINIMAL.replace(
            "          description: ok\n",
            "          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Nope'\n",
        );
        let err = parse_spec(&spec, "s.yaml").unwrap_err().to_string();
        assert!(
            err.starts_with("s.yaml:15: unknown $ref `#/components/schemas/Nope`"),
            "{err}"
        );
    }

    #[test]
    fn a_pattern_the_sdk_cannot_check_names_its_line_and_construct() {
        let spec = format!(
            "{MINIMAL}components:\n  schemas:\n    Name:\n      type: string\n      pattern: '^\\w+$'\n"
        );
        let err = parse_spec(&spec, "s.yaml").unwrap_err().to_string();
        assert!(
            err.starts_with("s.yaml:16: pattern `^\\w+$` uses `\\d`, `\\w` or `\\s`"),
            "{err}"
        );
    }

    #[test]
    fn a_pattern_key_in_an_example_is_data() {
        let spec = format!(
            "{MINIMAL}components:\n  schemas:\n    Rule:\n      type: object\n      example:\n        pattern: '^\\w+$'\n"
        );
        parse_spec(&spec, "s.yaml").expect("an example's `pattern` is not compiled");
        let spec = format!(
            "{MINIMAL}components:\n  schemas:\n    Rule:\n      type: object\n      properties:\n        example:\n          type: string\n          pattern: '^\\w+$'\n"
        );
        let err = parse_spec(&spec, "s.yaml").unwrap_err().to_string();
        assert!(
            err.starts_with("s.yaml:19: pattern"),
            "a property named `example` is a schema: {err}"
        );
    }

    #[test]
    fn duplicate_operation_id_names_both_operations() {
        let spec = format!(
            "{MINIMAL}  /b:\n    get:\n      operationId: get_a\n      responses:\n        '200':\n          description: ok\n"
        );
        let err = parse_spec(&spec, "s.yaml").unwrap_err().to_string();
        assert!(
            err.contains("`get_a` of GET /b is already used by GET /a"),
            "{err}"
        );
    }
}
