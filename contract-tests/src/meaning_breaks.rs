//! Servers that keep every shape and status but get the meaning wrong, one meaning each (the
//! proofs of the paging, filter, aggregate, replay-header and order-invariant clauses): what
//! [`Break`](crate::rewrite::Break)'s meaning variants do to a correct server's exchanges. Which
//! parameters page or filter, and which responses declare `Idempotent-Replayed`, is read from
//! the spec, as the clauses read it.

use serde_json::{Value, json};
use test_proxy::{ProxiedRequest, ProxiedResponse};

use crate::spec::{Status, spec};

/// The header a rewrite keeps the client's own query in, so the answer can echo it.
const ASKED: &str = "x-contract-asked-query";
const REPLAYED: &str = "idempotent-replayed";

/// One meaning broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meaning {
    /// Lists ignore a valid `offset` (every page is the first) but echo the one asked.
    IgnoreOffset,
    /// Lists ignore a valid `limit` (the default page size) but echo the one asked.
    IgnoreLimit,
    /// Unfiltered lists report one item more in `total` than they hold.
    TotalOffByOne,
    /// Lists ignore their filters.
    IgnoreFilters,
    /// The aggregate counts one order more in its first count than the list holds.
    StatsDisagree,
    /// Replays lose `Idempotent-Replayed`.
    OmitReplayed,
    /// Every answer that declares `Idempotent-Replayed` carries `true`, first ones too.
    ReplayedOnFirst,
    /// Replays say `Idempotent-Replayed: yes`, a value its schema does not allow.
    ReplayedYes,
    /// Orders expire before they were created (the two timestamps swapped).
    ExpiresBeforeCreated,
}

fn split(path_and_query: &str) -> (&str, Vec<(String, String)>) {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    (
        path,
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect(),
    )
}

fn join(path: &str, query: &[(String, String)]) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(query)
        .finish();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// The query parameters this meaning makes a list ignore.
fn ignored(meaning: Meaning, operation: &str) -> Vec<String> {
    let op = spec().operation(operation);
    match (meaning, &op.pagination) {
        (Meaning::IgnoreOffset, Some(p)) => vec![p.offset.clone()],
        (Meaning::IgnoreLimit, Some(p)) => vec![p.limit.clone()],
        (Meaning::IgnoreFilters, _) => op.filters.iter().map(|f| f.parameter.clone()).collect(),
        _ => Vec::new(),
    }
}

impl Meaning {
    pub(crate) fn on_request(self, operation: Option<&str>, request: &mut ProxiedRequest) {
        let Some(operation) = operation else { return };
        let ignored = ignored(self, operation);
        if ignored.is_empty() {
            return;
        }
        let (path, query) = split(&request.path_and_query);
        if let Ok(asked) = http::HeaderValue::from_str(&join("", &query)) {
            request.headers.insert(ASKED, asked);
        }
        // Only a valid value is ignored: an invalid one still gets its 422.
        let valid = |name: &str, value: &str| {
            let op = spec().operation(operation);
            match (&op.pagination, value.parse::<u64>()) {
                (Some(p), Ok(n)) if p.limit == name => (1..=p.max_limit).contains(&n),
                (Some(p), Ok(n)) if p.offset == name => i64::try_from(n).is_ok(),
                (Some(p), Err(_)) if p.limit == name || p.offset == name => false,
                _ => true,
            }
        };
        let kept: Vec<_> = query
            .into_iter()
            .filter(|(k, v)| !(ignored.contains(k) && valid(k, v)))
            .collect();
        request.path_and_query = join(path, &kept);
    }

    pub(crate) fn on_response(
        self,
        operation: Option<&str>,
        request: &ProxiedRequest,
        response: &mut ProxiedResponse,
    ) {
        let Some(operation) = operation else { return };
        if response.status != 200 {
            return;
        }
        let op = spec().operation(operation);
        match self {
            Self::OmitReplayed => {
                response.headers.remove(REPLAYED);
                return;
            }
            Self::ReplayedYes => {
                if response.headers.contains_key(REPLAYED) {
                    response
                        .headers
                        .insert(REPLAYED, http::HeaderValue::from_static("yes"));
                }
                return;
            }
            Self::ReplayedOnFirst => {
                let declares = op
                    .response(Status::Exact(200))
                    .is_some_and(|r| r.headers.iter().any(|h| h.name == REPLAYED));
                if declares {
                    response
                        .headers
                        .insert(REPLAYED, http::HeaderValue::from_static("true"));
                }
                return;
            }
            _ => {}
        }
        let Some(mut body) = response.json_body() else {
            return;
        };
        let data = &mut body["data"];
        match self {
            Self::IgnoreOffset | Self::IgnoreLimit => {
                let (Some(paging), Some(asked)) = (&op.pagination, request.headers.get(ASKED))
                else {
                    return;
                };
                let (_, asked) = split(asked.to_str().unwrap_or_default());
                for name in [&paging.limit, &paging.offset] {
                    if let Some(n) = asked
                        .iter()
                        .find(|(k, _)| k == name)
                        .and_then(|(_, value)| value.parse::<u64>().ok())
                    {
                        data[name] = json!(n);
                    }
                }
            }
            Self::TotalOffByOne => {
                let (_, query) = split(&request.path_and_query);
                let filtered = op
                    .filters
                    .iter()
                    .any(|f| query.iter().any(|(k, _)| *k == f.parameter));
                match &op.pagination {
                    Some(paging) if !filtered => {
                        let total = data[&paging.total].as_u64().unwrap_or_default();
                        data[&paging.total] = json!(total + 1);
                    }
                    _ => return,
                }
            }
            Self::StatsDisagree => {
                let Some(aggregates) = &op.aggregates else {
                    return;
                };
                for property in aggregates.counts.keys() {
                    let Some(counts) = data[property].as_object_mut() else {
                        continue;
                    };
                    match counts.values_mut().next() {
                        Some(first) => *first = json!(first.as_u64().unwrap_or_default() + 1),
                        None => {
                            counts.insert("pending_payment".to_owned(), json!(1));
                        }
                    }
                }
            }
            Self::ExpiresBeforeCreated => swap_timestamps(data),
            _ => return,
        }
        response.body = body.to_string().into();
    }
}

/// Swaps `expires_at` and `created_at` in every object holding both.
fn swap_timestamps(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let (Some(expires), Some(created)) = (map.get("expires_at"), map.get("created_at")) {
                let (expires, created) = (expires.clone(), created.clone());
                map.insert("expires_at".to_owned(), created);
                map.insert("created_at".to_owned(), expires);
            }
            map.values_mut().for_each(swap_timestamps);
        }
        Value::Array(items) => items.iter_mut().for_each(swap_timestamps),
        _ => {}
    }
}
