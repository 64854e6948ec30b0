//! The generator settings: builder interface, our hooks, and which schemas the sdk replaces
//! with hand-written types (open enums, exact money, the generic envelope).

use anyhow::{Result, bail};
use openapiv3::{OpenAPI, ReferenceOr, SchemaKind, Type};
use progenitor_impl::{GenerationSettings, HooksMode, InterfaceStyle, TagStyle};

/// The sdk crate as seen from generated code in any crate (the sdk names itself with
/// `extern crate self as theopenmoney`), so the same paths work in the client and the mocks.
pub const SDK_CRATE: &str = "theopenmoney";

/// Schemas replaced by hand-written sdk types: (schema name, type at the sdk's root).
///
/// Open enums keep unknown values in an `Unknown(String)` arm (typify's enums are closed), money
/// decodes exactly into decimals (typify would use `f64`), and the idempotency key is the sdk's
/// own type so it can be generated, derived and returned to the caller. `OrderId` is one type
/// for ids read and ids sent; typify's integer enums (`PremiumMonths`) get no `JsonSchema`.
pub const REPLACEMENTS: &[(&str, &str)] = &[
    ("OrderStatus", "OrderStatus"),
    ("OrderType", "OrderType"),
    ("PaymentMethod", "PaymentMethod"),
    ("KnownPaymentMethod", "PaymentMethod"),
    ("PaymentCurrency", "PaymentCurrency"),
    ("KnownPaymentCurrency", "PaymentCurrency"),
    ("TransactionKind", "TransactionKind"),
    ("ErrorCode", "ErrorCode"),
    ("TonAmount", "TonAmount"),
    ("UsdAmount", "UsdAmount"),
    ("Percent", "Percent"),
    ("IdempotencyKey", "IdempotencyKey"),
    ("OrderId", "OrderId"),
    ("PremiumMonths", "PremiumMonths"),
];

/// Suffix of success envelopes, each replaced by the generic `Envelope<T>`.
const ENVELOPE_SUFFIX: &str = "Envelope";
/// The one error envelope, generated as is.
const ERROR_ENVELOPE: &str = "ErrorEnvelope";

/// Settings shared by the client and the mocks, so both name the same types.
pub fn generation_settings(spec: &OpenAPI) -> Result<GenerationSettings> {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote::quote!(crate::hooks::CallContext))
        .with_derive("PartialEq")
        .with_derive("schemars::JsonSchema")
        .with_map_type("::std::collections::BTreeMap");
    for (schema, target) in REPLACEMENTS {
        settings.with_replacement(
            schema,
            format!("::{SDK_CRATE}::{target}"),
            std::iter::empty(),
        );
    }
    for (schema, target) in envelope_replacements(spec)? {
        settings.with_replacement(schema, target, std::iter::empty());
    }
    Ok(settings)
}

/// `XEnvelope { ok, data: X }` → `Envelope<X>`, derived from the spec so a new envelope needs no
/// settings change.
fn envelope_replacements(spec: &OpenAPI) -> Result<Vec<(String, String)>> {
    let Some(components) = &spec.components else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (name, schema) in &components.schemas {
        if !name.ends_with(ENVELOPE_SUFFIX) || name == ERROR_ENVELOPE {
            continue;
        }
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
            bail!("schema `{name}`: an envelope must be an object with `ok` and `data`");
        };
        let Some(data) = object.properties.get("data") else {
            bail!("schema `{name}`: an envelope must have a `data` property");
        };
        let inner = match data {
            ReferenceOr::Reference { reference } => type_for_ref(reference),
            ReferenceOr::Item(item) => match &item.schema_kind {
                SchemaKind::Type(Type::Array(array)) => match &array.items {
                    Some(ReferenceOr::Reference { reference }) => {
                        format!("::std::vec::Vec<{}>", type_for_ref(reference))
                    }
                    _ => bail!("schema `{name}`: envelope `data` arrays must hold a `$ref`"),
                },
                _ => bail!("schema `{name}`: envelope `data` must be a `$ref` or an array of one"),
            },
        };
        out.push((name.clone(), format!("::{SDK_CRATE}::Envelope<{inner}>")));
    }
    Ok(out)
}

/// The Rust path of the type a `#/components/schemas/X` reference turns into.
pub(crate) fn type_for_ref(reference: &str) -> String {
    let name = reference.rsplit('/').next().unwrap_or(reference);
    match REPLACEMENTS.iter().find(|(schema, _)| *schema == name) {
        Some((_, target)) => format!("::{SDK_CRATE}::{target}"),
        None => format!("::{SDK_CRATE}::types::{name}"),
    }
}
