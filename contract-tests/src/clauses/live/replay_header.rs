//! `Idempotent-Replayed`, on every response the spec declares it on: absent (or not `true`)
//! on the answer that did the work, `true` on each replay with the same key and request,
//! on the wire and through the sdk (`Idempotent::replayed`). Its value, wherever it appears,
//! is checked against its schema with every other declared header (`declared_headers.rs`).

use theopenmoney::{IdempotencyKey, NewStarsOrder};

use super::expect::expect;
use super::requests::{example, fresh_key, make_order};
use crate::failure::{Clause, ClauseResult};
use crate::live::{Auth, Live};
use crate::runtime::block_on;
use crate::spec::{Status, spec};

const CLAUSE: Clause = Clause("headers/idempotent-replayed");
/// The header of the IETF draft "The Idempotency-Key HTTP Header Field".
const REPLAYED: &str = "idempotent-replayed";

pub(crate) fn replayed_only_on_a_replay(live: &Live) -> ClauseResult {
    block_on(async {
        let declaring = spec().operations.iter().filter(|o| {
            o.response(Status::Exact(200))
                .is_some_and(|r| r.headers.iter().any(|h| h.name == REPLAYED))
        });
        for op in declaring {
            let made =
                make_order(live, CLAUSE, Auth::Primary, &format!("replayed-{}", op.id)).await?;
            let request = example(&op.id, &made, Auth::Primary);
            let first = live.send(request.clone()).await;
            expect(CLAUSE, &op.id, &first, 200, None)?;
            CLAUSE.ensure(first.header(REPLAYED) != Some("true"), &op.id, || {
                "the first request with a key answered `Idempotent-Replayed: true`".into()
            })?;
            for replay in 1..=2 {
                let again = live.send(request.clone()).await;
                expect(CLAUSE, &op.id, &again, 200, None)?;
                CLAUSE.ensure(again.header(REPLAYED) == Some("true"), &op.id, || {
                    format!(
                        "replay {replay} of a request answered `Idempotent-Replayed: {:?}`, not `true`",
                        again.header(REPLAYED)
                    )
                })?;
            }
            live.run.coverage.record_meaning(CLAUSE.0, &op.id);
        }
        through_the_sdk(live).await
    })
}

/// The sdk tells a replay from a first answer.
async fn through_the_sdk(live: &Live) -> ClauseResult {
    const OPERATION: &str = "create_stars_order";
    let fail = |e: theopenmoney::Error| CLAUSE.fail(OPERATION, format!("the sdk failed: {e}"));
    let client = live.primary();
    let key = IdempotencyKey::new(fresh_key()).map_err(fail)?;
    let order = NewStarsOrder::new("pandus", 100)
        .and_then(|o| o.client_reference(&live.run.reference("replayed-sdk")))
        .map_err(fail)?
        .idempotency_key(key);
    let first = client
        .create_stars_order(order.clone())
        .await
        .map_err(fail)?;
    CLAUSE.ensure(!first.replayed, OPERATION, || {
        "the sdk saw the first create as replayed".into()
    })?;
    let replay = client.create_stars_order(order).await.map_err(fail)?;
    CLAUSE.ensure(replay.replayed, OPERATION, || {
        "the sdk did not see the replay as replayed".into()
    })?;
    CLAUSE.ensure(replay.value.id == first.value.id, OPERATION, || {
        format!(
            "the replay answered order {:?}, the first {:?}",
            replay.value.id, first.value.id
        )
    })
}
