//! Filters, for every query parameter the spec declares `x-filter`: asked for each value the
//! parameter's schema enumerates, every item answered has that value in the declared property,
//! and the filtered `total` equals the number of items of an unfiltered walk that have it.
//!
//! Staging has other writers that create and cancel orders: the filtered totals are read
//! before and after the walk, and compared only when neither they nor the walk's `total`
//! moved (an order leaves a status only forward, and enters one only by being created or by
//! leaving another, so a count that did not move across the walk is the walk's); otherwise the
//! whole comparison is tried again, and noted, not failed, when it kept moving.

use std::collections::BTreeMap;

use futures_util::future::join_all;

use super::expect::expect;
use super::listing::{page, paging, walk};
use super::paging::{ATTEMPTS, another_attempt};
use super::requests::{fresh_key, make_order, premium_body};
use crate::failure::{Clause, ClauseFailure, ClauseResult};
use crate::live::{Auth, Live, Raw};
use crate::runtime::block_on;
use crate::spec::{Filter, Operation, spec};

const CLAUSE: Clause = Clause("filters");

pub(crate) fn every_filter_is_honoured(live: &Live) -> ClauseResult {
    block_on(async {
        seed_orders(live).await?;
        for op in spec().operations.iter().filter(|o| !o.filters.is_empty()) {
            honoured(live, op).await?;
        }
        Ok(())
    })
}

/// Orders in more than one status and type, so that each filter has something to keep and
/// something to leave out.
async fn seed_orders(live: &Live) -> ClauseResult {
    make_order(live, CLAUSE, Auth::Primary, "filter-pending").await?;
    let cancelled = make_order(live, CLAUSE, Auth::Primary, "filter-cancelled").await?;
    let cancel = live
        .send(
            Raw::post(format!("/api/v1/orders/{}/cancel", cancelled.id))
                .idempotency_key(fresh_key()),
        )
        .await;
    expect(CLAUSE, "cancel_order", &cancel, 200, None)?;
    let premium = live
        .send(
            Raw::post("/api/v1/orders/premium")
                .idempotency_key(fresh_key())
                .json(premium_body(
                    "pandus",
                    3,
                    &live.run.reference("filter-premium"),
                )),
        )
        .await;
    expect(CLAUSE, "create_premium_order", &premium, 200, None)
}

/// The filtered totals, by (parameter, value); every item of each filtered page checked.
async fn filtered_totals(
    live: &Live,
    op: &Operation,
    limit: u64,
) -> Result<BTreeMap<(String, String), u64>, ClauseFailure> {
    let asked: Vec<(&Filter, &String)> = op
        .filters
        .iter()
        .flat_map(|f| f.values.iter().map(move |v| (f, v)))
        .collect();
    // Read at once, to keep the window other writers can move them in short.
    let pages = join_all(asked.iter().map(|(filter, value)| {
        let query = [
            (filter.parameter.as_str(), (*value).clone()),
            (paging(op).limit.as_str(), limit.to_string()),
        ];
        async move { page(live, CLAUSE, op, &query).await }
    }))
    .await;
    let mut totals = BTreeMap::new();
    for ((filter, value), page) in asked.into_iter().zip(pages) {
        let page = page?;
        for item in &page.items {
            CLAUSE.ensure(
                item[&filter.property].as_str() == Some(value.as_str()),
                &op.id,
                || {
                    format!(
                        "asked {}={value}, item {} has {} {}",
                        filter.parameter,
                        super::listing::identity(item),
                        filter.property,
                        item[&filter.property]
                    )
                },
            )?;
        }
        totals.insert((filter.parameter.clone(), value.clone()), page.total);
    }
    Ok(totals)
}

async fn honoured(live: &Live, op: &Operation) -> ClauseResult {
    for attempt in 0..ATTEMPTS {
        if !another_attempt(live, attempt).await {
            break;
        }
        let before = filtered_totals(live, op, paging(op).max_limit).await?;
        let walk = walk(live, CLAUSE, op, &[]).await?;
        if walk.truncated {
            live.run.notes.add(
                CLAUSE,
                &op.id,
                "a list too long to walk whole: filtered totals not compared",
                &format!("total {}", walk.total()),
            );
            return Ok(());
        }
        let after = filtered_totals(live, op, 1).await?;
        if before != after || !walk.stable() {
            continue;
        }
        for filter in &op.filters {
            for value in &filter.values {
                let matching = walk
                    .items
                    .iter()
                    .filter(|item| item[&filter.property].as_str() == Some(value.as_str()))
                    .count() as u64;
                let total = before[&(filter.parameter.clone(), value.clone())];
                CLAUSE.ensure(total == matching, &op.id, || {
                    format!(
                        "{}={value} answered total {total}, but {matching} of the {} unfiltered items have {} {value}",
                        filter.parameter,
                        walk.items.len(),
                        filter.property
                    )
                })?;
            }
            let subject = format!("{}?{}", op.id, filter.parameter);
            live.run.coverage.record_meaning(CLAUSE.0, &subject);
        }
        return Ok(());
    }
    live.run.notes.add(
        CLAUSE,
        &op.id,
        "filtered totals moved during every attempt (other writers), or the budget left no room for another: counts not compared",
        "-",
    );
    Ok(())
}
