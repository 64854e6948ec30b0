//! Paging, for every operation the spec gives an `x-pagination`: the `limit` and `offset`
//! answered are the ones asked; a page holds at most `limit` items; page `k` is the same
//! slice of a larger page from offset 0 (no overlap, no gap); walking every page yields
//! exactly `total` distinct items; an offset at or past `total` is an empty page.
//!
//! Staging has other writers: a comparison is made only between answers with the same `total`
//! (a correct server under concurrent inserts moves its `total`), retried when it moved, and
//! noted, not failed, when it kept moving.

use std::collections::BTreeSet;

use super::listing::{Page, page, paging, walk};
use super::requests::make_order;
use crate::failure::{Clause, ClauseFailure, ClauseResult};
use crate::live::{Auth, Live};
use crate::property::check;
use crate::runtime::block_on;
use crate::spec::{Operation, spec};

const CLAUSE: Clause = Clause("paging");
/// Attempts at a comparison before a moving `total` is noted instead.
pub(crate) const ATTEMPTS: u32 = 6;

/// Requests a retry leaves untouched in the run's budget, for the clauses still to run.
const RESERVE: u32 = 80;

/// Whether to make attempt `n` at a comparison: the first always; another only while the
/// run's budget keeps its reserve, after letting other writers settle (50 ms, doubling).
pub(crate) async fn another_attempt(live: &Live, attempt: u32) -> bool {
    if attempt == 0 {
        return true;
    }
    if live
        .run
        .budget
        .remaining()
        .is_some_and(|left| left < RESERVE)
    {
        return false;
    }
    tokio::time::sleep(std::time::Duration::from_millis(50 << attempt.min(5))).await;
    true
}

/// Orders the clause makes first, so that the order list has pages to walk.
const SEED_ORDERS: usize = 5;
/// Largest `limit` and `offset` the property draws: small pages over the first few dozen items.
const MAX_DRAWN_LIMIT: u64 = 10;
const MAX_DRAWN_OFFSET: u64 = 30;
/// Inputs every run tries besides the drawn ones: the edges a server gets wrong.
const EDGES: [(u64, u64); 4] = [(1, 0), (1, 1), (2, 3), (3, SEED_ORDERS as u64)];

pub(crate) fn pages_partition_every_list(live: &Live) -> ClauseResult {
    block_on(async {
        for i in 0..SEED_ORDERS {
            make_order(live, CLAUSE, Auth::Primary, &format!("paging-{i}")).await?;
        }
        Ok::<_, ClauseFailure>(())
    })?;
    for op in spec().operations.iter().filter(|o| o.pagination.is_some()) {
        if op.path.contains('{') {
            continue;
        }
        block_on(walk_yields_total(live, op))?;
        for (limit, offset) in EDGES {
            block_on(page_is_a_slice(live, op, limit, offset))?;
        }
        check(
            &live.run,
            &format!("paging::pages_partition_every_list [live] {}", op.id),
            live.config.proptest_cases,
            (1..=MAX_DRAWN_LIMIT, 0..=MAX_DRAWN_OFFSET),
            |(limit, offset)| block_on(page_is_a_slice(live, op, limit, offset)),
        )?;
    }
    Ok(())
}

/// Walking every page yields `total` distinct items.
async fn walk_yields_total(live: &Live, op: &Operation) -> ClauseResult {
    for attempt in 0..ATTEMPTS {
        if !another_attempt(live, attempt).await {
            break;
        }
        let walk = walk(live, CLAUSE, op, &[]).await?;
        if walk.truncated {
            live.run.notes.add(
                CLAUSE,
                &op.id,
                "a list too long to walk whole within the request budget",
                &format!("total {}", walk.total()),
            );
            return Ok(());
        }
        if !walk.stable() {
            continue;
        }
        let mut seen = BTreeSet::new();
        for item in &walk.items {
            let id = super::listing::identity(item);
            CLAUSE.ensure(seen.insert(id.clone()), &op.id, || {
                format!(
                    "item {id} is on two pages of one walk (total {})",
                    walk.total()
                )
            })?;
        }
        CLAUSE.ensure(walk.items.len() as u64 == walk.total(), &op.id, || {
            format!(
                "walking every page yielded {} items, `total` says {}",
                walk.items.len(),
                walk.total()
            )
        })?;
        live.run.coverage.record_meaning(CLAUSE.0, &op.id);
        return Ok(());
    }
    moved(live, op);
    Ok(())
}

/// The page at (`limit`, `offset`) echoes both, holds at most `limit` items, is empty at or
/// past `total`, and is the slice `offset..offset+limit` of a page from 0.
async fn page_is_a_slice(live: &Live, op: &Operation, limit: u64, offset: u64) -> ClauseResult {
    let paging = paging(op);
    let ask = |limit: u64, offset: u64| {
        [
            (paging.limit.as_str(), limit.to_string()),
            (paging.offset.as_str(), offset.to_string()),
        ]
    };
    for attempt in 0..ATTEMPTS {
        if !another_attempt(live, attempt).await {
            break;
        }
        let asked = page(live, CLAUSE, op, &ask(limit, offset)).await?;
        echoes(op, &asked, limit, offset)?;
        CLAUSE.ensure(asked.items.len() as u64 <= limit, &op.id, || {
            format!("limit={limit} answered {} items", asked.items.len())
        })?;
        if offset >= asked.total {
            return CLAUSE.ensure(asked.items.is_empty(), &op.id, || {
                format!(
                    "offset={offset} is at or past total {} but the page holds {} items",
                    asked.total,
                    asked.items.len()
                )
            });
        }
        let larger = page(
            live,
            CLAUSE,
            op,
            &ask((offset + limit).min(paging.max_limit), 0),
        )
        .await?;
        if larger.total != asked.total {
            continue;
        }
        let ids = larger.ids();
        let end = usize::try_from(offset + limit)
            .unwrap_or(usize::MAX)
            .min(ids.len());
        let start = usize::try_from(offset).unwrap_or(usize::MAX).min(end);
        let slice = &ids[start..end];
        return CLAUSE.ensure(asked.ids() == slice, &op.id, || {
            format!(
                "the page at limit={limit} offset={offset} holds {:?}, items {start}..{end} of a page from offset 0 are {slice:?} (total {})",
                asked.ids(),
                asked.total
            )
        });
    }
    moved(live, op);
    Ok(())
}

fn echoes(op: &Operation, page: &Page, limit: u64, offset: u64) -> ClauseResult {
    CLAUSE.ensure(
        page.limit == Some(limit) && page.offset == Some(offset),
        &op.id,
        || {
            format!(
                "asked limit={limit} offset={offset}, the answer says limit={:?} offset={:?}",
                page.limit, page.offset
            )
        },
    )
}

fn moved(live: &Live, op: &Operation) {
    live.run.notes.add(
        CLAUSE,
        &op.id,
        "`total` moved during every attempt (other writers), or the budget left no room for another: a comparison was skipped",
        "-",
    );
}
