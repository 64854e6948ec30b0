//! Small builders for the hand-written `JsonSchema` impls.

use schemars::schema::{InstanceType, Metadata, Schema, SchemaObject};

pub(crate) fn described(instance: InstanceType, description: &str) -> SchemaObject {
    SchemaObject {
        instance_type: Some(instance.into()),
        metadata: Some(Box::new(Metadata {
            description: Some(description.to_owned()),
            ..Metadata::default()
        })),
        ..SchemaObject::default()
    }
}

pub(crate) fn string_schema(description: &str) -> Schema {
    described(InstanceType::String, description).into()
}
