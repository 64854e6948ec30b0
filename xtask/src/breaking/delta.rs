//! What changed between two specs, as neutral facts: whether a fact breaks anyone is decided
//! later, once for the wire (`wire.rs`) and once for the Rust API (`rust_api.rs`).

use std::fmt;

/// Where a change is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// An operation as a whole.
    Operation {
        /// `operationId`.
        op: String,
    },
    /// A schema under an operation: a parameter's, the request body's or a response's.
    OperationSchema {
        /// `operationId`.
        op: String,
        /// Which of the operation's schemas.
        part: Part,
        /// The path inside that schema (`` for the schema itself, `items[].id`).
        at: String,
    },
    /// A component schema, or a place inside it.
    Schema {
        /// The component's name.
        name: String,
        /// The path inside it (`` for the schema itself).
        at: String,
    },
}

/// One of an operation's schemas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// A parameter.
    Param {
        /// Wire name.
        name: String,
        /// `path`, `query`, `header`, `cookie`.
        location: String,
    },
    /// The request body.
    RequestBody,
    /// The response with this status.
    Response(String),
}

impl Part {
    /// Whether callers write this part (parameters, body) rather than read it.
    pub fn is_request(&self) -> bool {
        !matches!(self, Self::Response(_))
    }
}

/// A change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    /// The operation is gone.
    OperationRemoved {
        /// `METHOD path`.
        endpoint: String,
    },
    /// A new operation.
    OperationAdded {
        /// `METHOD path`.
        endpoint: String,
    },
    /// The same method and path under another `operationId`.
    OperationRenamed {
        /// The new `operationId`.
        to: String,
    },
    /// The operation moved to another method or path.
    OperationMoved {
        /// Old `METHOD path`.
        from: String,
        /// New `METHOD path`.
        to: String,
    },
    /// A parameter is gone.
    ParamRemoved {
        /// Whether callers had to send it.
        required: bool,
    },
    /// A new parameter.
    ParamAdded {
        /// Whether callers must send it.
        required: bool,
    },
    /// A parameter became required or optional.
    ParamRequiredChanged {
        /// Whether it is required now.
        now_required: bool,
    },
    /// The operation now takes a request body.
    BodyAdded {
        /// Whether callers must send it.
        required: bool,
    },
    /// The operation no longer takes a request body.
    BodyRemoved,
    /// The request body became required or optional.
    BodyRequiredChanged {
        /// Whether it is required now.
        now_required: bool,
    },
    /// The request body's media types changed.
    BodyMediaTypesChanged {
        /// Old media types.
        from: Vec<String>,
        /// New media types.
        to: Vec<String>,
    },
    /// A response status is new.
    StatusAdded {
        /// Whether it is a 2xx.
        success: bool,
    },
    /// A response status is gone.
    StatusRemoved {
        /// Whether it was a 2xx.
        success: bool,
    },
    /// A response lost or gained its JSON body.
    ResponseBodyChanged {
        /// Whether it has one now.
        now_has_body: bool,
    },
    /// Calls now need, or no longer need, credentials.
    AuthChanged {
        /// Whether they need them now.
        now_required: bool,
    },
    /// An `x-…` extension the sdk generates from (`x-pagination`, `x-waiters` entries,
    /// `x-sdk-input`) appeared, disappeared or changed.
    SdkExtension {
        /// The extension (`x-waiters.order_paid` for one waiter).
        name: String,
        /// The Rust item it generates, as the spec names it (stream, waiter, input type).
        item: String,
        /// What happened to it.
        change: ExtensionChange,
    },
    /// A component schema is gone.
    SchemaRemoved,
    /// A new component schema.
    SchemaAdded,
    /// A change inside a schema.
    Schema(SchemaChange),
}

/// What happened to an sdk extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtensionChange {
    /// It is new.
    Added,
    /// It is gone.
    Removed,
    /// The generated item's name changed.
    Renamed {
        /// The new name.
        to: String,
    },
    /// Its settings changed, its name did not.
    Retuned,
}

/// A change inside one schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaChange {
    /// A property is gone.
    PropertyRemoved {
        /// Whether it was required.
        required: bool,
    },
    /// A new property.
    PropertyAdded {
        /// Whether it is required.
        required: bool,
    },
    /// A property became required or optional.
    RequiredChanged {
        /// Whether it is required now.
        now_required: bool,
    },
    /// Another JSON type (or format, or composition).
    TypeChanged {
        /// Old type, described.
        from: String,
        /// New type, described.
        to: String,
        /// Every old value is still valid (`int32` → `int64`).
        widened: bool,
        /// Every new value was already valid (`int64` → `int32`).
        narrowed: bool,
    },
    /// An enumerated value is gone.
    EnumValueRemoved {
        /// The value, as JSON.
        value: String,
        /// Whether the enum is open (`anyOf: [enum, string]`).
        open: bool,
    },
    /// A new enumerated value.
    EnumValueAdded {
        /// The value, as JSON.
        value: String,
        /// Whether the enum is open (`anyOf: [enum, string]`).
        open: bool,
    },
    /// A validation keyword changed (`maxLength`, `pattern`, a closed `enum` as a whole).
    Constraint {
        /// The keyword.
        keyword: String,
        /// Old value, as JSON (`None`: absent).
        from: Option<String>,
        /// New value, as JSON (`None`: absent).
        to: Option<String>,
        /// Which way it moved.
        direction: Tightening,
    },
    /// `nullable` changed.
    NullableChanged {
        /// Whether `null` is allowed now.
        now_nullable: bool,
    },
    /// A `$ref` points at another component.
    RefChanged {
        /// Old component.
        from: String,
        /// New component.
        to: String,
        /// Whether both components accept the same JSON.
        same_shape: bool,
    },
    /// A `$ref` became an inline schema, or the other way round.
    Inlined {
        /// The component before (`None`: inline).
        from: Option<String>,
        /// The component after (`None`: inline).
        to: Option<String>,
    },
    /// A string gained its first, or lost its last, `pattern`/`minLength`/`maxLength`, which
    /// makes the generator switch between `String` and a checked newtype.
    StringNewtype {
        /// Whether it is a newtype now.
        now_newtype: bool,
    },
    /// `x-sdk-defaults` (a required body property the sdk fills in) gained or lost a property.
    SdkDefault {
        /// Whether the sdk fills it in now.
        now_defaulted: bool,
    },
}

/// How a validation keyword moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tightening {
    /// Fewer values are valid.
    Tightened,
    /// More values are valid.
    Loosened,
    /// Neither is a subset of the other, or it cannot be told.
    Changed,
}

/// A fact and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delta {
    /// Where.
    pub subject: Subject,
    /// What.
    pub fact: Fact,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Param { name, location } => write!(f, "{location} parameter `{name}`"),
            Self::RequestBody => f.write_str("request body"),
            Self::Response(status) => write!(f, "response {status}"),
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Operation { op } => write!(f, "operation `{op}`"),
            Self::OperationSchema { op, part, at } if at.is_empty() => {
                write!(f, "operation `{op}`, {part}")
            }
            Self::OperationSchema { op, part, at } => write!(f, "operation `{op}`, {part}, `{at}`"),
            Self::Schema { name, at } if at.is_empty() => write!(f, "schema `{name}`"),
            Self::Schema { name, at } => write!(f, "schema `{name}`, field `{at}`"),
        }
    }
}

impl fmt::Display for Fact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OperationRemoved { endpoint } => write!(f, "removed ({endpoint})"),
            Self::OperationAdded { endpoint } => write!(f, "added ({endpoint})"),
            Self::OperationRenamed { to } => write!(f, "renamed to `{to}` (same method and path)"),
            Self::OperationMoved { from, to } => write!(f, "moved from {from} to {to}"),
            Self::ParamRemoved { required } => write!(f, "removed (was {})", req(*required)),
            Self::ParamAdded { required } => write!(f, "added ({})", req(*required)),
            Self::ParamRequiredChanged { now_required }
            | Self::BodyRequiredChanged { now_required } => {
                write!(f, "now {}", req(*now_required))
            }
            Self::BodyAdded { required } => write!(f, "request body added ({})", req(*required)),
            Self::BodyRemoved => f.write_str("request body removed"),
            Self::BodyMediaTypesChanged { from, to } => {
                write!(f, "media types {} → {}", from.join(", "), to.join(", "))
            }
            Self::StatusAdded { .. } => f.write_str("status added"),
            Self::StatusRemoved { .. } => f.write_str("status removed"),
            Self::ResponseBodyChanged { now_has_body: true } => f.write_str("now has a JSON body"),
            Self::ResponseBodyChanged {
                now_has_body: false,
            } => f.write_str("JSON body removed"),
            Self::AuthChanged { now_required: true } => f.write_str("now needs credentials"),
            Self::AuthChanged {
                now_required: false,
            } => f.write_str("no longer needs credentials"),
            Self::SdkExtension { name, item, change } => match change {
                ExtensionChange::Added => write!(f, "`{name}` added (`{item}`)"),
                ExtensionChange::Removed => write!(f, "`{name}` removed (`{item}`)"),
                ExtensionChange::Renamed { to } => write!(f, "`{name}` renames `{item}` to `{to}`"),
                ExtensionChange::Retuned => write!(f, "`{name}` settings changed (`{item}`)"),
            },
            Self::SchemaRemoved => f.write_str("removed"),
            Self::SchemaAdded => f.write_str("added"),
            Self::Schema(change) => change.fmt(f),
        }
    }
}

impl fmt::Display for SchemaChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PropertyRemoved { required } => {
                write!(f, "property removed (was {})", req(*required))
            }
            Self::PropertyAdded { required } => write!(f, "property added ({})", req(*required)),
            Self::RequiredChanged { now_required } => write!(f, "now {}", req(*now_required)),
            Self::TypeChanged { from, to, .. } => write!(f, "type {from} → {to}"),
            Self::EnumValueRemoved { value, open } => {
                write!(f, "{} enum value {value} removed", openness(*open))
            }
            Self::EnumValueAdded { value, open } => {
                write!(f, "{} enum value {value} added", openness(*open))
            }
            Self::Constraint {
                keyword, from, to, ..
            } => write!(
                f,
                "`{keyword}` {} → {}",
                from.as_deref().unwrap_or("(none)"),
                to.as_deref().unwrap_or("(none)")
            ),
            Self::NullableChanged { now_nullable: true } => f.write_str("now nullable"),
            Self::NullableChanged {
                now_nullable: false,
            } => f.write_str("no longer nullable"),
            Self::RefChanged { from, to, .. } => write!(f, "`$ref` {from} → {to}"),
            Self::Inlined { from, to } => write!(
                f,
                "{} → {}",
                from.as_deref()
                    .map_or("inline schema".into(), |n| format!("`$ref` {n}")),
                to.as_deref()
                    .map_or("inline schema".into(), |n| format!("`$ref` {n}"))
            ),
            Self::StringNewtype { now_newtype: true } => {
                f.write_str("string gains its first length/pattern rule")
            }
            Self::StringNewtype { now_newtype: false } => {
                f.write_str("string loses its last length/pattern rule")
            }
            Self::SdkDefault {
                now_defaulted: true,
            } => f.write_str("now in `x-sdk-defaults`"),
            Self::SdkDefault {
                now_defaulted: false,
            } => f.write_str("no longer in `x-sdk-defaults`"),
        }
    }
}

fn req(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

fn openness(open: bool) -> &'static str {
    if open { "open" } else { "closed" }
}
