//! Aggregates, for every operation the spec gives `x-aggregates`: its `total` equals the
//! unfiltered `total` of the list it aggregates, each key of each `counts` object equals the
//! `total` of that list filtered by the declared parameter (a value with no key counts 0), and
//! the counts add up to the `total`.
//!
//! Staging has other writers: the aggregate is read before and after the list's totals, and
//! compared only when it did not move; tried again when it did, and noted when it kept moving.

use futures_util::future::join_all;
use serde_json::Value;

use super::expect::{data, expect};
use super::listing::{page, paging};
use super::paging::{ATTEMPTS, another_attempt};
use crate::failure::{Clause, ClauseFailure, ClauseResult};
use crate::live::{Live, Raw};
use crate::runtime::block_on;
use crate::spec::{Aggregates, Operation, spec};

const CLAUSE: Clause = Clause("aggregates");

pub(crate) fn aggregates_agree_with_their_list(live: &Live) -> ClauseResult {
    block_on(async {
        for op in spec().operations.iter().filter(|o| o.aggregates.is_some()) {
            agree(live, op, op.aggregates.as_ref().expect("filtered")).await?;
        }
        Ok(())
    })
}

async fn read(live: &Live, op: &Operation) -> Result<Value, ClauseFailure> {
    let response = live.send(Raw::get(op.path.clone())).await;
    expect(CLAUSE, &op.id, &response, 200, None)?;
    Ok(data(&response))
}

async fn agree(live: &Live, op: &Operation, aggregates: &Aggregates) -> ClauseResult {
    let list = spec().operation(&aggregates.operation);
    let one = || (paging(list).limit.as_str(), "1".to_owned());
    for attempt in 0..ATTEMPTS {
        if !another_attempt(live, attempt).await {
            break;
        }
        let stats = read(live, op).await?;
        // The list's totals, read at once to keep the window between the two reads short.
        let mut asked = vec![(None, vec![one()])];
        for (property, parameter) in &aggregates.counts {
            let filter = list
                .filters
                .iter()
                .find(|f| &f.parameter == parameter)
                .expect("x-aggregates names an x-filter (codegen checks it)");
            for value in &filter.values {
                let query = vec![(parameter.as_str(), value.clone()), one()];
                asked.push((Some((property, parameter, value)), query));
            }
        }
        let totals = join_all(
            asked
                .iter()
                .map(|(_, query)| page(live, CLAUSE, list, query)),
        )
        .await;
        let mut unfiltered = 0;
        let mut counted = Vec::new();
        for ((what, _), page) in asked.iter().zip(totals) {
            match what {
                None => unfiltered = page?.total,
                Some((property, parameter, value)) => {
                    counted.push((*property, *parameter, *value, page?.total));
                }
            }
        }
        if read(live, op).await? != stats {
            continue;
        }
        let total = stats[&aggregates.total].as_u64().unwrap_or_default();
        CLAUSE.ensure(total == unfiltered, &op.id, || {
            format!(
                "`{}` is {total}, the unfiltered `{}` total is {unfiltered}",
                aggregates.total, list.id
            )
        })?;
        for (property, parameter, value, listed) in counted {
            let count = stats[property][value].as_u64().unwrap_or(0);
            CLAUSE.ensure(count == listed, &op.id, || {
                format!(
                    "`{property}.{value}` is {count}, `{}?{parameter}={value}` has total {listed}",
                    list.id
                )
            })?;
        }
        for property in aggregates.counts.keys() {
            let sum: u64 = stats[property]
                .as_object()
                .map(|counts| counts.values().filter_map(Value::as_u64).sum())
                .unwrap_or_default();
            CLAUSE.ensure(sum == total, &op.id, || {
                format!(
                    "the `{property}` counts add up to {sum}, `{}` is {total}",
                    aggregates.total
                )
            })?;
        }
        live.run.coverage.record_meaning(CLAUSE.0, &op.id);
        return Ok(());
    }
    live.run.notes.add(
        CLAUSE,
        &op.id,
        "the aggregate moved during every attempt (other writers), or the budget left no room for another: not compared",
        "-",
    );
    Ok(())
}
