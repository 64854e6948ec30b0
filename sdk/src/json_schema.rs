//! JSON Schemas of the sdk's hand-written types, for the opt-in `schemars` feature: the
//! generated types derive theirs, and embed these. The contract suite validates response bodies
//! against them; partners who do not ask for the feature never compile schemars.

use schemars::JsonSchema;
use schemars::r#gen::SchemaGenerator;
use schemars::schema::{InstanceType, Metadata, Schema, SchemaObject};

use crate::enums::{
    ErrorCode, OrderStatus, OrderType, PaymentCurrency, PaymentMethod, TransactionKind,
};
use crate::envelope::Success;
use crate::idempotency_key::{IdempotencyKey, MAX_LEN};
use crate::ids::{OrderId, PremiumMonths};
use crate::money::{Percent, TonAmount, UsdAmount};

fn described(instance: InstanceType, description: &str) -> SchemaObject {
    SchemaObject {
        instance_type: Some(instance.into()),
        metadata: Some(Box::new(Metadata {
            description: Some(description.to_owned()),
            ..Metadata::default()
        })),
        ..SchemaObject::default()
    }
}

/// `impl JsonSchema` from a name and a function building the schema.
macro_rules! schema {
    ($($ty:ty => $build:expr;)+) => {
        $(
            impl JsonSchema for $ty {
                fn schema_name() -> String {
                    stringify!($ty).to_owned()
                }

                fn json_schema(_: &mut SchemaGenerator) -> Schema {
                    let build: fn() -> SchemaObject = $build;
                    build().into()
                }
            }
        )+
    };
}

/// Open enums: any string is valid; the known values are documentation.
macro_rules! open_enum_schemas {
    ($($ty:ty),+) => {
        schema! {
            $($ty => || {
                let known: Vec<&str> = <$ty>::KNOWN.iter().map(|v| v.as_str()).collect();
                described(
                    InstanceType::String,
                    &format!("One of: {} or a value added later.", known.join(" ")),
                )
            };)+
        }
    };
}

open_enum_schemas!(
    OrderStatus,
    OrderType,
    PaymentMethod,
    PaymentCurrency,
    TransactionKind,
    ErrorCode
);

schema! {
    TonAmount => || described(InstanceType::Number, "An amount of TON as a JSON number, decoded exactly.");
    UsdAmount => || described(InstanceType::Number, "An amount of US dollars as a JSON number, decoded exactly.");
    Percent => || described(InstanceType::Number, "A percentage as a JSON number, decoded exactly.");
    OrderId => || {
        let mut schema = described(InstanceType::Integer, "An order id.");
        schema.number().minimum = Some(1.0);
        schema
    };
    PremiumMonths => || {
        let mut schema = described(InstanceType::Integer, "Months of Premium.");
        schema.enum_values = Some(vec![3.into(), 6.into(), 12.into()]);
        schema
    };
    IdempotencyKey => || {
        let mut schema = described(
            InstanceType::String,
            "1–255 printable ASCII characters, no leading or trailing space.",
        );
        schema.string().min_length = Some(1);
        schema.string().max_length = Some(MAX_LEN as u32);
        schema.string().pattern = Some("^[!-~]([ -~]*[!-~])?$".to_owned());
        schema
    };
    Success => || {
        let mut schema = described(InstanceType::Boolean, "Always true.");
        schema.enum_values = Some(vec![true.into()]);
        schema
    };
}

#[cfg(test)]
mod tests {
    use schemars::schema_for;

    use super::*;

    #[test]
    fn hand_written_types_describe_their_wire_form() {
        let status = serde_json::to_value(schema_for!(OrderStatus)).unwrap();
        assert_eq!(status["type"], "string");
        assert!(
            status["description"]
                .as_str()
                .unwrap()
                .contains("pending_payment")
        );
        let months = serde_json::to_value(schema_for!(PremiumMonths)).unwrap();
        assert_eq!(months["enum"], serde_json::json!([3, 6, 12]));
        let amount = serde_json::to_value(schema_for!(TonAmount)).unwrap();
        assert_eq!(amount["type"], "number");
    }
}
