//! Swaps typify's `regress` pattern checks for tables compiled at codegen time: each
//! `static PATTERN: LazyLock<regress::Regex>` in a `FromStr` impl goes, its
//! `PATTERN.find(value).is_none()` becomes a walk of that type's tables, and the tables live in
//! one `types::patterns` module.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{Expr, ImplItem, Item, Stmt};

use super::dfa::{FOUND, NEVER, Tables, compile};

/// Rewrites every pattern check in the `types` module of `file`. Fails if a pattern does not
/// compile or if any `regress` is left (typify changed the shape of its checks).
pub fn rewrite(file: &mut syn::File) -> Result<(), String> {
    let mut compiled = Vec::new();
    if let Some(items) = types_module(file) {
        for item in items.iter_mut() {
            let Item::Impl(block) = item else { continue };
            let syn::Type::Path(owner) = &*block.self_ty else {
                continue;
            };
            let Some(owner) = owner.path.segments.last().map(|s| s.ident.to_string()) else {
                continue;
            };
            for member in &mut block.items {
                let ImplItem::Fn(function) = member else {
                    continue;
                };
                if let Some(pattern) = replace_check(&mut function.block, &owner)? {
                    let tables = compile(&pattern)
                        .map_err(|e| format!("the pattern of `{owner}`, `{pattern}`, {e}"))?;
                    compiled.push((owner.clone(), pattern, tables));
                }
            }
        }
        if !compiled.is_empty() {
            items.push(syn::parse2(patterns_module(&compiled)).map_err(|e| e.to_string())?);
        }
    }
    if names_regress(file) {
        return Err(
            "typify's pattern check has a shape codegen does not know: a `regress` path is \
             left after xtask/src/codegen/patterns/rewrite.rs ran"
                .into(),
        );
    }
    Ok(())
}

fn types_module(file: &mut syn::File) -> Option<&mut Vec<Item>> {
    file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// Removes the `PATTERN` static from `block` and points its use at `patterns::<OWNER>`;
/// returns the pattern's source.
fn replace_check(block: &mut syn::Block, owner: &str) -> Result<Option<String>, String> {
    let Some(at) = block.stmts.iter().position(is_regress_static) else {
        return Ok(None);
    };
    let Stmt::Item(Item::Static(declared)) = block.stmts.remove(at) else {
        unreachable!("position() found a static");
    };
    let pattern = known_pattern(&declared).ok_or_else(|| {
        format!(
            "`{owner}`'s pattern is built in a way codegen does not know (flags?): {}",
            quote!(#declared)
        )
    })?;
    let mut swap = SwapFind {
        table: format_ident!("{}", screaming_snake(owner)),
        swapped: 0,
    };
    for stmt in &mut block.stmts {
        swap.visit_stmt_mut(stmt);
    }
    if swap.swapped == 0 {
        return Err(format!(
            "`{owner}`'s pattern is declared but never checked the known way"
        ));
    }
    Ok(Some(pattern))
}

fn is_regress_static(stmt: &Stmt) -> bool {
    matches!(stmt, Stmt::Item(Item::Static(s))
        if s.ident == "PATTERN" && quote!(#s).to_string().contains("regress"))
}

/// The pattern of a static built exactly as typify builds one, with no flags or options that the
/// tables would drop.
fn known_pattern(declared: &syn::ItemStatic) -> Option<String> {
    struct Find(Option<syn::LitStr>);
    impl syn::visit::Visit<'_> for Find {
        fn visit_lit_str(&mut self, lit: &syn::LitStr) {
            self.0.get_or_insert_with(|| lit.clone());
        }
    }
    let mut find = Find(None);
    syn::visit::visit_expr(&mut find, &declared.expr);
    let lit = find.0?;
    let (ty, expr) = (&declared.ty, &declared.expr);
    // Token text without spaces: a parsed `||` prints as `| |`, a quoted one as `||`.
    let text = |tokens: TokenStream| tokens.to_string().replace(' ', "");
    let expected_ty = text(quote!(::std::sync::LazyLock<::regress::Regex>));
    let built = text(quote!(#expr));
    let known = [
        quote!(::std::sync::LazyLock::new(|| { ::regress::Regex::new(#lit).unwrap() })),
        quote!(::std::sync::LazyLock::new(|| ::regress::Regex::new(#lit).unwrap())),
    ];
    (text(quote!(#ty)) == expected_ty && known.into_iter().any(|k| text(k) == built))
        .then(|| lit.value())
}

/// Whether any path in `file` goes through a `regress` segment.
fn names_regress(file: &syn::File) -> bool {
    struct Find(bool);
    impl syn::visit::Visit<'_> for Find {
        fn visit_path(&mut self, path: &syn::Path) {
            self.0 |= path.segments.iter().any(|s| s.ident == "regress");
            syn::visit::visit_path(self, path);
        }
    }
    let mut find = Find(false);
    syn::visit::visit_file(&mut find, file);
    find.0
}

/// `PATTERN.find(v).is_none()` → `!self::patterns::TABLE.is_match(v)`.
struct SwapFind {
    table: syn::Ident,
    swapped: usize,
}

impl VisitMut for SwapFind {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::MethodCall(is_none) = expr
            && is_none.method == "is_none"
            && let Expr::MethodCall(find) = &*is_none.receiver
            && find.method == "find"
            && find.args.len() == 1
            && matches!(&*find.receiver, Expr::Path(p) if p.path.is_ident("PATTERN"))
        {
            let text = &find.args[0];
            let table = &self.table;
            *expr = syn::parse_quote!(!self::patterns::#table.is_match(#text));
            self.swapped += 1;
            return;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

fn patterns_module(compiled: &[(String, String, Tables)]) -> TokenStream {
    let statics = compiled.iter().map(|(owner, pattern, tables)| {
        let name = format_ident!("{}", screaming_snake(owner));
        let doc = format!("`{owner}`: `{pattern}`");
        let classes = class_ranges(&tables.classes)
            .into_iter()
            .map(|(lo, hi, class)| {
                let (lo, hi, class) = (
                    Literal::u8_unsuffixed(lo),
                    Literal::u8_unsuffixed(hi),
                    Literal::u8_unsuffixed(class),
                );
                quote!((#lo, #hi, #class))
            });
        let rows = tables
            .transitions
            .chunks(usize::from(tables.eoi) + 1)
            .map(|row| {
                let row = row.iter().map(|&to| match to {
                    FOUND => quote!(FOUND),
                    NEVER => quote!(NEVER),
                    state => {
                        let state = Literal::u16_unsuffixed(state);
                        quote!(#state)
                    }
                });
                quote!(&[#(#row),*])
            });
        quote! {
            #[doc = #doc]
            pub(crate) static #name: Pattern = Pattern {
                classes: byte_classes(&[#(#classes),*]),
                transitions: &[#(#rows),*],
            };
        }
    });
    let all = compiled.iter().map(|(owner, pattern, _)| {
        let name = format_ident!("{}", screaming_snake(owner));
        quote!((#pattern, &#name))
    });
    quote! {
        /// The spec's patterns as automaton tables (`xtask/src/codegen/patterns`).
        pub(crate) mod patterns {
            use crate::pattern::{FOUND, NEVER, Pattern, byte_classes};
            #(#statics)*
            /// Every pattern with its source, for the sdk's test against an ECMA-262 engine.
            #[cfg(test)]
            pub(crate) static ALL: &[(&str, &Pattern)] = &[#(#all),*];
        }
    }
}

/// `(first byte, last byte, class)` for each run of bytes outside class 0.
fn class_ranges(classes: &[u8; 256]) -> Vec<(u8, u8, u8)> {
    let mut runs: Vec<(u8, u8, u8)> = Vec::new();
    for (byte, &class) in (0..=u8::MAX).zip(classes) {
        match runs.last_mut() {
            Some((_, hi, c)) if *c == class && *hi + 1 == byte => *hi = byte,
            _ if class == 0 => {}
            _ => runs.push((byte, byte, class)),
        }
    }
    runs
}

fn screaming_snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typify_output() -> syn::File {
        syn::parse_quote! {
            pub mod types {
                pub struct RecipientUsername(String);
                impl ::std::str::FromStr for RecipientUsername {
                    type Err = self::error::ConversionError;
                    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                        static PATTERN: ::std::sync::LazyLock<::regress::Regex> =
                            ::std::sync::LazyLock::new(|| ::regress::Regex::new("^@?[a-z]{2}$").unwrap());
                        if PATTERN.find(value).is_none() {
                            return Err("doesn't match pattern \"^@?[a-z]{2}$\"".into());
                        }
                        Ok(Self(value.to_string()))
                    }
                }
            }
        }
    }

    #[test]
    fn the_regress_check_becomes_a_table_walk() {
        let mut file = typify_output();
        rewrite(&mut file).unwrap();
        let text = quote!(#file).to_string();
        assert!(!text.contains("regress"), "{text}");
        assert!(
            text.contains("if ! self :: patterns :: RECIPIENT_USERNAME . is_match (value)"),
            "{text}"
        );
        assert!(
            text.contains("static RECIPIENT_USERNAME : Pattern = Pattern { classes"),
            "{text}"
        );
        assert!(
            text.contains(r#"static ALL : & [(& str , & Pattern)] = & [("^@?[a-z]{2}$" , & RECIPIENT_USERNAME)]"#),
            "{text}"
        );
    }

    #[test]
    fn a_pattern_the_matcher_does_not_take_names_its_type() {
        let file = typify_output();
        let text = quote!(#file)
            .to_string()
            .replace("^@?[a-z]{2}$", "^\\\\d+$");
        let mut file: syn::File = syn::parse_str(&text).unwrap();
        let err = rewrite(&mut file).unwrap_err();
        assert!(
            err.starts_with("the pattern of `RecipientUsername`, `^\\d+$`, uses `\\d`"),
            "{err}"
        );
    }

    #[test]
    fn an_unknown_check_shape_is_an_error_not_a_silent_regress() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                impl X { fn f(value: &str) -> bool { ::regress::Regex::new("a").unwrap().find(value).is_some() } }
            }
        };
        let err = rewrite(&mut file).unwrap_err();
        assert!(err.contains("a `regress` path is left"), "{err}");
    }

    #[test]
    fn a_pattern_built_with_flags_is_refused_not_stripped() {
        let file = typify_output();
        let text = quote!(#file).to_string().replace(
            ":: regress :: Regex :: new (\"^@?[a-z]{2}$\")",
            ":: regress :: Regex :: with_flags (\"^@?[a-z]{2}$\" , \"i\")",
        );
        assert!(text.contains("with_flags"), "{text}");
        let mut file: syn::File = syn::parse_str(&text).unwrap();
        let err = rewrite(&mut file).unwrap_err();
        assert!(
            err.contains("built in a way codegen does not know"),
            "{err}"
        );
    }

    #[test]
    fn the_word_regress_in_a_doc_comment_is_not_a_leftover() {
        let mut file = typify_output();
        file.items.push(syn::parse_quote! {
            /// Guards against a regression in parsing.
            pub struct Documented;
        });
        rewrite(&mut file).unwrap();
    }

    #[test]
    fn byte_runs_outside_class_zero() {
        let mut classes = [0u8; 256];
        classes[usize::from(b'a')..=usize::from(b'c')].fill(1);
        classes[usize::from(b'd')] = 2;
        classes[usize::from(b'z')] = 1;
        assert_eq!(
            class_ranges(&classes),
            [(b'a', b'c', 1), (b'd', b'd', 2), (b'z', b'z', 1)]
        );
    }
}
