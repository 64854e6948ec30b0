//! The signature of each sdk method the surface emitter generates, as a caller of the sdk (the
//! CLI emitter) needs it: positional arguments, the query struct or page, the body input and its
//! setters. Read off the surface emitter's own model, so the two cannot disagree.

use anyhow::Result;
use openapiv3::Schema;
use quote::quote;

use super::operations::{SdkOperation, is_paging};
use super::progenitor_shapes::Shapes;
use super::surface::{Emitter, Input, Kind, pascal};

/// How the sdk's generated method for one operation takes its inputs: what a caller of the sdk
/// (the CLI emitter) needs to call it.
#[derive(Debug, Clone)]
pub struct Signature {
    /// The method's positional arguments (path and required query parameters), in order.
    pub required: Vec<Arg>,
    /// Its optional query parameters.
    pub query: QueryArg,
    /// Its body input, when it has a body.
    pub body: Option<BodyArgs>,
}

/// How a method takes its optional query parameters.
#[derive(Debug, Clone)]
pub enum QueryArg {
    /// It has none.
    None,
    /// Paging only: a `PageRequest`.
    Page,
    /// A query struct (`&Name`) with setters for `options` and, when `paged`, `page`.
    Struct {
        /// The struct's name.
        ident: String,
        /// Its non-paging options.
        options: Vec<Arg>,
        /// Whether it has a `page`.
        paged: bool,
    },
}

/// A body input type: `Name::new(new_args…)` then one setter per optional property.
#[derive(Debug, Clone)]
pub struct BodyArgs {
    /// The input type's name.
    pub ident: String,
    /// Whether `new` returns a `Result`.
    pub fallible_new: bool,
    /// `new`'s arguments.
    pub new_args: Vec<Arg>,
    /// The setters and whether each returns a `Result`.
    pub setters: Vec<(Arg, bool)>,
}

/// One argument or setter.
#[derive(Debug, Clone)]
pub struct Arg {
    /// The wire name.
    pub wire: String,
    /// The Rust name of the argument or setter.
    pub ident: String,
    /// What Rust value it takes.
    pub kind: ArgKind,
    /// Its schema (description, enum, bounds).
    pub schema: Schema,
    /// The default the sdk fills in, if any.
    pub default: Option<String>,
}

/// What Rust value an argument takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgKind {
    /// `impl Into<T>` of a hand-written sdk type (the path, e.g. `::theopenmoney::OrderId`).
    Into(String),
    /// Text, checked by the sdk (`&str`).
    Text,
    /// Unchecked text (`impl Into<String>`).
    PlainText,
    /// An integer primitive (`u32`, …), range-checked by the sdk.
    Integer(String),
    /// A boolean.
    Bool,
}

impl Kind {
    fn public(&self) -> ArgKind {
        match self {
            Self::Into(t) => ArgKind::Into(quote!(#t).to_string().replace(' ', "")),
            Self::Text { .. } => ArgKind::Text,
            Self::PlainText => ArgKind::PlainText,
            Self::Integer { prim, .. } => ArgKind::Integer(prim.to_string()),
            Self::Bool => ArgKind::Bool,
        }
    }
}

/// The signature of the sdk method generated for `op`.
pub fn signature(op: &SdkOperation, shapes: &Shapes) -> Result<Signature> {
    let emitter = Emitter { op, shapes };
    let arg = |i: &Input<'_>| Arg {
        wire: i.param.name.clone(),
        ident: i.ident.to_string(),
        kind: i.kind.public(),
        schema: i.param.schema.clone(),
        default: None,
    };
    let inputs = emitter.inputs()?;
    let required = inputs
        .iter()
        .filter(|i| i.param.required)
        .map(arg)
        .collect();
    let (paging, options): (Vec<&Input<'_>>, Vec<&Input<'_>>) = inputs
        .iter()
        .filter(|i| !i.param.required)
        .partition(|i| is_paging(&op.extensions, &i.param.name));
    let query = match (options.is_empty(), paging.is_empty()) {
        (true, true) => QueryArg::None,
        (true, false) => QueryArg::Page,
        (false, _) => QueryArg::Struct {
            ident: op
                .extensions
                .input
                .clone()
                .unwrap_or_else(|| format!("{}Query", pascal(&op.id))),
            options: options.into_iter().map(arg).collect(),
            paged: !paging.is_empty(),
        },
    };
    let body = match op.body {
        None => None,
        Some(_) => {
            let mut args = BodyArgs {
                ident: emitter.body_ident().to_string(),
                fallible_new: false,
                new_args: Vec::new(),
                setters: Vec::new(),
            };
            for f in emitter.body_fields()? {
                let arg = Arg {
                    wire: f.wire.to_owned(),
                    ident: f.ident.to_string(),
                    kind: f.kind.public(),
                    schema: f.schema.clone(),
                    default: f.default.clone(),
                };
                if f.required && f.default.is_none() {
                    args.fallible_new |= f.kind.is_fallible();
                    args.new_args.push(arg);
                } else {
                    args.setters.push((arg, f.kind.is_fallible()));
                }
            }
            Some(args)
        }
    };
    Ok(Signature {
        required,
        query,
        body,
    })
}
