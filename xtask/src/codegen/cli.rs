//! The `theopenmoney` command line, emitted from the same model as the sdk surface: one command
//! group per tag (a tag with one operation is a command itself), one subcommand per operation
//! and per waiter, arguments and help from the spec, and a dispatcher that calls the sdk method
//! the surface emitter generated for the operation. Everything else (auth, output, exit codes,
//! idempotency keys, progress) is the CLI's hand-written, generic runtime.

use std::collections::BTreeMap;

use anyhow::{Result, anyhow, bail};
use openapiv3::{Schema, SchemaKind, Type as OaType};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::extensions::CLI_NAME;
use super::operations::SdkOperation;
use super::progenitor_shapes::Shapes;
use super::signature::{Arg, ArgKind, QueryArg, Signature, signature};
use super::spec::Spec;

/// One subcommand: its clap definition and its dispatch arm.
struct Subcommand {
    name: String,
    command: TokenStream,
    run: TokenStream,
}

/// Emits `cli/src/generated.rs`.
pub fn emit(spec: &Spec, operations: &[SdkOperation], shapes: &Shapes) -> Result<TokenStream> {
    let mut groups: BTreeMap<String, Vec<Subcommand>> = BTreeMap::new();
    let mut routes = Vec::new();
    for op in operations {
        let at = || spec.locate_in_operation(&op.id, CLI_NAME);
        let tag = op.tags.first().ok_or_else(|| {
            anyhow!(
                "{}: operation `{}` has no `tags`: the CLI puts each operation in the group of its first tag",
                at(),
                op.id
            )
        })?;
        let sig = signature(op, shapes)?;
        let name = op
            .extensions
            .cli_name
            .clone()
            .unwrap_or_else(|| derived_name(&op.id, tag));
        let group = groups.entry(tag.clone()).or_default();
        let mut add = |sub: Subcommand| {
            if group.iter().any(|s| s.name == sub.name) {
                bail!(
                    "{}: operation `{}`: the command `{tag} {}` exists twice; name one with `{CLI_NAME}`",
                    at(),
                    op.id,
                    sub.name
                );
            }
            group.push(sub);
            Ok(())
        };
        add(operation_command(op, &sig, name)?)?;
        for waiter in &op.extensions.waiters {
            add(waiter_command(op, &sig, waiter, tag)?)?;
        }
        let (id, method, path) = (&op.id, &op.method, &op.path);
        routes.push(quote!((#id, #method, #path)));
    }

    let tag_about = |tag: &str| {
        spec.openapi
            .tags
            .iter()
            .find(|t| t.name == tag)
            .and_then(|t| t.description.clone())
            .unwrap_or_default()
    };
    let mut commands = Vec::new();
    let mut arms = Vec::new();
    for (tag, subs) in &groups {
        let about = tag_about(tag);
        if let [only] = subs.as_slice() {
            // A tag with one operation is a command of its own: `theopenmoney health`.
            let command = &only.command;
            commands.push(quote!(#command.name(#tag)));
            let run = &only.run;
            arms.push(quote!((#tag, "") => { #run }));
            continue;
        }
        let names = subs.iter().map(|s| &s.name);
        let defs = subs.iter().map(|s| &s.command);
        commands.push(quote! {
            ::clap::Command::new(#tag)
                .about(#about)
                .subcommand_required(true)
                .arg_required_else_help(true)
                #(.subcommand(#defs.name(#names)))*
        });
        for s in subs {
            let (name, run) = (&s.name, &s.run);
            arms.push(quote!((#tag, #name) => { #run }));
        }
    }

    Ok(quote! {
        use crate::runtime::{Ctx, Failure, arg};

        /// The command groups: one per tag of the spec.
        pub fn groups() -> ::std::vec::Vec<::clap::Command> {
            ::std::vec![#(#commands),*]
        }

        /// `(operationId, method, path)` of every operation, for `--verbose`.
        pub const ROUTES: &[(&str, &str, &str)] = &[#(#routes),*];

        /// Runs `group command` (`command` is empty for a group that is a command itself).
        pub async fn run(
            ctx: &Ctx,
            group: &str,
            command: &str,
            m: &::clap::ArgMatches,
        ) -> ::std::result::Result<(), Failure> {
            match (group, command) {
                #(#arms)*
                _ => ::std::result::Result::Err(Failure::usage(::std::format!("unknown command `{group} {command}`"))),
            }
        }
    })
}

/// `create_stars_order` in `orders` → `create-stars`: the id's words without the tag's.
fn derived_name(id: &str, tag: &str) -> String {
    let singular = tag.strip_suffix('s').unwrap_or(tag);
    let words: Vec<&str> = id
        .split('_')
        .filter(|w| *w != tag && *w != singular)
        .collect();
    if words.is_empty() {
        id.replace('_', "-")
    } else {
        words.join("-")
    }
}

fn operation_command(op: &SdkOperation, sig: &Signature, name: String) -> Result<Subcommand> {
    let mut args: Vec<TokenStream> = sig.required.iter().map(|a| clap_arg(op, a, true)).collect();
    let mut prepare = Vec::new();
    let call_args: Vec<TokenStream> = sig
        .required
        .iter()
        .map(|a| {
            let ident = format_ident!("{}", a.ident);
            let v = value(a, true);
            prepare.push(quote!(let #ident = #v;));
            quote!(#ident)
        })
        .collect();
    let method = format_ident!("{}", op.id);

    let mut after_help = String::new();
    let mut query_prepare = TokenStream::new();
    let mut query_arg = None;
    let paged = op.extensions.pagination.as_ref();
    if let Some(p) = paged {
        for (wire, prim) in [(&p.limit, quote!(u32)), (&p.offset, quote!(u64))] {
            let param = op
                .params
                .iter()
                .find(|q| &q.name == wire)
                .ok_or_else(|| anyhow!("no paging parameter `{wire}`"))?;
            let help = help_text(&param.schema, None);
            let long = wire.replace('_', "-");
            args.push(quote! {
                ::clap::Arg::new(#wire).long(#long).help(#help).value_parser(::clap::value_parser!(#prim))
            });
        }
        args.push(quote! {
            ::clap::Arg::new("all").long("all").action(::clap::ArgAction::SetTrue)
                .help("Every item of every page, fetched as the output is written (with `--output ndjson`, one line per item as pages arrive)")
        });
        let (limit, offset) = (&p.limit, &p.offset);
        query_prepare.extend(quote!(let page = arg::page(m, #limit, #offset);));
    }
    match &sig.query {
        QueryArg::None => {}
        QueryArg::Page => query_arg = Some(quote!(page)),
        QueryArg::Struct {
            ident,
            options,
            paged,
        } => {
            let ty = format_ident!("{ident}");
            let mut sets = Vec::new();
            for a in options {
                args.push(clap_arg(op, a, false));
                let setter = format_ident!("{}", a.ident);
                let v = value(a, false);
                sets.push(quote!(if let ::std::option::Option::Some(v) = #v { query = query.#setter(v); }));
            }
            let page = paged.then(|| quote!(query = query.page(page);));
            query_prepare.extend(quote! {
                #[allow(unused_mut)]
                let mut query = ::theopenmoney::#ty::default();
                #(#sets)*
                #page
            });
            query_arg = Some(quote!(query));
        }
    }

    let mut body_prepare = TokenStream::new();
    let mut body_arg = None;
    if let Some(body) = &sig.body {
        let ty = format_ident!("{}", body.ident);
        let mut new_values = Vec::new();
        for a in &body.new_args {
            args.push(clap_arg(op, a, true));
            new_values.push(value(a, true));
        }
        let try_new = body.fallible_new.then(|| quote!(?));
        let mut sets = Vec::new();
        for (a, fallible) in &body.setters {
            args.push(clap_arg(op, a, false));
            let setter = format_ident!("{}", a.ident);
            let v = value(a, false);
            let q = fallible.then(|| quote!(?));
            sets.push(
                quote!(if let ::std::option::Option::Some(v) = #v { input = input.#setter(v)#q; }),
            );
        }
        body_prepare.extend(quote! {
            #[allow(unused_mut)]
            let mut input = ::theopenmoney::#ty::new(#(#new_values),*)#try_new;
            #(#sets)*
        });
        body_arg = Some(quote!(input));
    }

    let id = &op.id;
    let needs_key = op.needs_key;
    prepare.insert(0, quote!(let client = ctx.client(#needs_key)?;));
    let run = if op.idempotent {
        args.push(quote! {
            ::clap::Arg::new("idempotency-key").long("idempotency-key").value_name("KEY")
                .help("The Idempotency-Key to send: the one printed by an earlier run replays its result instead of acting twice")
        });
        after_help.push_str(IDEMPOTENCY_HELP);
        let derive_from = sig
            .body
            .iter()
            .flat_map(|b| b.setters.iter().map(|(a, _)| a).chain(&b.new_args))
            .find(|a| a.wire == "client_reference")
            .map(|a| {
                let wire = &a.wire;
                quote!(arg::opt_text(m, #wire))
            })
            .unwrap_or_else(|| quote!(::std::option::Option::None));
        if sig.body.is_some() {
            quote! {
                #(#prepare)*
                #body_prepare
                let key = ctx.idempotency_key(#id, m, #derive_from)?;
                input = input.idempotency_key(key.clone());
                ctx.show_idempotent(&key, client.#method(#(#call_args,)* input).await)
            }
        } else {
            let with_key = format_ident!("{}_with_key", op.id);
            quote! {
                #(#prepare)*
                let key = ctx.idempotency_key(#id, m, #derive_from)?;
                ctx.show_idempotent(&key, client.#with_key(#(#call_args,)* key.clone()).await)
            }
        }
    } else {
        let extra: Vec<&TokenStream> = query_arg.iter().chain(body_arg.iter()).collect();
        let plain = quote! {
            ctx.show(&client.#method(#(#call_args,)* #(&#extra),*).await?)
        };
        let plain = if matches!(sig.query, QueryArg::Page) {
            quote!(ctx.show(&client.#method(#(#call_args,)* page).await?))
        } else {
            plain
        };
        match paged {
            Some(p) => {
                let stream = format_ident!("{}", p.stream);
                quote! {
                    #(#prepare)*
                    #query_prepare
                    if arg::flag(m, "all") {
                        ctx.show_stream(client.#stream(#(#call_args,)* #(#extra),*)).await
                    } else {
                        #plain
                    }
                }
            }
            None => quote! {
                #(#prepare)*
                #query_prepare
                #body_prepare
                #plain
            },
        }
    };
    let about = op.summary.clone().unwrap_or_else(|| op.id.clone());
    let long_about = match &op.description {
        Some(d) => format!(
            "{about}\n\n{}\n\n{} {}",
            one_paragraph(d),
            op.method,
            op.path
        ),
        None => format!("{about}\n\n{} {}", op.method, op.path),
    };
    let after = (!after_help.is_empty()).then(|| quote!(.after_long_help(#after_help)));
    Ok(Subcommand {
        name,
        command: quote! {
            ::clap::Command::new(#id)
                .about(#about)
                .long_about(#long_about)
                #after
                #(.arg(#args))*
        },
        run,
    })
}

/// Help appended to every idempotent command.
pub const IDEMPOTENCY_HELP: &str = "Idempotency: the Idempotency-Key used is printed on stderr. Run the command again with `--idempotency-key KEY` to resume it: the API replays the first result instead of acting twice. With `--client-reference REF` and no key, the key is derived from the command, the reference and the request, so running the same command twice never buys twice, while a different request under the same reference is a new order. If the outcome is unknown (exit code 8), the command to resume is printed.";

fn waiter_command(
    op: &SdkOperation,
    sig: &Signature,
    waiter: &super::extensions::Waiter,
    tag: &str,
) -> Result<Subcommand> {
    let name = format!("wait-{}", derived_name(&waiter.name, tag));
    let method = format_ident!("wait_for_{}", waiter.name);
    let mut args: Vec<TokenStream> = sig.required.iter().map(|a| clap_arg(op, a, true)).collect();
    let timeout_help = format!(
        "How long to wait, e.g. `90s`, `5m` (default: {} s, from the spec)",
        waiter.timeout_seconds
    );
    args.push(quote! {
        ::clap::Arg::new("timeout").long("timeout").value_name("DURATION").help(#timeout_help)
    });
    let values: Vec<TokenStream> = sig.required.iter().map(|a| value(a, true)).collect();
    let label = &waiter.name;
    let needs_key = op.needs_key;
    let (field, success, failure) = (&waiter.field, &waiter.success, &waiter.failure);
    let about = one_paragraph(&waiter.description);
    let long_about = format!(
        "{about}\n\nPolls `{}` until `{field}` is one of {}; exits non-zero on {} or when the timeout passes. A spinner shows the last status seen and the time waited on a terminal; plain lines otherwise.",
        op.id,
        success.join(", "),
        if failure.is_empty() {
            "an error".to_owned()
        } else {
            failure.join(", ")
        }
    );
    Ok(Subcommand {
        name,
        command: quote! {
            ::clap::Command::new(#label)
                .about(#about)
                .long_about(#long_about)
                #(.arg(#args))*
        },
        run: quote! {
            let client = ctx.client(#needs_key)?;
            let options = arg::wait_options(m)?;
            ctx.wait(#label, client.#method(#(#values,)* options)).await
        },
    })
}

/// The clap `Arg` of one sdk argument: positional when it is a path parameter.
fn clap_arg(op: &SdkOperation, a: &Arg, required: bool) -> TokenStream {
    let wire = &a.wire;
    let positional = op.params.iter().any(|p| p.in_path && &p.name == wire);
    let help = help_text(&a.schema, a.default.as_deref());
    let value_name = wire.to_uppercase();
    let mut tokens = quote!(::clap::Arg::new(#wire).value_name(#value_name).help(#help));
    if !positional {
        let long = wire.replace('_', "-");
        tokens.extend(quote!(.long(#long)));
    }
    if required {
        tokens.extend(quote!(.required(true)));
    }
    // The sdk's default as clap's too, so a left-out argument and its default given are one
    // request (one derived idempotency key); the help's notes already show it.
    if let Some(default) = a.default.as_deref() {
        tokens.extend(quote!(.default_value(#default).hide_default_value(true)));
    }
    let choices = enum_values(&a.schema);
    tokens.extend(match (&a.kind, choices.is_empty()) {
        (_, false) => {
            quote!(.value_parser(::clap::builder::PossibleValuesParser::new([#(#choices),*])))
        }
        (ArgKind::Integer(prim), true) => {
            let prim = format_ident!("{prim}");
            quote!(.value_parser(::clap::value_parser!(#prim)))
        }
        (ArgKind::Bool, true) => quote!(.value_parser(::clap::value_parser!(bool))),
        _ => TokenStream::new(),
    });
    tokens
}

/// The expression reading one argument in the shape the sdk method takes.
fn value(a: &Arg, required: bool) -> TokenStream {
    let wire = &a.wire;
    let number = is_integer(&a.schema);
    match (&a.kind, required) {
        (ArgKind::Into(path), true) => {
            let ty: syn::Type = syn::parse_str(path).expect("a type the surface emitter parsed");
            quote!(arg::sdk::<#ty>(m, #wire, #number)?)
        }
        (ArgKind::Into(path), false) => {
            let ty: syn::Type = syn::parse_str(path).expect("a type the surface emitter parsed");
            quote!(arg::opt_sdk::<#ty>(m, #wire, #number)?)
        }
        (ArgKind::Text | ArgKind::PlainText, true) => quote!(arg::text(m, #wire)?),
        (ArgKind::Text | ArgKind::PlainText, false) => quote!(arg::opt_text(m, #wire)),
        (ArgKind::Integer(prim), true) => {
            let prim = format_ident!("{prim}");
            quote!(arg::value::<#prim>(m, #wire)?)
        }
        (ArgKind::Integer(prim), false) => {
            let prim = format_ident!("{prim}");
            quote!(arg::opt_value::<#prim>(m, #wire))
        }
        (ArgKind::Bool, true) => quote!(arg::value::<bool>(m, #wire)?),
        (ArgKind::Bool, false) => quote!(arg::opt_value::<bool>(m, #wire)),
    }
}

fn is_integer(schema: &Schema) -> bool {
    matches!(schema.schema_kind, SchemaKind::Type(OaType::Integer(_)))
}

/// A string or integer schema's `enum`, as text.
fn enum_values(schema: &Schema) -> Vec<String> {
    match &schema.schema_kind {
        SchemaKind::Type(OaType::String(s)) => s.enumeration.iter().flatten().cloned().collect(),
        SchemaKind::Type(OaType::Integer(i)) => {
            i.enumeration.iter().flatten().map(i64::to_string).collect()
        }
        _ => Vec::new(),
    }
}

/// The description, then the bounds and the sdk's default.
fn help_text(schema: &Schema, default: Option<&str>) -> String {
    let mut help = one_paragraph(schema.schema_data.description.as_deref().unwrap_or(""));
    let mut notes = Vec::new();
    match &schema.schema_kind {
        SchemaKind::Type(OaType::Integer(i)) if i.enumeration.is_empty() => {
            match (i.minimum, i.maximum) {
                (Some(a), Some(b)) => notes.push(format!("{a}–{b}")),
                (Some(a), None) => notes.push(format!("at least {a}")),
                (None, Some(b)) => notes.push(format!("at most {b}")),
                (None, None) => {}
            }
        }
        SchemaKind::Type(OaType::String(s)) if s.enumeration.is_empty() => {
            match (s.min_length, s.max_length) {
                (Some(a), Some(b)) => notes.push(format!("{a}–{b} characters")),
                (None, Some(b)) => notes.push(format!("at most {b} characters")),
                _ => {}
            }
            if let Some(p) = &s.pattern {
                notes.push(format!("pattern `{p}`"));
            }
        }
        _ => {}
    }
    if let Some(d) = default {
        notes.push(format!("default: {d}"));
    }
    if !notes.is_empty() {
        help = format!("{help} [{}]", notes.join("; "));
    }
    help.trim().to_owned()
}

fn one_paragraph(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_drop_the_tag_words() {
        assert_eq!(derived_name("create_stars_order", "orders"), "create-stars");
        assert_eq!(derived_name("get_order", "orders"), "get");
        assert_eq!(derived_name("order_paid", "orders"), "paid");
        assert_eq!(
            derived_name("get_currency_rate", "pricing"),
            "get-currency-rate"
        );
        assert_eq!(derived_name("orders", "orders"), "orders");
    }
}
