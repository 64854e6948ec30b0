//! The checked-in OpenAPI spec, read at run time: the operations, the statuses and error codes
//! each one documents (what the coverage report holds a run to), and the constraints the
//! property strategies are derived from. Nothing here is hand-copied from the spec.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::LazyLock;

use openapiv3::{OpenAPI, ReferenceOr, Response, StatusCode};
use regex::Regex;
use serde_json::Value;

/// The spec's text, embedded at build time so a spec change rebuilds the suite.
pub(crate) const SPEC_YAML: &str = include_str!("../../openapi/theopenmoney.yaml");

/// The parsed spec.
pub(crate) fn spec() -> &'static Spec {
    static SPEC: LazyLock<Spec> = LazyLock::new(|| Spec::parse(SPEC_YAML));
    &SPEC
}

/// A status as the spec documents it: an exact code or a class such as `5XX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Status {
    /// `200`, `404`, …
    Exact(u16),
    /// `5XX` is `Class(5)`.
    Class(u16),
}

impl Status {
    /// The documented status that an observed one falls under for `operation`.
    pub(crate) fn documented_for(operation: &Operation, observed: u16) -> Self {
        let exact = Self::Exact(observed);
        if operation.responses.iter().any(|r| r.status == exact) {
            exact
        } else if operation
            .responses
            .iter()
            .any(|r| r.status == Self::Class(observed / 100))
        {
            Self::Class(observed / 100)
        } else {
            exact
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exact(code) => write!(f, "{code}"),
            Self::Class(class) => write!(f, "{class}XX"),
        }
    }
}

/// One documented response of an operation.
#[derive(Debug, Clone)]
pub(crate) struct DocumentedResponse {
    pub status: Status,
    /// The error codes its description names (empty for a success).
    pub codes: Vec<String>,
    /// The response headers it declares.
    pub headers: Vec<DeclaredHeader>,
}

/// A response header the spec declares.
#[derive(Debug, Clone)]
pub(crate) struct DeclaredHeader {
    /// Its name, lower-cased.
    pub name: String,
    /// Its schema, references followed.
    pub schema: Value,
}

/// `x-pagination`: the `data` properties holding the items and the total, and the query
/// parameters that page.
#[derive(Debug, Clone, serde::Deserialize)]
pub(crate) struct Pagination {
    pub items: String,
    pub total: String,
    pub limit: String,
    pub offset: String,
    /// The largest `limit` the spec allows.
    #[serde(skip)]
    pub max_limit: u64,
}

/// A query parameter declared `x-filter`: it keeps the items whose `property` equals it.
#[derive(Debug, Clone)]
pub(crate) struct Filter {
    pub parameter: String,
    pub property: String,
    /// The values its schema enumerates (a server may know more).
    pub values: Vec<String>,
}

/// `x-aggregates`: this operation's `total` is the unfiltered total of the list `operation`,
/// and each `counts` object (by property) counts that list filtered by a parameter.
#[derive(Debug, Clone, serde::Deserialize)]
pub(crate) struct Aggregates {
    pub operation: String,
    pub total: String,
    #[serde(default)]
    pub counts: std::collections::BTreeMap<String, String>,
}

/// One operation of the spec.
#[derive(Debug, Clone)]
pub(crate) struct Operation {
    /// `operationId`.
    pub id: String,
    pub method: http::Method,
    /// The path template, `/api/v1/orders/{id}`.
    pub path: String,
    /// Whether it needs the bearer key (`security` not emptied).
    pub needs_auth: bool,
    /// Whether it takes an `Idempotency-Key` header.
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "a fact of the spec its parsing test checks")
    )]
    pub idempotent: bool,
    pub responses: Vec<DocumentedResponse>,
    /// `x-pagination`.
    pub pagination: Option<Pagination>,
    /// Its `x-filter` query parameters.
    pub filters: Vec<Filter>,
    /// `x-aggregates`.
    pub aggregates: Option<Aggregates>,
    path_regex: Regex,
}

impl Operation {
    /// The documented response for `status`, if any.
    pub(crate) fn response(&self, status: Status) -> Option<&DocumentedResponse> {
        self.responses.iter().find(|r| r.status == status)
    }

    /// Whether `path` (without the query) is this operation's path.
    pub(crate) fn matches(&self, method: &http::Method, path: &str) -> bool {
        self.method == *method && self.path_regex.is_match(path)
    }
}

/// The parsed spec.
#[derive(Debug)]
pub(crate) struct Spec {
    /// The operations, in the spec's order.
    pub operations: Vec<Operation>,
    doc: Value,
}

/// The error codes the spec's `ErrorCode` schema enumerates.
fn known_error_codes(doc: &Value) -> BTreeSet<String> {
    doc.pointer("/components/schemas/ErrorCode/anyOf/0/enum")
        .and_then(Value::as_array)
        .map(|codes| {
            codes
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The backticked error codes a response description names, in order.
fn codes_named_in(description: &str, known: &BTreeSet<String>) -> Vec<String> {
    static TICKED: LazyLock<Regex> = LazyLock::new(|| Regex::new("`([A-Z_]+)`").unwrap());
    let mut codes = Vec::new();
    for capture in TICKED.captures_iter(description) {
        let code = capture[1].to_owned();
        if known.contains(&code) && !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes
}

impl Spec {
    fn parse(yaml: &str) -> Self {
        let api: OpenAPI = serde_norway::from_str(yaml).expect("the embedded spec parses");
        let doc: Value = serde_norway::from_str(yaml).expect("the embedded spec parses as JSON");
        let known = known_error_codes(&doc);
        let resolve = |r: &ReferenceOr<Response>| -> Response {
            match r {
                ReferenceOr::Item(item) => item.clone(),
                ReferenceOr::Reference { reference } => {
                    let name = reference.trim_start_matches("#/components/responses/");
                    match api.components.as_ref().and_then(|c| c.responses.get(name)) {
                        Some(ReferenceOr::Item(item)) => item.clone(),
                        _ => panic!("unresolved response reference {reference}"),
                    }
                }
            }
        };
        let mut operations = Vec::new();
        for (path, method, op) in api.operations() {
            let id = op.operation_id.clone().expect("every operation has an id");
            let needs_auth = op
                .security
                .as_ref()
                .or(api.security.as_ref())
                .is_some_and(|s| !s.is_empty());
            let op_pointer = format!(
                "/paths/{}/{method}",
                path.replace('~', "~0").replace('/', "~1")
            );
            let op_value = doc.pointer(&op_pointer).unwrap_or(&Value::Null);
            let idempotent = op_value
                .get("parameters")
                .and_then(Value::as_array)
                .is_some_and(|ps| {
                    ps.iter()
                        .any(|p| p["$ref"] == "#/components/parameters/IdempotencyKey")
                });
            let mut responses = Vec::new();
            for (status, response) in &op.responses.responses {
                let response = resolve(response);
                let status = match status {
                    StatusCode::Code(code) => Status::Exact(*code),
                    StatusCode::Range(class) => Status::Class(*class),
                };
                let codes = if matches!(status, Status::Exact(200..=299)) {
                    Vec::new()
                } else {
                    codes_named_in(&response.description, &known)
                };
                assert!(
                    matches!(status, Status::Exact(200..=299)) || !codes.is_empty(),
                    "{id} {status}: the response description names no error code"
                );
                let response_value = follow(
                    &doc,
                    op_value
                        .pointer(&format!("/responses/{status}"))
                        .unwrap_or(&Value::Null),
                );
                let headers = response_value["headers"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, header)| DeclaredHeader {
                        name: name.to_lowercase(),
                        schema: follow(&doc, &follow(&doc, header)["schema"]).clone(),
                    })
                    .collect();
                responses.push(DocumentedResponse {
                    status,
                    codes,
                    headers,
                });
            }
            operations.push(Operation {
                id,
                method: method.to_uppercase().parse().expect("a valid method"),
                path: path.to_owned(),
                needs_auth,
                idempotent,
                responses,
                pagination: pagination(&doc, op_value),
                filters: filters(&doc, op_value),
                aggregates: op_value.get("x-aggregates").map(|a| {
                    serde_json::from_value(a.clone()).expect("x-aggregates (codegen checks it)")
                }),
                path_regex: Regex::new(&path_pattern(path)).expect("a valid path pattern"),
            });
        }
        Self { operations, doc }
    }

    /// The operation called `id`.
    pub(crate) fn operation(&self, id: &str) -> &Operation {
        self.operations
            .iter()
            .find(|o| o.id == id)
            .unwrap_or_else(|| panic!("the spec has no operation `{id}`"))
    }

    /// The operation a request is for.
    pub(crate) fn operation_for(&self, method: &http::Method, path: &str) -> Option<&Operation> {
        // Literal paths (`/orders/stats/summary`) win over templates (`/orders/{id}`).
        let mut matching: Vec<&Operation> = self
            .operations
            .iter()
            .filter(|o| o.matches(method, path))
            .collect();
        matching.sort_by_key(|o| o.path.matches('{').count());
        matching.first().copied()
    }

    /// Every documented (operation, status, error code) triple; successes have the code `-`.
    pub(crate) fn documented_triples(&self) -> Vec<(String, Status, String)> {
        let mut triples = Vec::new();
        for op in &self.operations {
            for response in &op.responses {
                if response.codes.is_empty() {
                    triples.push((op.id.clone(), response.status, "-".to_owned()));
                }
                for code in &response.codes {
                    triples.push((op.id.clone(), response.status, code.clone()));
                }
            }
        }
        triples
    }

    /// A component schema, as JSON.
    pub(crate) fn schema(&self, name: &str) -> &Value {
        self.doc
            .pointer(&format!("/components/schemas/{name}"))
            .unwrap_or_else(|| panic!("the spec has no schema `{name}`"))
    }

    /// A component parameter's schema, as JSON.
    pub(crate) fn parameter_schema(&self, name: &str) -> &Value {
        self.doc
            .pointer(&format!("/components/parameters/{name}/schema"))
            .unwrap_or_else(|| panic!("the spec has no parameter `{name}`"))
    }
}

/// A value with its `$ref` chain followed (`Null` when a reference is dangling).
fn follow<'a>(doc: &'a Value, mut value: &'a Value) -> &'a Value {
    while let Some(reference) = value.get("$ref").and_then(Value::as_str) {
        match doc.pointer(reference.trim_start_matches('#')) {
            Some(target) => value = target,
            None => return &Value::Null,
        }
    }
    value
}

/// An operation's parameters, references followed.
fn parameters<'a>(doc: &'a Value, op: &'a Value) -> Vec<&'a Value> {
    op["parameters"]
        .as_array()
        .map(|ps| ps.iter().map(|p| follow(doc, p)).collect())
        .unwrap_or_default()
}

fn pagination(doc: &Value, op: &Value) -> Option<Pagination> {
    let mut pagination: Pagination = serde_json::from_value(op.get("x-pagination")?.clone())
        .expect("x-pagination (codegen checks it)");
    pagination.max_limit = parameters(doc, op)
        .into_iter()
        .find(|p| p["name"] == pagination.limit.as_str())
        .and_then(|p| follow(doc, &p["schema"])["maximum"].as_u64())
        .unwrap_or(100);
    Some(pagination)
}

/// The string values a schema enumerates, through `anyOf`/`oneOf` and references.
fn enumerated(doc: &Value, schema: &Value) -> Vec<String> {
    let schema = follow(doc, schema);
    let mut values: Vec<String> = schema["enum"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    for branch in ["anyOf", "oneOf"] {
        for inner in schema[branch].as_array().into_iter().flatten() {
            values.extend(enumerated(doc, inner));
        }
    }
    values
}

fn filters(doc: &Value, op: &Value) -> Vec<Filter> {
    parameters(doc, op)
        .into_iter()
        .filter_map(|p| {
            Some(Filter {
                parameter: p["name"].as_str()?.to_owned(),
                property: p.get("x-filter")?.as_str()?.to_owned(),
                values: enumerated(doc, &p["schema"]),
            })
        })
        .collect()
}

/// The anchored regex of a path template: `{id}` matches one segment.
pub(crate) fn path_pattern(template: &str) -> String {
    static PARAMETER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\\\{[a-z_]+\\\}").unwrap());
    format!(
        "^{}$",
        PARAMETER.replace_all(&regex::escape(template), "[^/]+")
    )
}

/// `minimum` and `maximum` of an integer schema.
pub(crate) fn integer_bounds(schema: &Value) -> (Option<i64>, Option<i64>) {
    (schema["minimum"].as_i64(), schema["maximum"].as_i64())
}

/// `minLength` and `maxLength` of a string schema.
pub(crate) fn length_bounds(schema: &Value) -> (Option<usize>, Option<usize>) {
    let get = |k: &str| schema[k].as_u64().and_then(|n| usize::try_from(n).ok());
    (get("minLength"), get("maxLength"))
}

/// The `enum` of an integer schema.
pub(crate) fn integer_enum(schema: &Value) -> Vec<i64> {
    schema["enum"]
        .as_array()
        .map(|vs| vs.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default()
}

/// The `pattern` of a string schema.
pub(crate) fn pattern(schema: &Value) -> &str {
    schema["pattern"]
        .as_str()
        .expect("the schema has a pattern")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_seventeen_operations_with_their_documented_codes() {
        let spec = spec();
        assert_eq!(spec.operations.len(), 17);
        let cancel = spec.operation("cancel_order");
        assert!(cancel.idempotent && cancel.needs_auth);
        assert_eq!(
            cancel.response(Status::Exact(409)).unwrap().codes,
            ["ORDER_NOT_CANCELLABLE", "IDEMPOTENCY_IN_PROGRESS"]
        );
        let health = spec.operation("get_health");
        assert!(!health.needs_auth && !health.idempotent);
        let retry_after = &spec
            .operation("get_ton_rate")
            .response(Status::Exact(429))
            .unwrap()
            .headers[0];
        assert_eq!(retry_after.name, "retry-after");
        assert_eq!(retry_after.schema["type"], "integer");
        let replayed = &spec
            .operation("create_stars_order")
            .response(Status::Exact(200))
            .unwrap()
            .headers[0];
        assert_eq!(replayed.name, "idempotent-replayed");
        assert_eq!(replayed.schema["enum"][0], "true");
    }

    #[test]
    fn paging_filters_and_aggregates_come_from_the_extensions() {
        let spec = spec();
        let list = spec.operation("list_orders");
        let paging = list.pagination.as_ref().unwrap();
        assert_eq!((paging.limit.as_str(), paging.max_limit), ("limit", 100));
        let status = &list.filters[0];
        assert_eq!(
            (status.parameter.as_str(), status.property.as_str()),
            ("status", "status")
        );
        assert!(status.values.contains(&"cancelled".to_owned()) && status.values.len() == 7);
        assert_eq!(list.filters[1].values, ["stars", "premium"]);
        let stats = spec
            .operation("get_order_stats")
            .aggregates
            .as_ref()
            .unwrap();
        assert_eq!(
            (stats.operation.as_str(), stats.total.as_str()),
            ("list_orders", "total_orders")
        );
        assert_eq!(stats.counts["by_status"], "status");
        let paged: Vec<&str> = spec
            .operations
            .iter()
            .filter(|o| o.pagination.is_some())
            .map(|o| o.id.as_str())
            .collect();
        assert_eq!(paged, ["list_orders", "list_balance_transactions"]);
    }

    #[test]
    fn requests_map_to_their_operation_literal_paths_first() {
        let spec = spec();
        let get = http::Method::GET;
        let of = |p: &str| spec.operation_for(&get, p).map(|o| o.id.as_str());
        assert_eq!(of("/api/v1/orders/stats/summary"), Some("get_order_stats"));
        assert_eq!(of("/api/v1/orders/42"), Some("get_order"));
        assert_eq!(
            of("/api/v1/orders/by-memo/STARS-1"),
            Some("get_order_by_memo")
        );
        assert_eq!(of("/api/v1/nope"), None);
        assert_eq!(
            spec.operation_for(&http::Method::POST, "/api/v1/orders/7/cancel")
                .map(|o| o.id.as_str()),
            Some("cancel_order")
        );
    }
}
