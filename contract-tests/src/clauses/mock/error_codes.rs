//! Error codes, client side: for every operation documenting a status, each documented code at
//! that status reaches the caller with its status, its code, its message, `Retry-After` on a
//! 429, and the right retryability.

use std::time::Duration;

use super::envelope::concrete;
use crate::clauses::MockCtx;
use crate::failure::{Clause, ClauseResult};
use crate::fixtures;
use crate::mock_server::{Answer, MockRig};
use crate::runtime::block_on;
use crate::sdk_client::call;
use crate::spec::{Status, spec};

const RETRY_AFTER_SECONDS: u64 = 7;

fn status_clause(status: Status, clause: Clause, ctx: &MockCtx) -> ClauseResult {
    let rig = MockRig::start(&ctx.run);
    let client = rig.client();
    let mut exercised = 0;
    for op in &spec().operations {
        let Some(response) = op.response(status) else {
            continue;
        };
        for code in &response.codes {
            for wire_status in concrete(status) {
                let retry_after = (wire_status == 429).then_some(RETRY_AFTER_SECONDS);
                let mut mock = rig.answer(
                    &op.id,
                    Answer::Error {
                        status: wire_status,
                        body: fixtures::error(code, "from the contract suite"),
                        retry_after,
                    },
                );
                let result = block_on(call(&client, &op.id));
                mock.delete();
                exercised += 1;
                let Err(err) = result else {
                    return Err(clause.fail(
                        &op.id,
                        format!("a {wire_status} {code} decoded as a success"),
                    ));
                };
                let seen = format!("{err} (retryable: {})", err.is_retryable());
                clause.ensure(
                    err.status().map(|s| s.as_u16()) == Some(wire_status)
                        && err.code().map(|c| c.as_str()) == Some(code.as_str()),
                    &op.id,
                    || format!("expected {wire_status} {code}, the sdk reported {seen}"),
                )?;
                let retryable =
                    wire_status == 429 || wire_status >= 500 || code == "IDEMPOTENCY_IN_PROGRESS";
                clause.ensure(err.is_retryable() == retryable, &op.id, || {
                    format!("a {wire_status} {code} should be retryable={retryable}; the sdk said {seen}")
                })?;
                if let Some(seconds) = retry_after {
                    clause.ensure(
                        err.retry_after() == Some(Duration::from_secs(seconds)),
                        &op.id,
                        || format!("Retry-After: {seconds} was lost: {:?}", err.retry_after()),
                    )?;
                }
            }
        }
    }
    assert!(exercised > 0, "no operation documents {status}");
    Ok(())
}

pub(crate) fn unauthorized_401(ctx: &MockCtx) -> ClauseResult {
    status_clause(Status::Exact(401), Clause("error-codes/401"), ctx)
}

pub(crate) fn not_found_404(ctx: &MockCtx) -> ClauseResult {
    status_clause(Status::Exact(404), Clause("error-codes/404"), ctx)
}

pub(crate) fn conflict_409(ctx: &MockCtx) -> ClauseResult {
    status_clause(Status::Exact(409), Clause("error-codes/409"), ctx)
}

pub(crate) fn validation_422(ctx: &MockCtx) -> ClauseResult {
    status_clause(Status::Exact(422), Clause("error-codes/422"), ctx)
}

pub(crate) fn rate_limited_429(ctx: &MockCtx) -> ClauseResult {
    status_clause(Status::Exact(429), Clause("error-codes/429"), ctx)
}

pub(crate) fn server_error_5xx(ctx: &MockCtx) -> ClauseResult {
    status_clause(Status::Class(5), Clause("error-codes/5xx"), ctx)
}
