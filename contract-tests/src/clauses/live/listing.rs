//! Reading a paged list the way its `x-pagination` says: one page, or a walk over every page.
//! Items are told apart by their `id` (the whole item when it has none), so a server that
//! adds fields or respells numbers still lists the same items.

use serde_json::Value;

use super::expect::{data, expect};
use super::requests::encode;
use crate::failure::{Clause, ClauseFailure};
use crate::live::{Live, Raw};
use crate::spec::{Operation, Pagination};

/// Walks stop after this many pages: a list longer than this many largest pages is not walked
/// whole (the clause says so in a note) rather than spending the run's request budget.
pub(crate) const MAX_WALK_PAGES: usize = 10;

/// One page as answered.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    pub(crate) items: Vec<Value>,
    pub(crate) total: u64,
    /// The `limit` and `offset` the answer says it used.
    pub(crate) limit: Option<u64>,
    pub(crate) offset: Option<u64>,
}

impl Page {
    /// The identities of its items, in order.
    pub(crate) fn ids(&self) -> Vec<String> {
        self.items.iter().map(identity).collect()
    }
}

/// What tells an item apart: its `id`, else the whole item.
pub(crate) fn identity(item: &Value) -> String {
    item.get("id").unwrap_or(item).to_string()
}

/// The paging extension of a list operation.
pub(crate) fn paging(op: &Operation) -> &Pagination {
    op.pagination.as_ref().expect("a list operation")
}

/// `GET` of the list `op` with `query` (pairs of name and value).
pub(crate) async fn page(
    live: &Live,
    clause: Clause,
    op: &Operation,
    query: &[(&str, String)],
) -> Result<Page, ClauseFailure> {
    let paging = paging(op);
    let query: Vec<String> = query
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect();
    let response = live
        .send(Raw::get(format!("{}?{}", op.path, query.join("&"))))
        .await;
    expect(clause, &op.id, &response, 200, None)?;
    let body = data(&response);
    let items = body[&paging.items]
        .as_array()
        .cloned()
        .ok_or_else(|| clause.fail(&op.id, format!("no `{}` array", paging.items)))?;
    let total = body[&paging.total]
        .as_u64()
        .ok_or_else(|| clause.fail(&op.id, format!("no integer `{}`", paging.total)))?;
    Ok(Page {
        items,
        total,
        limit: body[&paging.limit].as_u64(),
        offset: body[&paging.offset].as_u64(),
    })
}

/// A walk over every page of a list.
#[derive(Debug, Clone)]
pub(crate) struct Walk {
    pub(crate) items: Vec<Value>,
    /// Every `total` the pages answered, in order.
    pub(crate) totals: Vec<u64>,
    /// Whether it stopped at [`MAX_WALK_PAGES`] before the end.
    pub(crate) truncated: bool,
}

impl Walk {
    /// Whether no writer added items during the walk: every page answered the same `total`.
    pub(crate) fn stable(&self) -> bool {
        self.totals.windows(2).all(|w| w[0] == w[1])
    }

    /// The `total` the walk saw first.
    pub(crate) fn total(&self) -> u64 {
        self.totals.first().copied().unwrap_or(0)
    }
}

/// Walks the list `op` (filtered by `filter`) with its largest page, from offset 0 on by the
/// items each page held, until an offset at or past `total` or an empty page, and ends with a
/// one-item read of `total` to see it did not move.
pub(crate) async fn walk(
    live: &Live,
    clause: Clause,
    op: &Operation,
    filter: &[(&str, String)],
) -> Result<Walk, ClauseFailure> {
    let paging = paging(op);
    let limit = paging.max_limit;
    let mut walk = Walk {
        items: Vec::new(),
        totals: Vec::new(),
        truncated: false,
    };
    let mut offset = 0;
    for _ in 0..MAX_WALK_PAGES {
        let mut query = filter.to_vec();
        query.push((paging.limit.as_str(), limit.to_string()));
        query.push((paging.offset.as_str(), offset.to_string()));
        let page = page(live, clause, op, &query).await?;
        walk.totals.push(page.total);
        let got = page.items.len() as u64;
        walk.items.extend(page.items);
        // On by what came, as a client would: a page size is the paging clause's business.
        offset += got;
        if offset >= page.total || got == 0 {
            let mut query = filter.to_vec();
            query.push((paging.limit.as_str(), "1".to_owned()));
            walk.totals.push(page_total(live, clause, op, query).await?);
            return Ok(walk);
        }
    }
    walk.truncated = true;
    Ok(walk)
}

async fn page_total(
    live: &Live,
    clause: Clause,
    op: &Operation,
    query: Vec<(&str, String)>,
) -> Result<u64, ClauseFailure> {
    Ok(page(live, clause, op, &query).await?.total)
}
