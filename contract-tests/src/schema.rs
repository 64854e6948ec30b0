//! Strict validation of response bodies against JSON Schemas derived with schemars from the
//! generated types: required fields, types and formats are enforced, extra fields are allowed.
//! The sdk decodes leniently (open enums, `ok: bool` on errors, nullable options); this is what
//! holds a server to the spec all the same.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use schemars::JsonSchema;
use schemars::r#gen::SchemaSettings;
use serde_json::Value;
use theopenmoney::Envelope;
use theopenmoney::types::{
    Balance, ErrorEnvelope, FeeSchedule, HealthStatus, Order, OrderPage, OrderStats,
    PremiumEstimate, RecipientCheck, StarsEstimate, TonRate, TransactionPage,
};

/// A compiled schema and its source.
#[derive(Debug)]
pub(crate) struct BodySchema {
    /// The schema's title (the Rust type it comes from).
    pub name: String,
    validator: jsonschema::Validator,
}

impl BodySchema {
    fn of<T: JsonSchema>() -> Self {
        let mut settings = SchemaSettings::draft07();
        // The spec's optional fields are absent when unset, never `null`.
        settings.option_add_null_type = false;
        let root = settings.into_generator().into_root_schema_for::<T>();
        let schema = serde_json::to_value(&root).expect("a schema serializes");
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap_or_else(|e| panic!("schema of {} does not compile: {e}", T::schema_name()));
        Self {
            name: T::schema_name(),
            validator,
        }
    }

    /// Every violation, as `path: message`, at most `limit`.
    pub(crate) fn violations(&self, body: &Value, limit: usize) -> Vec<String> {
        self.validator
            .iter_errors(body)
            .take(limit)
            .map(|e| {
                let path = e.instance_path.to_string();
                let path = if path.is_empty() {
                    "/".to_owned()
                } else {
                    path
                };
                format!("{path}: {e}")
            })
            .collect()
    }
}

/// The schema of every operation's success body, by operation id.
pub(crate) fn success_schemas() -> &'static BTreeMap<&'static str, BodySchema> {
    static SCHEMAS: LazyLock<BTreeMap<&'static str, BodySchema>> = LazyLock::new(|| {
        let mut m = BTreeMap::new();
        for op in [
            "create_stars_order",
            "create_premium_order",
            "get_order",
            "get_order_by_memo",
            "cancel_order",
        ] {
            m.insert(op, BodySchema::of::<Envelope<Order>>());
        }
        m.insert("list_orders", BodySchema::of::<Envelope<OrderPage>>());
        m.insert(
            "list_orders_by_reference",
            BodySchema::of::<Envelope<Vec<Order>>>(),
        );
        m.insert("get_order_stats", BodySchema::of::<Envelope<OrderStats>>());
        m.insert("get_ton_rate", BodySchema::of::<Envelope<TonRate>>());
        m.insert(
            "get_fee_schedule",
            BodySchema::of::<Envelope<FeeSchedule>>(),
        );
        m.insert(
            "estimate_stars_price",
            BodySchema::of::<Envelope<StarsEstimate>>(),
        );
        m.insert(
            "estimate_premium_price",
            BodySchema::of::<Envelope<PremiumEstimate>>(),
        );
        for op in ["check_stars_recipient", "check_premium_recipient"] {
            m.insert(op, BodySchema::of::<Envelope<RecipientCheck>>());
        }
        m.insert("get_balance", BodySchema::of::<Envelope<Balance>>());
        m.insert(
            "list_balance_transactions",
            BodySchema::of::<Envelope<TransactionPage>>(),
        );
        m.insert("get_health", BodySchema::of::<Envelope<HealthStatus>>());
        m
    });
    &SCHEMAS
}

/// The schema of a success body of `operation`.
pub(crate) fn success_schema(operation: &str) -> &'static BodySchema {
    success_schemas()
        .get(operation)
        .unwrap_or_else(|| panic!("no success schema for `{operation}`"))
}

/// The schema of every error body.
pub(crate) fn error_schema() -> &'static BodySchema {
    static SCHEMA: LazyLock<BodySchema> = LazyLock::new(BodySchema::of::<ErrorEnvelope>);
    &SCHEMA
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::fixtures::exact;
    use crate::spec::spec;

    #[test]
    fn every_operation_of_the_spec_has_a_success_schema() {
        let ops: Vec<&str> = spec().operations.iter().map(|o| o.id.as_str()).collect();
        let mut ops = ops;
        ops.sort_unstable();
        let with_schema: Vec<&str> = success_schemas().keys().copied().collect();
        assert_eq!(ops, with_schema);
    }

    #[test]
    fn required_fields_types_and_formats_are_enforced_extras_are_not() {
        let schema = success_schema("get_ton_rate");
        let rate = exact("3.27");
        let good = json!({"ok": true, "data": {"ton_usd": rate, "updated_at": "2026-04-16T12:00:00Z", "new": 1}});
        assert_eq!(schema.violations(&good, 5), Vec::<String>::new());
        for bad in [
            json!({"ok": true, "data": {"ton_usd": rate}}),
            json!({"ok": true, "data": {"ton_usd": "3.27", "updated_at": "2026-04-16T12:00:00Z"}}),
            json!({"ok": true, "data": {"ton_usd": rate, "updated_at": "yesterday"}}),
            json!({"ok": false, "data": {"ton_usd": rate, "updated_at": "2026-04-16T12:00:00Z"}}),
            json!({"data": {"ton_usd": rate, "updated_at": "2026-04-16T12:00:00Z"}}),
        ] {
            assert!(!schema.violations(&bad, 5).is_empty(), "accepted {bad}");
        }
    }

    #[test]
    fn optional_fields_may_be_absent_but_not_null() {
        let schema = success_schema("get_order");
        let mut order = json!({"ok": true, "data": {
            "id": 1, "status": "pending_payment", "order_type": "stars", "recipient_username": "pandus",
            "price_ton": exact("0.418"), "payment_address": "UQ", "payment_memo": "STARS-1",
            "expires_at": "2026-04-16T12:15:00Z", "created_at": "2026-04-16T12:00:00Z"
        }});
        assert!(schema.violations(&order, 5).is_empty());
        order["data"]["stars_amount"] = Value::Null;
        assert!(!schema.violations(&order, 5).is_empty());
    }
}
