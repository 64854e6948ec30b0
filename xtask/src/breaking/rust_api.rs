//! Rust API compatibility: does code that compiled against the sdk generated from the base
//! still compile against the sdk generated from the new spec?
//!
//! It reasons from the spec change to the shapes the generator emits:
//! - one `Client` method per operation, named after `operationId`; required path and query
//!   parameters are positional arguments, optional query parameters are pub fields of the
//!   operation's input struct (`x-sdk-input`), request bodies go through an input builder
//!   (`new(required…)` less the `x-sdk-defaults`, a setter per optional property);
//! - a stream per `x-pagination`, a `wait_for_<name>` per `x-waiters` entry;
//! - `theopenmoney::types::X` per component schema: plain structs with pub fields, closed enums,
//!   checked newtypes for strings with length or pattern rules; except the schemas the sdk
//!   replaces with hand-written types (`HAND_WRITTEN`) and the success envelopes (`Envelope<T>`).
//!
//! A struct gaining a pub field breaks struct literals, so it breaks types callers build
//! (request bodies, input structs) but not types callers only read (responses).

use super::classify::{Context, Impact};
use super::delta::{Delta, ExtensionChange, Fact, Part, SchemaChange, Subject};

/// Schemas the sdk replaces with hand-written types: (schema, type at the sdk's root), the very
/// list codegen uses.
pub const HAND_WRITTEN: &[(&str, &str)] = crate::codegen::REPLACEMENTS;

/// Input structs (optional query parameters) are `#[non_exhaustive]` with a setter per field,
/// so a new field breaks no caller. Set to `true` if they ever become exhaustive.
const INPUT_STRUCTS_EXHAUSTIVE: bool = false;

/// Suffix of the success envelopes that become `Envelope<T>`; the error envelope is generated.
const ENVELOPE_SUFFIX: &str = "Envelope";
const ERROR_ENVELOPE: &str = "ErrorEnvelope";
/// The header the sdk turns into `Idempotent<T>` and an optional key on the input.
const IDEMPOTENCY_HEADER: &str = "idempotency-key";

/// What a component schema is in Rust.
enum Shape {
    /// A hand-written sdk type: it does not follow the spec.
    HandWritten(&'static str),
    /// `Envelope<T>`: only `data` matters.
    Envelope,
    /// `theopenmoney::types::X`.
    Generated {
        /// Whether callers build it (it is in a request), not only read it.
        built_by_callers: bool,
    },
}

/// The Rust path of the type a component schema becomes.
pub fn rust_type(schema: &str) -> String {
    match HAND_WRITTEN.iter().find(|(s, _)| *s == schema) {
        Some((_, target)) => format!("theopenmoney::{target}"),
        None if is_envelope(schema) => "theopenmoney::Envelope<…>".into(),
        None => format!("theopenmoney::types::{schema}"),
    }
}

fn is_envelope(schema: &str) -> bool {
    schema.ends_with(ENVELOPE_SUFFIX) && schema != ERROR_ENVELOPE
}

fn shape(schema: &str, delta: &Delta, ctx: &Context) -> Shape {
    if let Some((_, target)) = HAND_WRITTEN.iter().find(|(s, _)| *s == schema) {
        Shape::HandWritten(target)
    } else if is_envelope(schema) {
        Shape::Envelope
    } else {
        Shape::Generated {
            built_by_callers: !ctx.sent_by(delta).is_empty(),
        }
    }
}

/// The Rust API verdict on one change.
pub fn classify(delta: &Delta, ctx: &Context) -> Impact {
    match (&delta.subject, &delta.fact) {
        (Subject::Schema { name, at }, Fact::Schema(change)) => match shape(name, delta, ctx) {
            Shape::HandWritten(target) => Impact::compatible(format!(
                "`theopenmoney::{target}` is hand-written: its API does not follow the spec (update it by hand if needed)"
            )),
            Shape::Envelope if at.starts_with("data") => {
                generated(&format!("`{}`", rust_type(name)), at, change, false)
            }
            Shape::Envelope => Impact::compatible("`Envelope<T>` keeps only `data`"),
            Shape::Generated { built_by_callers } => generated(
                &format!("`{}`", rust_type(name)),
                at,
                change,
                built_by_callers,
            ),
        },
        (Subject::Schema { name, .. }, Fact::SchemaRemoved) => match shape(name, delta, ctx) {
            Shape::Generated { .. } => Impact::breaks(format!("`{}` is gone", rust_type(name))),
            _ => Impact::compatible(format!("`{}` is not generated from it", rust_type(name))),
        },
        (Subject::Schema { name, .. }, Fact::SchemaAdded) => {
            Impact::compatible(format!("new `{}`", rust_type(name)))
        }
        (Subject::OperationSchema { op, part, at }, Fact::Schema(change)) => {
            operation_schema(op, part, at, change)
        }
        (Subject::OperationSchema { op, part, .. }, fact) => operation_part(op, part, fact),
        (Subject::Operation { op }, fact) => operation(op, fact),
        (Subject::Schema { .. }, fact) => unreachable!("no schema fact {fact:?}"),
    }
}

fn operation(op: &str, fact: &Fact) -> Impact {
    use Impact as I;
    match fact {
        Fact::OperationRemoved { .. } => I::breaks(format!(
            "`Client::{op}` is gone, with its streams and waiters"
        )),
        Fact::OperationAdded { .. } => I::compatible(format!("new method `Client::{op}`")),
        Fact::OperationRenamed { to } => {
            I::breaks(format!("`Client::{op}` becomes `Client::{to}`"))
        }
        Fact::OperationMoved { .. } => I::compatible(format!(
            "`Client::{op}` keeps its signature; only the URL it calls changes"
        )),
        Fact::AuthChanged { .. } => {
            I::compatible("credentials are client configuration: no signature changes")
        }
        Fact::SdkExtension { item, change, .. } => match change {
            ExtensionChange::Added => I::compatible(format!("new `{item}`")),
            ExtensionChange::Removed => I::breaks(format!("`{item}` is gone")),
            ExtensionChange::Renamed { to } => I::breaks(format!("`{item}` becomes `{to}`")),
            ExtensionChange::Retuned => {
                I::compatible(format!("`{item}` keeps its signature; its defaults change"))
            }
        },
        fact => unreachable!("not an operation-wide fact: {fact:?}"),
    }
}

fn operation_part(op: &str, part: &Part, fact: &Fact) -> Impact {
    use Impact as I;
    let idempotency = matches!(part, Part::Param { name, location }
        if location == "header" && name.eq_ignore_ascii_case(IDEMPOTENCY_HEADER));
    match fact {
        _ if idempotency => I::breaks(format!(
            "`Client::{op}` starts or stops taking an idempotency key and returning `Idempotent<T>`"
        )),
        Fact::ParamAdded { required: true } => {
            I::breaks(format!("`Client::{op}` gains a positional argument"))
        }
        Fact::ParamAdded { required: false } if INPUT_STRUCTS_EXHAUSTIVE => I::breaks(format!(
            "the input struct of `Client::{op}` gains a pub field: code using `..Default::default()` still compiles, an exhaustive struct literal does not"
        )),
        Fact::ParamAdded { required: false } => I::compatible(format!(
            "the input struct of `Client::{op}` gains a field and a setter; it is `#[non_exhaustive]`, so no caller breaks"
        )),
        Fact::ParamRemoved { required: true } => {
            I::breaks(format!("`Client::{op}` loses a positional argument"))
        }
        Fact::ParamRemoved { required: false } => {
            I::breaks(format!("the input struct of `Client::{op}` loses a field"))
        }
        Fact::ParamRequiredChanged { .. } => I::breaks(format!(
            "the parameter moves between the positional arguments and the input struct of `Client::{op}`"
        )),
        Fact::BodyAdded { .. } | Fact::BodyRemoved | Fact::BodyRequiredChanged { .. } => I::breaks(
            format!("the arguments of `Client::{op}` change (its input builder)"),
        ),
        Fact::BodyMediaTypesChanged { .. } => {
            I::breaks(format!("`Client::{op}` sends another kind of body"))
        }
        Fact::StatusAdded { success: true } | Fact::StatusRemoved { success: true } => {
            I::breaks(format!("the success type of `Client::{op}` changes"))
        }
        Fact::StatusAdded { success: false } | Fact::StatusRemoved { success: false } => {
            I::compatible("errors stay `theopenmoney::Error` with the error envelope")
        }
        Fact::ResponseBodyChanged { .. } => {
            I::breaks(format!("the return type of `Client::{op}` changes"))
        }
        fact => unreachable!("not an operation-part fact: {fact:?}"),
    }
}

/// A change in an operation's own (inline or `$ref`) schema: parameters are arguments or input
/// fields, bodies are the input builder's, responses are the return type.
fn operation_schema(op: &str, part: &Part, at: &str, change: &SchemaChange) -> Impact {
    let what = match part {
        Part::Param { name, .. } => format!("the parameter `{name}` of `Client::{op}`"),
        Part::RequestBody => format!("the input of `Client::{op}`"),
        Part::Response(_) => format!("the return type of `Client::{op}`"),
    };
    match change {
        SchemaChange::RefChanged { from, to, .. } if rust_type(from) == rust_type(to) => {
            Impact::compatible(format!("both are `{}`", rust_type(to)))
        }
        SchemaChange::RefChanged { from, to, .. } => Impact::breaks(format!(
            "{what} changes from `{}` to `{}`",
            rust_type(from),
            rust_type(to)
        )),
        _ => generated(&what, at, change, part.is_request()),
    }
}

/// A change inside a generated type; `ty` names it (for messages), `at` is the path inside it.
fn generated(ty: &str, at: &str, change: &SchemaChange, built_by_callers: bool) -> Impact {
    use Impact as I;
    use SchemaChange as C;
    let field = if at.is_empty() {
        ty.to_owned()
    } else {
        format!("`{at}` of {ty}")
    };
    match change {
        C::PropertyRemoved { .. } => I::breaks(format!("field {field} is gone")),
        C::PropertyAdded { required } if built_by_callers => I::breaks(format!(
            "new pub field {field}: a struct literal of it stops compiling{}",
            if *required {
                ", and the input builder's `new` takes it unless `x-sdk-defaults` fills it"
            } else {
                " (the input builder only gains a setter)"
            }
        )),
        C::PropertyAdded { .. } => I::compatible(format!(
            "new pub field {field}: code reading responses is unaffected; only a struct literal of it (a test fixture) needs it"
        )),
        C::RequiredChanged { .. } => {
            I::breaks(format!("{field} changes between `T` and `Option<T>`"))
        }
        C::NullableChanged { .. } => {
            I::breaks(format!("{field} changes between `T` and `Option<T>`"))
        }
        C::TypeChanged { from, to, .. } => {
            I::breaks(format!("{field} changes Rust type ({from} → {to})"))
        }
        C::EnumValueRemoved { value, .. } => {
            I::breaks(format!("{field}: the variant for {value} is gone"))
        }
        C::EnumValueAdded { value, .. } => I::breaks(format!(
            "{field}: a new variant for {value}; generated enums are not `#[non_exhaustive]`, so an exhaustive `match` stops compiling"
        )),
        C::Constraint { keyword, .. } if keyword == "enum" => I::breaks(format!(
            "{field} changes between `String` and a generated enum"
        )),
        C::Constraint { .. } => I::compatible(format!(
            "{field} keeps its Rust type; the rule is checked at run time"
        )),
        C::RefChanged { from, to, .. } if rust_type(from) == rust_type(to) => {
            I::compatible(format!("both are `{}`", rust_type(to)))
        }
        C::RefChanged { from, to, .. } => I::breaks(format!(
            "{field} changes from `{}` to `{}`",
            rust_type(from),
            rust_type(to)
        )),
        C::Inlined { .. } => I::breaks(format!(
            "{field} changes between a named type and a generated one"
        )),
        C::StringNewtype { .. } => I::breaks(format!(
            "{field} changes between `String` and a checked newtype"
        )),
        C::SdkDefault { .. } if built_by_callers => I::breaks(format!(
            "the input builder's `new` gains or loses the argument for {field}"
        )),
        C::SdkDefault { .. } => I::compatible("not in a request"),
    }
}
