//! Drops typify's struct builders (`types::builder::X` and `X::builder()`): progenitor keeps a
//! request body in one while the call is built and converts it back on send, and offers
//! `body_map` to edit it. The sdk's generated methods pass whole, checked bodies, so the builders
//! only cost partners compile time (a third of the generated code) and every call two
//! conversions. Rewritten here, the operation builders hold the body type itself.

use syn::visit_mut::{self, VisitMut};
use syn::{Expr, FieldValue, ImplItem, Item, Member, Type};

/// Removes the struct builders from `file` and points the operation builders at the types.
pub fn drop(file: &mut syn::File) {
    let mut body_fields = Vec::new();
    for item in &mut file.items {
        let Item::Mod(module) = item else { continue };
        let Some((_, items)) = &mut module.content else {
            continue;
        };
        if module.ident == "types" {
            items.retain(|item| !matches!(item, Item::Mod(m) if m.ident == "builder"));
            for item in items.iter_mut() {
                if let Item::Impl(block) = item {
                    block.items.retain(|i| !is_fn(i, "builder"));
                }
            }
            // An impl left empty by that says nothing.
            items.retain(|item| !matches!(item, Item::Impl(block) if block.items.is_empty() && block.trait_.is_none()));
        } else if module.ident == "builder" {
            for item in items.iter_mut() {
                match item {
                    Item::Struct(s) => {
                        for field in s.fields.iter_mut() {
                            if TypesBuilderPaths::rewrite(&mut field.ty) {
                                body_fields.push(field.ident.clone());
                            }
                        }
                    }
                    Item::Impl(block) => block.items.retain(|i| !is_fn(i, "body_map")),
                    _ => {}
                }
            }
            for item in items.iter_mut() {
                if let Item::Impl(block) = item {
                    UnsetBody {
                        fields: &body_fields,
                    }
                    .visit_item_impl_mut(block);
                }
            }
        }
    }
}

fn is_fn(item: &ImplItem, name: &str) -> bool {
    matches!(item, ImplItem::Fn(f) if f.sig.ident == name)
}

/// Rewrites `types::builder::X` to `types::X` inside a type.
struct TypesBuilderPaths {
    changed: bool,
}

impl TypesBuilderPaths {
    fn rewrite(ty: &mut Type) -> bool {
        let mut visitor = Self { changed: false };
        visitor.visit_type_mut(ty);
        visitor.changed
    }
}

impl VisitMut for TypesBuilderPaths {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if let Some(at) = names
            .windows(2)
            .position(|w| w[0] == "types" && w[1] == "builder")
        {
            let segments: Vec<_> = path.segments.iter().cloned().collect();
            path.segments = segments
                .into_iter()
                .enumerate()
                .filter(|(i, _)| *i != at + 1)
                .map(|(_, s)| s)
                .collect();
            self.changed = true;
        }
        visit_mut::visit_path_mut(self, path);
    }
}

/// `field: Ok(Default::default())` becomes an error until the body is set: the body types need
/// not implement `Default`, and a call without its body must not send one.
struct UnsetBody<'a> {
    fields: &'a [Option<syn::Ident>],
}

impl VisitMut for UnsetBody<'_> {
    fn visit_field_value_mut(&mut self, field: &mut FieldValue) {
        if let Member::Named(name) = &field.member
            && self.fields.iter().flatten().any(|f| f == name)
            && matches!(&field.expr, Expr::Call(call) if quote::quote!(#call).to_string().starts_with("Ok"))
        {
            let message = format!("{name} was not set");
            field.expr = syn::parse_quote!(Err(#message.to_string()));
        }
        visit_mut::visit_field_value_mut(self, field);
    }
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::*;

    #[test]
    fn builders_go_and_bodies_hold_the_type() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Body { pub a: i32 }
                impl Body {
                    pub fn builder() -> builder::Body { Default::default() }
                }
                pub mod builder {
                    pub struct Body { a: Result<i32, String> }
                }
            }
            pub mod builder {
                pub struct Create<'a> {
                    client: &'a super::Client,
                    body: Result<types::builder::Body, String>,
                }
                impl<'a> Create<'a> {
                    pub fn new(client: &'a super::Client) -> Self {
                        Self { client: client, body: Ok(::std::default::Default::default()) }
                    }
                    pub fn body_map<F>(mut self, f: F) -> Self { self }
                    pub fn body<V>(mut self, value: V) -> Self { self }
                }
            }
        };
        drop(&mut file);
        let text = file.to_token_stream().to_string();
        assert!(!text.contains("types :: builder"), "{text}");
        assert!(!text.contains("fn builder"), "{text}");
        assert!(!text.contains("body_map"), "{text}");
        assert!(
            text.contains("body : Result < types :: Body , String >"),
            "{text}"
        );
        assert!(
            text.contains("body : Err (\"body was not set\" . to_string ())"),
            "{text}"
        );
        assert!(text.contains("pub fn body < V >"), "{text}");
    }
}
