//! State machine (proptest-state-machine), server side: random sequences of create, replay,
//! get, cancel, list, by-memo and by-reference against a reference model of orders and
//! idempotency keys.

use crate::failure::ClauseResult;
use crate::live::Live;

pub(crate) fn orders_and_idempotency(live: &Live) -> ClauseResult {
    crate::model::run(live)
}
