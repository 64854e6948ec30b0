//! The partner-facing sdk surface, emitted from the spec: for every operation an async method on
//! `Client` that goes through the one call loop and returns the envelope's `data`; inputs for
//! bodies and optional query parameters; `Idempotent<T>` for operations taking
//! `Idempotency-Key`; a stream for each `x-pagination`; a `wait_for_…` method for each
//! `x-waiters` entry. Client-side input checks come from the schemas' own constraints.

use std::collections::BTreeSet;

use anyhow::{Context, Result, anyhow, bail};
use openapiv3::{Schema, SchemaKind, Type as OaType, VariantOrUnknownOrEmpty};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Ident, Type};

use super::extensions::Waiter;
use super::operations::{Param, SdkOperation, is_paging};
use super::progenitor_shapes::Shapes;

/// Emits the surface module for `operations`, given progenitor's client.
pub fn emit(operations: &[SdkOperation], shapes: &Shapes) -> Result<TokenStream> {
    let mut methods = Vec::new();
    let mut inputs = Vec::new();
    let mut names = BTreeSet::new();
    for op in operations {
        let emitted = Emitter { op, shapes }
            .emit()
            .with_context(|| format!("operation `{}` ({} {})", op.id, op.method, op.path))?;
        for name in emitted.method_names {
            if !names.insert(name.clone()) {
                bail!(
                    "operation `{}`: the generated method `{name}` exists twice",
                    op.id
                );
            }
        }
        methods.push(emitted.methods);
        inputs.push(emitted.inputs);
    }
    Ok(quote! {
        use crate::client::Client;
        use crate::error::Error;
        use crate::generated::types;
        use crate::idempotency::Idempotent;
        use crate::idempotency_key::IdempotencyKey;
        use crate::pagination::PageRequest;
        use crate::waiter::{WaitError, WaitOptions};

        /// The input types of the generated methods.
        pub mod inputs {
            use super::*;
            #(#inputs)*
        }
        use inputs::*;

        impl Client {
            #(#methods)*
        }
    })
}

struct Emitted {
    methods: TokenStream,
    inputs: TokenStream,
    method_names: Vec<String>,
}

/// How a parameter or body field is taken from the caller and checked.
#[derive(Debug, Clone)]
pub(super) enum Kind {
    /// A hand-written sdk type: `impl Into<T>`, no check (the type is valid by construction).
    Into(Type),
    /// A constrained string: `&str`, converted with the generated type's `TryFrom<&str>`.
    Text { target: Type, rule: String },
    /// An unconstrained string: `impl Into<String>`.
    PlainText,
    /// An integer: a primitive, range-checked, then converted (through `inner` for newtypes).
    Integer {
        prim: Ident,
        target: Type,
        inner: Option<Ident>,
        rule: String,
        min: Option<i64>,
        max: Option<i64>,
        one_of: Vec<i64>,
    },
    /// A boolean.
    Bool,
}

impl Kind {
    fn of(target: &Type, schema: &Schema, what: &str) -> Result<Self> {
        let path = quote!(#target).to_string().replace(' ', "");
        if path.starts_with("::theopenmoney::") {
            return Ok(Self::Into(target.clone()));
        }
        match &schema.schema_kind {
            SchemaKind::Type(OaType::String(s)) => {
                if path == "::std::string::String" {
                    Ok(Self::PlainText)
                } else {
                    Ok(Self::Text {
                        target: target.clone(),
                        rule: text_rule(s),
                    })
                }
            }
            SchemaKind::Type(OaType::Integer(i)) => {
                let wide = !matches!(
                    &i.format,
                    VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32)
                );
                let unsigned = i.minimum.is_some_and(|m| m >= 0);
                let prim = match (wide, unsigned) {
                    (false, true) => "u32",
                    (false, false) => "i32",
                    (true, true) => "u64",
                    (true, false) => "i64",
                };
                let inner = path
                    .starts_with("types::")
                    .then(|| format_ident!("{}", if wide { "i64" } else { "i32" }));
                let one_of: Vec<i64> = i.enumeration.iter().flatten().copied().collect();
                Ok(Self::Integer {
                    prim: format_ident!("{prim}"),
                    target: target.clone(),
                    inner,
                    rule: integer_rule(i.minimum, i.maximum, &one_of),
                    min: i
                        .minimum
                        .map(|m| if i.exclusive_minimum { m + 1 } else { m }),
                    max: i
                        .maximum
                        .map(|m| if i.exclusive_maximum { m - 1 } else { m }),
                    one_of,
                })
            }
            SchemaKind::Type(OaType::Boolean(_)) => Ok(Self::Bool),
            _ => Err(anyhow!(
                "{what}: only strings, integers, booleans and the sdk's own types are supported as inputs"
            )),
        }
    }

    /// The argument's type in a signature.
    fn arg_type(&self) -> TokenStream {
        match self {
            Self::Into(t) => quote!(impl ::std::convert::Into<#t>),
            Self::Text { .. } => quote!(&str),
            Self::PlainText => quote!(impl ::std::convert::Into<::std::string::String>),
            Self::Integer { prim, .. } => quote!(#prim),
            Self::Bool => quote!(bool),
        }
    }

    /// The owned type a query struct stores.
    fn stored_type(&self) -> TokenStream {
        match self {
            Self::Into(t) => quote!(#t),
            Self::Text { .. } | Self::PlainText => quote!(::std::string::String),
            Self::Integer { prim, .. } => quote!(#prim),
            Self::Bool => quote!(bool),
        }
    }

    /// The target type the generated client takes.
    fn target(&self) -> TokenStream {
        match self {
            Self::Into(t) | Self::Text { target: t, .. } | Self::Integer { target: t, .. } => {
                quote!(#t)
            }
            Self::PlainText => quote!(::std::string::String),
            Self::Bool => quote!(bool),
        }
    }

    pub(super) fn is_fallible(&self) -> bool {
        matches!(self, Self::Text { .. } | Self::Integer { .. })
    }

    /// An expression turning `value` (of the argument type, or `&str`/primitive for stored
    /// values) into the target type; fallible kinds end in `?`.
    fn convert(&self, field: &str, value: TokenStream) -> TokenStream {
        match self {
            Self::Into(_) | Self::PlainText => quote!(#value.into()),
            Self::Bool => value,
            Self::Text { rule, .. } => quote!(crate::input::text(#field, #rule, #value)?),
            Self::Integer {
                prim,
                target,
                inner,
                rule,
                min,
                max,
                one_of,
            } => {
                let min = option_literal(*min);
                let max = option_literal(*max);
                let one_of = one_of.iter().map(|v| i128::from(*v));
                let through = inner.clone().map_or(quote!(#target), |i| quote!(#i));
                let checked = quote! {
                    crate::input::integer::<#prim, #through>(
                        #field,
                        #rule,
                        #value,
                        crate::input::Bounds { min: #min, max: #max, one_of: &[#(#one_of),*] },
                    )?
                };
                match inner {
                    Some(_) => quote!(#target::from(#checked)),
                    None => checked,
                }
            }
        }
    }
}

fn option_literal(v: Option<i64>) -> TokenStream {
    match v {
        Some(v) => {
            let v = i128::from(v);
            quote!(::std::option::Option::Some(#v))
        }
        None => quote!(::std::option::Option::None),
    }
}

/// "must be …" from a string schema's constraints.
fn text_rule(s: &openapiv3::StringType) -> String {
    let mut parts = Vec::new();
    match (s.min_length, s.max_length) {
        (Some(a), Some(b)) if a == b => parts.push(format!("be exactly {a} characters")),
        (Some(a), Some(b)) => parts.push(format!("be {a}–{b} characters")),
        (Some(a), None) => parts.push(format!("be at least {a} characters")),
        (None, Some(b)) => parts.push(format!("be at most {b} characters")),
        (None, None) => {}
    }
    let values: Vec<String> = s
        .enumeration
        .iter()
        .flatten()
        .map(|v| format!("`{v}`"))
        .collect();
    if !values.is_empty() {
        parts.push(format!("be one of {}", values.join(", ")));
    }
    if let Some(p) = &s.pattern {
        parts.push(format!("match `{p}`"));
    }
    if parts.is_empty() {
        "must be a valid string".into()
    } else {
        format!("must {}", parts.join(" and "))
    }
}

/// "must be …" from an integer schema's constraints.
fn integer_rule(min: Option<i64>, max: Option<i64>, one_of: &[i64]) -> String {
    if !one_of.is_empty() {
        let values: Vec<String> = one_of.iter().map(i64::to_string).collect();
        return format!("must be one of {}", values.join(", "));
    }
    match (min, max) {
        (Some(a), Some(b)) => format!("must be between {a} and {b}"),
        (Some(a), None) => format!("must be at least {a}"),
        (None, Some(b)) => format!("must be at most {b}"),
        (None, None) => "is out of range".into(),
    }
}

/// A parameter with its generated setter and how it is taken.
pub(super) struct Input<'a> {
    pub(super) param: &'a Param,
    setter: Ident,
    pub(super) ident: Ident,
    pub(super) kind: Kind,
}

pub(super) struct Emitter<'a> {
    pub(super) op: &'a SdkOperation,
    pub(super) shapes: &'a Shapes,
}

impl Emitter<'_> {
    /// Every path and query parameter with its setter and kind.
    pub(super) fn inputs(&self) -> Result<Vec<Input<'_>>> {
        let op = self.op;
        op.params
            .iter()
            .map(|param| {
                let setter = setter_ident(&param.name);
                let target = self.shapes.setter(&op.id, &setter.to_string())?;
                let kind = Kind::of(
                    &target,
                    &param.schema,
                    &format!("parameter `{}`", param.name),
                )?;
                Ok(Input {
                    param,
                    ident: setter.clone(),
                    setter,
                    kind,
                })
            })
            .collect()
    }

    fn emit(&self) -> Result<Emitted> {
        let op = self.op;
        let inputs = self.inputs()?;
        let (required, optional): (Vec<&Input<'_>>, Vec<&Input<'_>>) =
            inputs.iter().partition(|i| i.param.required);
        let (paging, options): (Vec<&Input<'_>>, Vec<&Input<'_>>) = optional
            .iter()
            .partition(|i| is_paging(&op.extensions, &i.param.name));
        if op.extensions.pagination.is_some() && !required.is_empty() {
            bail!("x-pagination on an operation with required parameters is not supported yet");
        }
        if !op.extensions.waiters.is_empty() && !optional.is_empty() {
            bail!("x-waiters on an operation with optional parameters is not supported yet");
        }

        let name = format_ident!("{}", op.id);
        let data: Type = syn::parse_str(&op.data_type)
            .with_context(|| format!("data type `{}`", op.data_type))?;
        let docs = operation_docs(op);
        let mut method_names = vec![op.id.clone()];
        let mut input_types = TokenStream::new();

        // Positional arguments and their conversions.
        let args: Vec<TokenStream> = required
            .iter()
            .map(|i| {
                let (ident, ty) = (&i.ident, i.kind.arg_type());
                quote!(#ident: #ty)
            })
            .collect();
        let prepare_required: Vec<TokenStream> = required
            .iter()
            .map(|i| {
                let ident = &i.ident;
                let target = i.kind.target();
                let value = i.kind.convert(&i.param.name, quote!(#ident));
                quote!(let #ident: #target = #value;)
            })
            .collect();

        // Optional query parameters: a query struct, or the bare page.
        let query_type = op
            .extensions
            .input
            .clone()
            .unwrap_or_else(|| format!("{}Query", pascal(&op.id)));
        let query_ident = format_ident!("{query_type}");
        let (query_arg, prepare_optional, optional_sets) = if options.is_empty()
            && paging.is_empty()
        {
            (None, Vec::new(), Vec::new())
        } else {
            let page_source = if options.is_empty() {
                quote!(page)
            } else {
                quote!(query.page)
            };
            let mut prepare = Vec::new();
            let mut sets = Vec::new();
            for i in &options {
                let (ident, field) = (&i.ident, i.param.name.as_str());
                let converted = match &i.kind {
                    Kind::Text { .. } => {
                        let c = i.kind.convert(field, quote!(v));
                        quote!(query.#ident.as_deref().map(|v| -> ::std::result::Result<_, Error> { Ok(#c) }).transpose()?)
                    }
                    Kind::Into(_) | Kind::PlainText => quote!(query.#ident.clone()),
                    _ => {
                        let c = i.kind.convert(field, quote!(v));
                        quote!(query.#ident.map(|v| -> ::std::result::Result<_, Error> { Ok(#c) }).transpose()?)
                    }
                };
                prepare.push(quote!(let #ident = #converted;));
                sets.push(i);
            }
            let pagination = op.extensions.pagination.as_ref();
            for i in &paging {
                let (ident, field) = (&i.ident, i.param.name.as_str());
                let is_limit = pagination.is_some_and(|p| p.limit == i.param.name);
                let (prim, page_field) = if is_limit {
                    ("u32", quote!(limit))
                } else {
                    ("u64", quote!(offset))
                };
                let kind = match &i.kind {
                    Kind::Integer { .. } => with_prim(&i.kind, prim),
                    _ => bail!("paging parameter `{field}` must be an integer"),
                };
                let c = kind.convert(field, quote!(v));
                prepare.push(quote!(let #ident = #page_source.#page_field.map(|v| -> ::std::result::Result<_, Error> { Ok(#c) }).transpose()?;));
                sets.push(i);
            }
            if options.is_empty() {
                (Some(quote!(page: PageRequest)), prepare, sets)
            } else {
                input_types.extend(self.query_struct(&query_ident, &options, !paging.is_empty()));
                (Some(quote!(query: &#query_ident)), prepare, sets)
            }
        };

        // The body input.
        let body = op.body.as_ref().map(|_| self.body_input()).transpose()?;
        if let Some(body) = &body {
            input_types.extend(body.definition.clone());
        }
        let body_arg = body.as_ref().map(|b| {
            let ty = &b.ident;
            quote!(input: #ty)
        });
        let prepare_body = body.as_ref().map(|b| {
            let ty = &b.ident;
            if op.idempotent {
                quote!(let #ty { body, idempotency_key } = input;)
            } else {
                quote!(let #ty { body } = input;)
            }
        });

        // The request, as the call loop sends it on every attempt.
        let op_name = &op.id;
        let required_setters = required.iter().map(|i| {
            let (setter, ident) = (&i.setter, &i.ident);
            quote!(.#setter(#ident))
        });
        let optional_setters = optional_sets.iter().map(|i| {
            let (setter, ident) = (&i.setter, &i.ident);
            quote!(if let ::std::option::Option::Some(v) = #ident { request = request.#setter(v); })
        });
        let mut captured: Vec<Ident> = required.iter().map(|i| i.ident.clone()).collect();
        captured.extend(optional_sets.iter().map(|i| i.ident.clone()));
        let key_setter = op.idempotent.then(|| quote!(.idempotency_key(key)));
        if op.idempotent {
            captured.push(format_ident!("key"));
        }
        let body_setter = body.as_ref().map(|_| quote!(.body(body)));
        if body.is_some() {
            captured.push(format_ident!("body"));
        }
        let key_ref = if op.idempotent {
            quote!(::std::option::Option::Some(&key))
        } else {
            quote!(::std::option::Option::None)
        };
        let call = quote! {
            self.call_counted(#op_name, #key_ref, |c| {
                #(let #captured = #captured.clone();)*
                async move {
                    #[allow(unused_mut)]
                    let mut request = c.#name() #(#required_setters)* #key_setter #body_setter;
                    #(#optional_setters)*
                    request.send().await
                }
            })
            .await
        };

        let all_args: Vec<TokenStream> = args
            .iter()
            .cloned()
            .chain(query_arg)
            .chain(body_arg)
            .collect();
        let methods = if op.idempotent {
            let returns = quote!(::std::result::Result<Idempotent<#data>, Error>);
            let key_from_input = match &body {
                Some(_) => {
                    quote!(let key = idempotency_key.unwrap_or_else(IdempotencyKey::random);)
                }
                None => TokenStream::new(),
            };
            let body_method = quote! {
                #prepare_body
                #key_from_input
                #(#prepare_required)*
                #(#prepare_optional)*
                let response = #call?;
                ::std::result::Result::Ok(crate::idempotency::idempotent(response, key))
            };
            if body.is_some() {
                let key_doc = " Every attempt carries the same `Idempotency-Key` (the input's, or a fresh UUIDv4), returned with the result and with any error.";
                quote! {
                    #docs
                    #[doc = ""]
                    #[doc = #key_doc]
                    pub async fn #name(&self, #(#all_args),*) -> #returns {
                        #body_method
                    }
                }
            } else {
                let with_key = format_ident!("{}_with_key", op.id);
                method_names.push(with_key.to_string());
                let arg_names: Vec<&Ident> = required.iter().map(|i| &i.ident).collect();
                let query_pass = query_arg_name(&options, &paging);
                let fresh_doc = format!(
                    " Sent under a fresh `Idempotency-Key`; see [`Client::{with_key}`] to choose it."
                );
                let key_doc = format!(
                    " [`Client::{}`] under `key`: the same key on every attempt, e.g. to resume a call whose outcome was unknown.",
                    op.id
                );
                quote! {
                    #docs
                    #[doc = ""]
                    #[doc = #fresh_doc]
                    pub async fn #name(&self, #(#all_args),*) -> #returns {
                        self.#with_key(#(#arg_names,)* #query_pass IdempotencyKey::random()).await
                    }

                    #[doc = #key_doc]
                    pub async fn #with_key(&self, #(#all_args,)* key: IdempotencyKey) -> #returns {
                        #body_method
                    }
                }
            }
        } else {
            quote! {
                #docs
                pub async fn #name(&self, #(#all_args),*) -> ::std::result::Result<#data, Error> {
                    #prepare_body
                    #(#prepare_required)*
                    #(#prepare_optional)*
                    let (response, _attempts) = #call?;
                    ::std::result::Result::Ok(crate::envelope::data(response))
                }
            }
        };

        let mut extra = TokenStream::new();
        if let Some(pagination) = &op.extensions.pagination {
            let stream = format_ident!("{}", pagination.stream);
            method_names.push(pagination.stream.clone());
            let item: Type =
                syn::parse_str(op.item_type.as_deref().unwrap_or_default()).context("item type")?;
            let items = self.data_field(&pagination.items)?;
            let total = self.data_field(&pagination.total)?;
            let doc = format!(
                " Every item of [`Client::{}`], fetched page by page as the stream is polled. Offset paging: items created while streaming can shift later pages.",
                op.id
            );
            let (arg, first, fetch) = if options.is_empty() {
                (
                    quote!(first: PageRequest),
                    quote!(first),
                    quote! {
                        let client = client.clone();
                        async move {
                            let page = client.#name(page).await?;
                            ::std::result::Result::Ok((page.#items, i64::from(page.#total)))
                        }
                    },
                )
            } else {
                (
                    quote!(query: #query_ident),
                    quote!(query.page),
                    quote! {
                        let (client, query) = (client.clone(), #query_ident { page, ..query.clone() });
                        async move {
                            let page = client.#name(&query).await?;
                            ::std::result::Result::Ok((page.#items, i64::from(page.#total)))
                        }
                    },
                )
            };
            extra.extend(quote! {
                #[doc = #doc]
                pub fn #stream(&self, #arg) -> impl ::futures_core::Stream<Item = ::std::result::Result<#item, Error>> + Send + 'static {
                    let client = self.clone();
                    crate::pagination::paged(#first, move |page| { #fetch })
                }
            });
        }
        let required_idents: Vec<Ident> = required.iter().map(|i| i.ident.clone()).collect();
        for waiter in &op.extensions.waiters {
            let (method, tokens) = self.waiter(
                waiter,
                &data,
                (&args, &prepare_required, &required_idents),
                &call,
            )?;
            method_names.push(method);
            extra.extend(tokens);
        }

        Ok(Emitted {
            methods: quote!(#methods #extra),
            inputs: input_types,
            method_names,
        })
    }

    /// The Rust field of the response data's property `wire`.
    fn data_field(&self, wire: &str) -> Result<Ident> {
        let name = self.op.data_type.rsplit("::").next().unwrap_or_default();
        self.shapes
            .fields(name)?
            .iter()
            .find(|f| f.wire == wire)
            .map(|f| f.ident.clone())
            .ok_or_else(|| anyhow!("`types::{name}` has no field for `{wire}`"))
    }

    fn query_struct(&self, ident: &Ident, options: &[&Input<'_>], paged: bool) -> TokenStream {
        let docs: Vec<String> = options
            .iter()
            .map(|i| {
                doc_line(
                    i.param
                        .schema
                        .schema_data
                        .description
                        .as_deref()
                        .unwrap_or(""),
                )
            })
            .collect();
        let fields = options.iter().zip(&docs).map(|(i, doc)| {
            let (name, ty) = (&i.ident, i.kind.stored_type());
            quote!(#[doc = #doc] pub #name: ::std::option::Option<#ty>,)
        });
        let setters = options.iter().zip(&docs).map(|(i, doc)| {
            let (name, ty) = (&i.ident, i.kind.stored_type());
            let (arg, value) = match &i.kind {
                Kind::Integer { .. } | Kind::Bool => (quote!(#ty), quote!(#name)),
                _ => (quote!(impl ::std::convert::Into<#ty>), quote!(#name.into())),
            };
            quote! {
                #[doc = #doc]
                pub fn #name(mut self, #name: #arg) -> Self {
                    self.#name = ::std::option::Option::Some(#value);
                    self
                }
            }
        });
        let (page, page_setter) = if paged {
            (
                quote!(#[doc = " Paging."] pub page: PageRequest,),
                quote! {
                    /// Paging.
                    pub fn page(mut self, page: PageRequest) -> Self {
                        self.page = page;
                        self
                    }
                },
            )
        } else {
            (TokenStream::new(), TokenStream::new())
        };
        let doc = format!(
            " Optional parameters of [`Client::{}`](crate::Client::{}); start from `{ident}::default()` and set what you need.",
            self.op.id, self.op.id
        );
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, Default, PartialEq, Eq)]
            #[non_exhaustive]
            pub struct #ident {
                #(#fields)*
                #page
            }

            impl #ident {
                #(#setters)*
                #page_setter
            }
        }
    }

    /// The body's input type name.
    pub(super) fn body_ident(&self) -> Ident {
        let op = self.op;
        format_ident!(
            "{}",
            op.extensions
                .input
                .clone()
                .unwrap_or_else(|| format!("{}Input", pascal(&op.id)))
        )
    }

    /// The body's properties, each with its progenitor field and kind.
    pub(super) fn body_fields(&self) -> Result<Vec<BodyField<'_>>> {
        let op = self.op;
        let body = op.body.as_ref().expect("called with a body");
        let body_type = self.shapes.setter(&op.id, "body")?;
        let struct_name = quote!(#body_type).to_string().replace(' ', "");
        let struct_name = struct_name.rsplit("::").next().unwrap_or_default();
        let fields = self.shapes.fields(struct_name)?;
        let mut out = Vec::new();
        for (wire, schema, required) in &body.properties {
            let Some(field) = fields.iter().find(|f| &f.wire == wire) else {
                bail!(
                    "the spec's `{}` has `{wire}`, which `types::{struct_name}` lacks",
                    body.schema_name
                );
            };
            let (optional, inner) = match option_inner(&field.ty) {
                Some(inner) => (true, inner),
                None => (false, field.ty.clone()),
            };
            let kind = Kind::of(&inner, schema, &format!("body property `{}`", field.wire))?;
            let default = body
                .defaults
                .iter()
                .find(|(n, _)| n == wire)
                .map(|(_, v)| v.clone());
            out.push(BodyField {
                wire,
                schema,
                required: *required,
                ident: field.ident.clone(),
                optional,
                kind,
                default,
            });
        }
        Ok(out)
    }

    fn body_input(&self) -> Result<BodyInput> {
        let op = self.op;
        let body = op.body.as_ref().expect("called with a body");
        let ident = self.body_ident();
        let body_type = self.shapes.setter(&op.id, "body")?;
        let struct_name = quote!(#body_type).to_string().replace(' ', "");
        let struct_name = struct_name.rsplit("::").next().unwrap_or_default();
        let fields = self.shapes.fields(struct_name)?;

        let mut new_args = Vec::new();
        let mut inits = Vec::new();
        let mut setters = Vec::new();
        let mut fallible_new = false;
        if let Some(extra) = fields
            .iter()
            .find(|f| !body.properties.iter().any(|(n, _, _)| *n == f.wire))
        {
            bail!(
                "`types::{struct_name}` has field `{}`, which the spec's `{}` does not",
                extra.wire,
                body.schema_name
            );
        }
        for field in self.body_fields()? {
            let BodyField {
                wire,
                schema,
                required,
                ref ident,
                optional,
                ref kind,
                default,
            } = field;
            let value = kind.convert(wire, quote!(#ident));
            let doc = doc_line(schema.schema_data.description.as_deref().unwrap_or(""));
            match (required, &default) {
                (true, None) => {
                    let ty = kind.arg_type();
                    new_args.push(quote!(#ident: #ty));
                    fallible_new |= kind.is_fallible();
                    inits.push(if optional {
                        quote!(#ident: ::std::option::Option::Some(#value),)
                    } else {
                        quote!(#ident: #value,)
                    });
                    continue;
                }
                (true, Some(v)) => {
                    let target = kind.target();
                    inits.push(quote!(#ident: <#target as ::std::convert::From<&str>>::from(#v),));
                }
                (false, _) if optional => inits.push(quote!(#ident: ::std::option::Option::None,)),
                (false, _) => inits.push(quote!(#ident: ::std::default::Default::default(),)),
            }
            let ty = kind.arg_type();
            let assigned = if optional {
                quote!(::std::option::Option::Some(#value))
            } else {
                value
            };
            let default_doc = default.map(|v| format!(" Default: `{v}`."));
            let default_doc = default_doc.iter();
            setters.push(if kind.is_fallible() {
                quote! {
                    #[doc = #doc]
                    #(#[doc = ""] #[doc = #default_doc])*
                    pub fn #ident(mut self, #ident: #ty) -> ::std::result::Result<Self, Error> {
                        self.body.#ident = #assigned;
                        ::std::result::Result::Ok(self)
                    }
                }
            } else {
                quote! {
                    #[doc = #doc]
                    #(#[doc = ""] #[doc = #default_doc])*
                    pub fn #ident(mut self, #ident: #ty) -> Self {
                        self.body.#ident = #assigned;
                        self
                    }
                }
            });
        }
        let (key_field, key_init, key_setter) = if op.idempotent {
            (
                quote!(pub(crate) idempotency_key: ::std::option::Option<IdempotencyKey>,),
                quote!(idempotency_key: ::std::option::Option::None,),
                quote! {
                    /// The `Idempotency-Key` to send (default: a fresh UUIDv4). Derive it from your own
                    /// id ([`IdempotencyKey::derived_from`]) so your restarts cannot act twice.
                    pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
                        self.idempotency_key = ::std::option::Option::Some(key);
                        self
                    }
                },
            )
        } else {
            (TokenStream::new(), TokenStream::new(), TokenStream::new())
        };
        let built = quote!(Self { body: #body_type { #(#inits)* }, #key_init });
        let (new_returns, new_body) = if fallible_new {
            (
                quote!(::std::result::Result<Self, Error>),
                quote!(::std::result::Result::Ok(#built)),
            )
        } else {
            (quote!(Self), built)
        };
        let doc = format!(
            " Input of [`Client::{}`](crate::Client::{}): {}",
            op.id, op.id, body.schema_name
        );
        let new_doc = " The required fields; the others are set with the methods below. Each value is checked against the spec before anything is sent.";
        let definition = quote! {
            #[doc = #doc]
            #[derive(Debug, Clone)]
            pub struct #ident {
                pub(crate) body: #body_type,
                #key_field
            }

            impl #ident {
                #[doc = #new_doc]
                pub fn new(#(#new_args),*) -> #new_returns {
                    #new_body
                }

                #(#setters)*
                #key_setter
            }
        };
        Ok(BodyInput { ident, definition })
    }

    fn waiter(
        &self,
        waiter: &Waiter,
        data: &Type,
        (args, prepare, captured): (&[TokenStream], &[TokenStream], &[Ident]),
        call: &TokenStream,
    ) -> Result<(String, TokenStream)> {
        let method = format_ident!("wait_for_{}", waiter.name);
        let field = self.data_field(&waiter.field)?;
        let (name, success, failure) = (&waiter.name, &waiter.success, &waiter.failure);
        let (min, max, timeout) = (
            waiter.min_delay_seconds,
            waiter.max_delay_seconds,
            waiter.timeout_seconds,
        );
        let doc = doc_line(&waiter.description);
        let how = format!(
            " Polls [`Client::{}`] with backoff from {min} s to {max} s until `{}` is one of {}; fails on {}. An unknown value keeps polling. Deadline {timeout} s unless `options` sets one; a retryable error keeps polling, any other ends the wait.",
            self.op.id,
            waiter.field,
            quoted(success),
            if failure.is_empty() {
                "nothing".to_owned()
            } else {
                quoted(failure)
            },
        );
        let tokens = quote! {
            #[doc = #doc]
            #[doc = ""]
            #[doc = #how]
            pub async fn #method(&self, #(#args,)* options: WaitOptions) -> ::std::result::Result<#data, WaitError<#data>> {
                let (#(#captured,)*) = (|| -> ::std::result::Result<_, Error> {
                    #(#prepare)*
                    ::std::result::Result::Ok((#(#captured,)*))
                })()
                .map_err(|e| WAITER.input_error(e))?;
                const WAITER: crate::waiter::Waiter = crate::waiter::Waiter {
                    name: #name,
                    success: &[#(#success),*],
                    failure: &[#(#failure),*],
                    min_delay: ::std::time::Duration::from_secs(#min),
                    max_delay: ::std::time::Duration::from_secs(#max),
                    timeout: ::std::time::Duration::from_secs(#timeout),
                };
                crate::waiter::wait(
                    &WAITER,
                    options,
                    |value: &#data| value.#field.to_string(),
                    || {
                        #(let #captured = #captured.clone();)*
                        async move {
                            let (response, _attempts) = #call?;
                            ::std::result::Result::Ok(crate::envelope::data(response))
                        }
                    },
                )
                .await
            }
        };
        Ok((method.to_string(), tokens))
    }
}

/// One request body property as the input type takes it.
pub(super) struct BodyField<'a> {
    pub(super) wire: &'a str,
    pub(super) schema: &'a Schema,
    pub(super) required: bool,
    pub(super) ident: Ident,
    optional: bool,
    pub(super) kind: Kind,
    pub(super) default: Option<String>,
}

struct BodyInput {
    ident: Ident,
    definition: TokenStream,
}

/// The same integer kind taking another primitive (the page's fixed `u32` / `u64`).
fn with_prim(kind: &Kind, prim: &str) -> Kind {
    match kind.clone() {
        Kind::Integer {
            target,
            inner,
            rule,
            min,
            max,
            one_of,
            ..
        } => Kind::Integer {
            prim: format_ident!("{prim}"),
            target,
            inner,
            rule,
            min,
            max,
            one_of,
        },
        other => other,
    }
}

fn query_arg_name(options: &[&Input<'_>], paging: &[&Input<'_>]) -> TokenStream {
    match (options.is_empty(), paging.is_empty()) {
        (true, true) => TokenStream::new(),
        (true, false) => quote!(page,),
        (false, _) => quote!(query,),
    }
}

/// `Some(T)` for `::std::option::Option<T>`.
fn option_inner(ty: &Type) -> Option<Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

/// progenitor's setter name for a parameter: snake case, `_` after a keyword.
fn setter_ident(name: &str) -> Ident {
    let mut snake = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !snake.ends_with('_') {
                snake.push('_');
            }
            snake.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            snake.push(c);
        } else if !snake.ends_with('_') {
            snake.push('_');
        }
    }
    if syn::parse_str::<Ident>(&snake).is_err() {
        snake.push('_');
    }
    format_ident!("{snake}")
}

pub(super) fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One doc paragraph: the text on one line with a leading space.
fn doc_line(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    format!(" {joined}")
}

fn operation_docs(op: &SdkOperation) -> TokenStream {
    let summary = doc_line(op.summary.as_deref().unwrap_or(&op.id));
    let summary = if summary.ends_with('.') {
        summary
    } else {
        format!("{summary}.")
    };
    let description = op.description.as_deref().map(doc_line);
    let description = description.iter();
    let route = format!(" `{} {}`", op.method, op.path);
    quote! {
        #[doc = #summary]
        #(#[doc = ""] #[doc = #description])*
        #[doc = ""]
        #[doc = #route]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setter_names_follow_progenitor() {
        assert_eq!(
            setter_ident("Idempotency-Key").to_string(),
            "idempotency_key"
        );
        assert_eq!(setter_ident("ref").to_string(), "ref_");
        assert_eq!(setter_ident("order_type").to_string(), "order_type");
    }

    #[test]
    fn rules_come_from_constraints() {
        let s: openapiv3::StringType =
            serde_norway::from_str("minLength: 1\nmaxLength: 64\npattern: '^a+$'").unwrap();
        assert_eq!(text_rule(&s), "must be 1–64 characters and match `^a+$`");
        assert_eq!(
            integer_rule(Some(50), Some(10000), &[]),
            "must be between 50 and 10000"
        );
        assert_eq!(
            integer_rule(None, None, &[3, 6, 12]),
            "must be one of 3, 6, 12"
        );
        assert_eq!(integer_rule(Some(1), None, &[]), "must be at least 1");
    }
}
