//! One version of the spec as plain JSON: its operations, `$ref` resolution, and which
//! component schemas each operation reaches in its request and in its responses.
//!
//! The spec is read as a `serde_json::Value`, not through `openapiv3`, so that a base taken from
//! an old commit is compared even when today's generator would reject it.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};

const SCHEMA_REF_PREFIX: &str = "#/components/schemas/";
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
/// `$ref` chains longer than this are cycles.
const MAX_REF_HOPS: usize = 32;

/// A parsed spec.
#[derive(Debug)]
pub struct Document {
    root: Value,
}

/// One operation, its `$ref`s to parameters, bodies and responses resolved.
#[derive(Debug, Clone)]
pub struct Operation {
    /// `operationId`, or `METHOD path` when there is none.
    pub id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template.
    pub path: String,
    /// Path-level then operation-level parameters; an operation-level one overrides.
    pub params: Vec<Param>,
    /// The request body, when there is one.
    pub body: Option<Body>,
    /// Status (`200`, `4XX`, `default`) → its JSON schema, when it has one.
    pub responses: BTreeMap<String, Option<Value>>,
    /// Whether a call needs credentials (the effective `security` asks for some).
    pub needs_auth: bool,
    /// The operation's `x-…` extensions.
    pub extensions: BTreeMap<String, Value>,
}

/// A parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Wire name.
    pub name: String,
    /// `path`, `query`, `header` or `cookie`.
    pub location: String,
    /// Whether a caller must send it.
    pub required: bool,
    /// Its schema (possibly a `$ref`).
    pub schema: Value,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// Whether a caller must send it.
    pub required: bool,
    /// Its media types.
    pub media_types: BTreeSet<String>,
    /// The JSON schema, when it has a JSON media type.
    pub schema: Option<Value>,
}

/// Which operations reach a component schema, and in which direction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usage {
    /// Operations whose parameters or request body reach it: callers build it.
    pub requests: BTreeSet<String>,
    /// Operations whose responses reach it: callers read it.
    pub responses: BTreeSet<String>,
}

impl Document {
    /// Parses YAML (or JSON) spec text; `display` names it in errors.
    pub fn parse(text: &str, display: &str) -> Result<Self> {
        let root: Value = serde_norway::from_str(text)
            .with_context(|| format!("{display}: not a YAML document"))?;
        if !root.get("paths").is_some_and(Value::is_object) {
            bail!("{display}: the spec has no `paths` object");
        }
        Ok(Self { root })
    }

    /// Follows `$ref`s until a value that is not one; a dangling or cyclic `$ref` is returned
    /// as is, so comparison still sees it.
    pub fn resolve<'a>(&'a self, mut value: &'a Value) -> &'a Value {
        for _ in 0..MAX_REF_HOPS {
            let Some(target) = ref_of(value).and_then(|r| self.pointer(r)) else {
                return value;
            };
            value = target;
        }
        value
    }

    fn pointer(&self, reference: &str) -> Option<&Value> {
        self.root.pointer(reference.strip_prefix('#')?)
    }

    /// The component schema called `name`.
    pub fn schema(&self, name: &str) -> Option<&Value> {
        self.root
            .pointer(&format!("/components/schemas/{}", escape_pointer(name)))
    }

    /// Names of the component schemas.
    pub fn schema_names(&self) -> BTreeSet<String> {
        self.root
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Every operation, in path order.
    pub fn operations(&self) -> Vec<Operation> {
        let Some(paths) = self.root.get("paths").and_then(Value::as_object) else {
            return Vec::new();
        };
        let global_security = self.root.get("security");
        let mut out = Vec::new();
        for (path, item) in paths {
            let item = self.resolve(item);
            let path_params = item.get("parameters");
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let security = op.get("security").or(global_security);
                out.push(Operation {
                    id: op.get("operationId").and_then(Value::as_str).map_or_else(
                        || format!("{} {path}", method.to_uppercase()),
                        str::to_owned,
                    ),
                    method: method.to_uppercase(),
                    path: path.clone(),
                    params: self.params(path_params, op.get("parameters")),
                    body: op.get("requestBody").map(|b| self.body(b)),
                    responses: self.responses(op.get("responses")),
                    needs_auth: needs_auth(security),
                    extensions: extensions(op),
                });
            }
        }
        out
    }

    fn params(&self, path_level: Option<&Value>, op_level: Option<&Value>) -> Vec<Param> {
        let mut out: Vec<Param> = Vec::new();
        for list in [path_level, op_level].into_iter().flatten() {
            for raw in list.as_array().into_iter().flatten() {
                let p = self.resolve(raw);
                let name = str_field(p, "name");
                let location = str_field(p, "in");
                let param = Param {
                    required: location == "path" || p.get("required") == Some(&Value::Bool(true)),
                    schema: p.get("schema").cloned().unwrap_or(Value::Null),
                    name,
                    location,
                };
                out.retain(|q| (&q.name, &q.location) != (&param.name, &param.location));
                out.push(param);
            }
        }
        out
    }

    fn body(&self, raw: &Value) -> Body {
        let body = self.resolve(raw);
        let content = body.get("content").and_then(Value::as_object);
        Body {
            required: body.get("required") == Some(&Value::Bool(true)),
            media_types: content
                .map(|c| c.keys().cloned().collect())
                .unwrap_or_default(),
            schema: content.and_then(json_schema),
        }
    }

    fn responses(&self, raw: Option<&Value>) -> BTreeMap<String, Option<Value>> {
        let Some(responses) = raw.and_then(Value::as_object) else {
            return BTreeMap::new();
        };
        responses
            .iter()
            .map(|(status, r)| {
                let content = self.resolve(r).get("content").and_then(Value::as_object);
                (status.clone(), content.and_then(json_schema))
            })
            .collect()
    }

    /// For each component schema, the operations that reach it through `$ref`s.
    pub fn usage(&self) -> BTreeMap<String, Usage> {
        let mut usage: BTreeMap<String, Usage> = BTreeMap::new();
        for op in self.operations() {
            let mut requests = BTreeSet::new();
            for p in &op.params {
                self.reach(&p.schema, &mut requests);
            }
            if let Some(schema) = op.body.as_ref().and_then(|b| b.schema.as_ref()) {
                self.reach(schema, &mut requests);
            }
            let mut responses = BTreeSet::new();
            for schema in op.responses.values().flatten() {
                self.reach(schema, &mut responses);
            }
            for name in requests {
                usage
                    .entry(name)
                    .or_default()
                    .requests
                    .insert(op.id.clone());
            }
            for name in responses {
                usage
                    .entry(name)
                    .or_default()
                    .responses
                    .insert(op.id.clone());
            }
        }
        usage
    }

    /// Adds every component schema reachable from `value` to `out`.
    fn reach(&self, value: &Value, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                if let Some(name) = ref_of(value).and_then(schema_ref_name) {
                    if out.insert(name.to_owned())
                        && let Some(target) = self.schema(name)
                    {
                        self.reach(target, out);
                    }
                    return;
                }
                for v in map.values() {
                    self.reach(v, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| self.reach(v, out)),
            _ => {}
        }
    }
}

/// The `$ref` of a value, if it is one.
pub fn ref_of(value: &Value) -> Option<&str> {
    value.get("$ref").and_then(Value::as_str)
}

/// `X` of `#/components/schemas/X`.
pub fn schema_ref_name(reference: &str) -> Option<&str> {
    reference.strip_prefix(SCHEMA_REF_PREFIX)
}

fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn str_field(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The schema of the JSON media type (`application/json`, `…+json`) of a `content` map.
fn json_schema(content: &Map<String, Value>) -> Option<Value> {
    content
        .iter()
        .find(|(media, _)| {
            let media = media.split(';').next().unwrap_or_default().trim();
            media == "application/json" || media.ends_with("+json")
        })
        .and_then(|(_, m)| m.get("schema").cloned())
}

/// A `security` list needs credentials unless it is empty or offers an empty alternative.
fn needs_auth(security: Option<&Value>) -> bool {
    match security.and_then(Value::as_array) {
        Some(options) => {
            !options.is_empty()
                && !options
                    .iter()
                    .any(|o| o.as_object().is_some_and(Map::is_empty))
        }
        None => false,
    }
}

fn extensions(op: &Value) -> BTreeMap<String, Value> {
    op.as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.starts_with("x-"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}
