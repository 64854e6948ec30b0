//! Envelope, server side: every operation's success validates strictly against its schema,
//! and its errors have the error envelope with a JSON content type.

use super::requests::{UNKNOWN_ORDER_ID, example, make_order};
use crate::envelope::{ENVELOPE, check, check_error, check_success};
use crate::failure::ClauseResult;
use crate::live::{Auth, Live, Raw};
use crate::runtime::block_on;
use crate::spec::spec;

pub(crate) fn every_operation_and_status(live: &Live) -> ClauseResult {
    block_on(async {
        let made = make_order(live, ENVELOPE, Auth::Primary, "envelope").await?;
        check_success("create_stars_order", &made.response)?;
        // Cancel last: the other operations read the order while it is pending.
        let mut ops: Vec<_> = spec()
            .operations
            .iter()
            .filter(|o| o.id != "create_stars_order")
            .collect();
        ops.sort_by_key(|o| o.id == "cancel_order");
        for op in ops {
            let response = live.send(example(&op.id, &made, Auth::Primary)).await;
            ENVELOPE.ensure(response.status == 200, &op.id, || {
                format!("a valid request was answered {}", response.describe())
            })?;
            check_success(&op.id, &response)?;
            if op.needs_auth {
                let response = live.send(example(&op.id, &made, Auth::Missing)).await;
                check_error(&op.id, &response)?;
            }
        }
        let not_found = live
            .send(Raw::get(format!("/api/v1/orders/{UNKNOWN_ORDER_ID}")))
            .await;
        check_error("get_order", &not_found)?;
        let invalid = live.send(Raw::get("/api/v1/orders/0")).await;
        check_error("get_order", &invalid)?;
        let bad_page = live.send(Raw::get("/api/v1/orders?limit=0")).await;
        check("list_orders", &bad_page)
    })
}
