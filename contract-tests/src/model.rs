//! The reference model of the state-machine clause: a partner's orders and idempotency keys as
//! the spec describes them, and the live server driven through the sdk beside it. Each case
//! uses its own `client_reference`, so by-reference answers exactly the case's orders.

use std::cell::RefCell;
use std::sync::Arc;

use proptest::prelude::*;
use proptest::test_runner::{TestError, TestRunner};
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest};
use theopenmoney::types::Order;
use theopenmoney::{
    Client, ErrorCode, IdempotencyKey, NewStarsOrder, OrderQuery, OrderStatus, PageRequest,
};

use crate::case_log::CaseDigest;
use crate::failure::{Clause, ClauseFailure, ClauseResult};
use crate::live::Live;
use crate::run::RunState;
use crate::runtime::block_on;

const CLAUSE: Clause = Clause("state-machine");
/// Most transitions per case.
const MAX_TRANSITIONS: usize = 8;

/// One order as the model knows it.
#[derive(Debug, Clone)]
pub(crate) struct ModelOrder {
    /// The Stars quantity it was created with.
    pub quantity: u32,
    /// How many cancels it has had (the first succeeds, later ones conflict).
    pub cancels: u32,
}

/// The model: the case's orders in creation order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Model {
    pub orders: Vec<ModelOrder>,
}

impl Model {
    fn status(&self, index: usize) -> OrderStatus {
        if self.orders[index].cancels > 0 {
            OrderStatus::Cancelled
        } else {
            OrderStatus::PendingPayment
        }
    }
}

/// A step of a case.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    /// A new order under a new key.
    Create(u32),
    /// The create of order `n` again, same key and body.
    Replay(usize),
    /// Get order `n`.
    Get(usize),
    /// Cancel order `n` under a new key.
    Cancel(usize),
    /// List orders.
    List,
    /// Find order `n` by its memo.
    ByMemo(usize),
    /// Find the case's orders by their reference.
    ByReference,
}

/// The reference state machine.
#[derive(Debug)]
pub(crate) struct Reference;

impl ReferenceStateMachine for Reference {
    type State = Model;
    type Transition = Step;

    fn init_state() -> BoxedStrategy<Model> {
        Just(Model::default()).boxed()
    }

    fn transitions(state: &Model) -> BoxedStrategy<Step> {
        let create = crate::strategies::valid_quantity().prop_map(Step::Create);
        if state.orders.is_empty() {
            return prop_oneof![4 => create, 1 => Just(Step::ByReference)].boxed();
        }
        let n = state.orders.len();
        prop_oneof![
            2 => create,
            2 => (0..n).prop_map(Step::Replay),
            1 => (0..n).prop_map(Step::Get),
            2 => (0..n).prop_map(Step::Cancel),
            1 => Just(Step::List),
            1 => (0..n).prop_map(Step::ByMemo),
            1 => Just(Step::ByReference),
        ]
        .boxed()
    }

    fn preconditions(state: &Model, step: &Step) -> bool {
        match step {
            Step::Replay(i) | Step::Get(i) | Step::Cancel(i) | Step::ByMemo(i) => {
                *i < state.orders.len()
            }
            _ => true,
        }
    }

    fn apply(mut state: Model, step: &Step) -> Model {
        match step {
            Step::Create(quantity) => state.orders.push(ModelOrder {
                quantity: *quantity,
                cancels: 0,
            }),
            Step::Cancel(i) => state.orders[*i].cancels += 1,
            _ => {}
        }
        state
    }
}

thread_local! {
    static TARGET: RefCell<Option<(Client, Arc<RunState>)>> = const { RefCell::new(None) };
    static FAILURE: RefCell<Option<ClauseFailure>> = const { RefCell::new(None) };
}

/// The server as the sdk sees it, with what the case created.
#[derive(Debug)]
pub(crate) struct Server {
    client: Client,
    reference: String,
    created: Vec<(IdempotencyKey, Order)>,
}

fn fail(operation: &str, seen: String) -> ! {
    let failure = CLAUSE.fail(operation, seen);
    let message = failure.to_string();
    FAILURE.with(|f| *f.borrow_mut() = Some(failure));
    panic!("{message}");
}

impl Server {
    fn order(&self, index: usize) -> &Order {
        &self.created[index].1
    }

    fn new_order(&self, quantity: u32, key: &IdempotencyKey) -> NewStarsOrder {
        NewStarsOrder::new("pandus", quantity)
            .and_then(|o| o.client_reference(&self.reference))
            .map(|o| o.idempotency_key(key.clone()))
            .expect("valid model inputs")
    }
}

/// The system under test.
#[derive(Debug)]
pub(crate) struct Sut;

impl StateMachineTest for Sut {
    type SystemUnderTest = Server;
    type Reference = Reference;

    fn init_test(_: &Model) -> Server {
        let (client, run) = TARGET
            .with(|t| t.borrow().clone())
            .expect("the target is set");
        let reference = run.reference(&format!(
            "sm-{}",
            &uuid::Uuid::new_v4().simple().to_string()[..10]
        ));
        Server {
            client,
            reference,
            created: Vec::new(),
        }
    }

    fn apply(mut server: Server, model: &Model, step: Step) -> Server {
        let expected = |i: usize| model.status(i);
        match step {
            Step::Create(quantity) => {
                let key = IdempotencyKey::random();
                let made = block_on(
                    server
                        .client
                        .create_stars_order(server.new_order(quantity, &key)),
                )
                .unwrap_or_else(|e| fail("create_stars_order", format!("{step:?}: {e}")));
                let order = made.value;
                if order.status != OrderStatus::PendingPayment
                    || order.stars_amount != i32::try_from(quantity).ok()
                {
                    fail("create_stars_order", format!("{step:?} made {order:?}"));
                }
                server.created.push((key, order));
            }
            Step::Replay(i) => {
                let key = server.created[i].0.clone();
                let quantity = model.orders[i].quantity;
                let replay = block_on(
                    server
                        .client
                        .create_stars_order(server.new_order(quantity, &key)),
                )
                .unwrap_or_else(|e| fail("create_stars_order", format!("{step:?}: {e}")));
                if &replay.value != server.order(i) {
                    fail(
                        "create_stars_order",
                        format!(
                            "{step:?}: the replay answered {:?}, the create {:?}",
                            replay.value,
                            server.order(i)
                        ),
                    );
                }
            }
            Step::Get(i) => {
                let order = block_on(server.client.get_order(server.order(i).id))
                    .unwrap_or_else(|e| fail("get_order", format!("{step:?}: {e}")));
                if order.status != expected(i) || order.id != server.order(i).id {
                    fail(
                        "get_order",
                        format!("{step:?}: expected {}, saw {order:?}", expected(i)),
                    );
                }
            }
            Step::Cancel(i) => {
                let result = block_on(server.client.cancel_order(server.order(i).id));
                match (model.orders[i].cancels, result) {
                    (1, Ok(done)) if done.value.status == OrderStatus::Cancelled => {}
                    (n, Err(e))
                        if n > 1
                            && e.code() == Some(&ErrorCode::OrderNotCancellable)
                            && e.status().map(|s| s.as_u16()) == Some(409) => {}
                    (n, other) => fail(
                        "cancel_order",
                        format!("{step:?} (cancel number {n}): {other:?}"),
                    ),
                }
            }
            Step::List => {
                let query = OrderQuery::default().page(PageRequest::default().limit(100));
                let page = block_on(server.client.list_orders(&query))
                    .unwrap_or_else(|e| fail("list_orders", e.to_string()));
                for (i, (_, order)) in server.created.iter().enumerate() {
                    let listed = page.items.iter().find(|o| o.id == order.id);
                    if let Some(listed) = listed.filter(|l| l.status != expected(i)) {
                        fail(
                            "list_orders",
                            format!(
                                "order {} listed as {}, expected {}",
                                order.id,
                                listed.status,
                                expected(i)
                            ),
                        );
                    }
                }
                if page.total < i64::try_from(server.created.len()).unwrap_or(i64::MAX) {
                    fail(
                        "list_orders",
                        format!(
                            "total {} below the {} orders this case made",
                            page.total,
                            server.created.len()
                        ),
                    );
                }
            }
            Step::ByMemo(i) => {
                let order = block_on(
                    server
                        .client
                        .get_order_by_memo(&server.order(i).payment_memo),
                )
                .unwrap_or_else(|e| fail("get_order_by_memo", format!("{step:?}: {e}")));
                if order.id != server.order(i).id || order.status != expected(i) {
                    fail("get_order_by_memo", format!("{step:?}: saw {order:?}"));
                }
            }
            Step::ByReference => {
                let orders = block_on(server.client.list_orders_by_reference(&server.reference))
                    .unwrap_or_else(|e| fail("list_orders_by_reference", e.to_string()));
                let mut seen: Vec<_> = orders.iter().map(|o| (o.id, o.status.clone())).collect();
                let mut want: Vec<_> = server
                    .created
                    .iter()
                    .enumerate()
                    .map(|(i, (_, o))| (o.id, expected(i)))
                    .collect();
                seen.sort();
                want.sort();
                if seen != want {
                    fail(
                        "list_orders_by_reference",
                        format!("expected {want:?}, saw {seen:?}"),
                    );
                }
            }
        }
        server
    }
}

/// Runs the state-machine clause against `live`.
pub(crate) fn run(live: &Live) -> ClauseResult {
    TARGET.with(|t| *t.borrow_mut() = Some((live.primary(), live.run.clone())));
    FAILURE.with(|f| *f.borrow_mut() = None);
    const NAME: &str = "state_machine::orders_and_idempotency [live]";
    let config = crate::strategies::config(live.config.proptest_cases, live.run.seed);
    let mut runner = TestRunner::new(config.clone());
    let digest = RefCell::new(CaseDigest::default());
    let started = std::time::Instant::now();
    let result = runner.run(
        &Reference::sequential_strategy(1..=MAX_TRANSITIONS),
        |(initial, steps, seen)| {
            digest.borrow_mut().add(&format!("{steps:?}"));
            Sut::test_sequential(config.clone(), initial, steps, seen);
            Ok(())
        },
    );
    let log = digest.into_inner().finish(NAME);
    eprintln!(
        "{}; inputs digest {:016x}",
        crate::property::speed_line(
            NAME,
            live.config.proptest_cases,
            started.elapsed().as_secs_f64()
        ),
        log.digest
    );
    live.run.record_cases(log);
    match result {
        Ok(()) => Ok(()),
        Err(TestError::Fail(reason, (_, steps, _))) => {
            let mut failure = FAILURE
                .with(|f| f.borrow_mut().take())
                .unwrap_or_else(|| CLAUSE.fail("-", reason.to_string()));
            failure.seen = format!("{} (minimal sequence: {steps:?})", failure.seen);
            Err(failure)
        }
        Err(TestError::Abort(reason)) => {
            Err(CLAUSE.fail("-", format!("proptest aborted: {reason}")))
        }
    }
}
