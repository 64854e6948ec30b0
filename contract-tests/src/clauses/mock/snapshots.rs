//! Snapshots (insta), client side: for every operation, the request the sdk sends (method,
//! path, headers without secrets, body) and the response envelope as the sdk decoded it. Ids,
//! timestamps, keys, memos and addresses are redacted after their format is asserted. The
//! `.snap` files are reviewed and committed; CI never writes them.

use serde_json::json;

use crate::clauses::MockCtx;
use crate::failure::{Clause, ClauseResult};
use crate::fixtures;
use crate::mock_server::{Answer, MockRig};
use crate::redact::{redact_exchange, snapshot_settings};
use crate::runtime::block_on;
use crate::sdk_client::call;
use crate::spec::spec;

const CLAUSE: Clause = Clause("snapshots");

pub(crate) fn every_operation(ctx: &MockCtx) -> ClauseResult {
    let rig = MockRig::start(&ctx.run);
    let client = rig.client();
    let settings = snapshot_settings();
    for op in &spec().operations {
        let data = fixtures::success_data(&op.id);
        let mut mock = rig.answer(&op.id, Answer::Ok(fixtures::success(data)));
        let decoded = block_on(call(&client, &op.id)).map_err(|e| {
            CLAUSE.fail(
                &op.id,
                format!("the sdk failed on the documented success: {e}"),
            )
        })?;
        mock.delete();
        let exchange = rig
            .exchanges()
            .into_iter()
            .rev()
            .find(|e| e.operation.as_deref() == Some(op.id.as_str()))
            .ok_or_else(|| CLAUSE.fail(&op.id, "no request reached the mock"))?;
        let mut snapshot = redact_exchange(&exchange).map_err(|e| CLAUSE.fail(&op.id, e))?;
        snapshot["response"] = json!({"ok": true, "data": decoded});
        let snapshot =
            crate::redact::redact_values(snapshot).map_err(|e| CLAUSE.fail(&op.id, e))?;
        // serde_json prints exact numbers digit for digit; insta's own serializer would not.
        let text = serde_json::to_string_pretty(&snapshot).expect("a snapshot serializes");
        settings.bind(|| insta::assert_snapshot!(op.id.as_str(), text));
    }
    Ok(())
}
