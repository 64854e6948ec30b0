//! What progenitor actually generated, read back from its syntax tree: the type each builder
//! setter takes and the fields of each generated struct. Reading them beats re-deriving
//! progenitor's naming rules, and a mismatch is an error naming the operation.

use std::collections::HashMap;

use anyhow::{Result, anyhow};
use syn::{
    GenericArgument, ImplItem, Item, PathArguments, ReturnType, Type, TypeParamBound,
    WherePredicate,
};

/// Lookups into the generated client.
#[derive(Debug, Default)]
pub struct Shapes {
    /// Client method (operation id) → builder struct name.
    builders: HashMap<String, String>,
    /// (builder struct, setter) → the type the setter converts into.
    setters: HashMap<(String, String), Type>,
    /// `types` struct → its fields: (serde name, field ident, type as seen from outside `types`).
    structs: HashMap<String, Vec<Field>>,
}

/// A field of a generated struct.
#[derive(Debug, Clone)]
pub struct Field {
    /// The JSON property name.
    pub wire: String,
    /// The Rust field name.
    pub ident: syn::Ident,
    /// Its type, paths into `types` qualified.
    pub ty: Type,
}

impl Shapes {
    /// Reads the generated client file.
    pub fn read(file: &syn::File) -> Self {
        let mut shapes = Self::default();
        for item in &file.items {
            match item {
                Item::Impl(block)
                    if is_named(&block.self_ty, "Client") && block.trait_.is_none() =>
                {
                    for f in block.items.iter().filter_map(as_fn) {
                        if let ReturnType::Type(_, ty) = &f.sig.output
                            && let Some(name) = last_ident(ty)
                        {
                            shapes.builders.insert(f.sig.ident.to_string(), name);
                        }
                    }
                }
                Item::Mod(m) if m.ident == "builder" => shapes.read_builders(m),
                Item::Mod(m) if m.ident == "types" => shapes.read_types(m),
                _ => {}
            }
        }
        shapes
    }

    fn read_builders(&mut self, module: &syn::ItemMod) {
        for item in module.content.iter().flat_map(|(_, items)| items) {
            let Item::Impl(block) = item else { continue };
            let Some(builder) = last_ident(&block.self_ty) else {
                continue;
            };
            for f in block.items.iter().filter_map(as_fn) {
                if let Some(target) = setter_target(&f.sig) {
                    self.setters
                        .insert((builder.clone(), f.sig.ident.to_string()), target);
                }
            }
        }
    }

    fn read_types(&mut self, module: &syn::ItemMod) {
        for item in module.content.iter().flat_map(|(_, items)| items) {
            let Item::Struct(s) = item else { continue };
            let syn::Fields::Named(named) = &s.fields else {
                continue;
            };
            let fields = named
                .named
                .iter()
                .filter_map(|f| {
                    let ident = f.ident.clone()?;
                    let wire = serde_rename(&f.attrs).unwrap_or_else(|| {
                        ident
                            .to_string()
                            .trim_start_matches("r#")
                            .trim_end_matches('_')
                            .to_owned()
                    });
                    let mut ty = f.ty.clone();
                    qualify(&mut ty);
                    Some(Field { wire, ident, ty })
                })
                .collect();
            self.structs.insert(s.ident.to_string(), fields);
        }
    }

    /// The type progenitor's setter `setter` of operation `operation` converts into.
    pub fn setter(&self, operation: &str, setter: &str) -> Result<Type> {
        let builder = self
            .builders
            .get(operation)
            .ok_or_else(|| anyhow!("progenitor generated no client method `{operation}`"))?;
        self.setters
            .get(&(builder.clone(), setter.to_owned()))
            .cloned()
            .ok_or_else(|| anyhow!("progenitor's `{builder}` builder has no setter `{setter}`"))
    }

    /// The fields of the generated struct `name`.
    pub fn fields(&self, name: &str) -> Result<&[Field]> {
        self.structs
            .get(name)
            .map(Vec::as_slice)
            .ok_or_else(|| anyhow!("progenitor generated no struct `types::{name}`"))
    }
}

fn as_fn(item: &ImplItem) -> Option<&syn::ImplItemFn> {
    match item {
        ImplItem::Fn(f) => Some(f),
        _ => None,
    }
}

fn is_named(ty: &Type, name: &str) -> bool {
    last_ident(ty).is_some_and(|n| n == name)
}

fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// `T` in `where V: std::convert::TryInto<T>` of a one-argument setter.
fn setter_target(sig: &syn::Signature) -> Option<Type> {
    let predicates = &sig.generics.where_clause.as_ref()?.predicates;
    predicates.iter().find_map(|p| {
        let WherePredicate::Type(p) = p else {
            return None;
        };
        p.bounds.iter().find_map(|b| {
            let TypeParamBound::Trait(t) = b else {
                return None;
            };
            let segment = t.path.segments.last()?;
            if segment.ident != "TryInto" {
                return None;
            }
            let PathArguments::AngleBracketed(args) = &segment.arguments else {
                return None;
            };
            match args.args.first()? {
                GenericArgument::Type(ty) => Some(ty.clone()),
                _ => None,
            }
        })
    })
}

fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut rename = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                rename = Some(lit.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            } else if meta.input.peek(syn::token::Paren) {
                meta.parse_nested_meta(|_| Ok(()))?;
            }
            Ok(())
        });
    }
    rename
}

/// Prefixes `types::` to the bare names of sibling types inside the generated `types` module.
fn qualify(ty: &mut Type) {
    let Type::Path(p) = ty else { return };
    if p.qself.is_none() && p.path.leading_colon.is_none() && p.path.segments.len() == 1 {
        let name = p.path.segments[0].ident.to_string();
        if !is_primitive(&name) {
            p.path.segments.insert(0, syn::parse_quote!(types));
        }
    }
    for segment in &mut p.path.segments {
        if let PathArguments::AngleBracketed(args) = &mut segment.arguments {
            for arg in &mut args.args {
                if let GenericArgument::Type(inner) = arg {
                    qualify(inner);
                }
            }
        }
    }
}

fn is_primitive(name: &str) -> bool {
    matches!(
        name,
        "bool"
            | "char"
            | "str"
            | "i8"
            | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "isize"
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "usize"
            | "f32"
            | "f64"
            | "String"
            | "Option"
            | "Vec"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn reads_setters_and_fields() {
        let file: syn::File = syn::parse_quote! {
            impl Client {
                pub fn get_thing(&self) -> builder::GetThing<'_> { builder::GetThing::new(self) }
            }
            pub mod types {
                pub struct Body {
                    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
                    pub type_: ::std::option::Option<Kind>,
                    pub count: i32,
                }
            }
            pub mod builder {
                impl<'a> GetThing<'a> {
                    pub fn ref_<V>(mut self, value: V) -> Self
                    where
                        V: std::convert::TryInto<types::Ref>,
                    {
                        self
                    }
                }
            }
        };
        let shapes = Shapes::read(&file);
        let ty = shapes.setter("get_thing", "ref_").unwrap();
        assert_eq!(ty.to_token_stream().to_string(), "types :: Ref");
        let fields = shapes.fields("Body").unwrap();
        assert_eq!(fields[0].wire, "type");
        assert_eq!(
            fields[0].ty.to_token_stream().to_string(),
            ":: std :: option :: Option < types :: Kind >"
        );
        assert_eq!(fields[1].wire, "count");
        let err = shapes.setter("get_thing", "nope").unwrap_err().to_string();
        assert_eq!(err, "progenitor's `GetThing` builder has no setter `nope`");
    }
}
