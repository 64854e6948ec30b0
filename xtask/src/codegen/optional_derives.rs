//! Derives that only some users need move behind a feature of the sdk: progenitor can only add
//! a derive unconditionally, so its output is rewritten to `#[cfg_attr(feature = …, derive(…))]`.
//! Partners then compile schemars only when they ask for it (the contract suite does).

use syn::punctuated::Punctuated;
use syn::{Attribute, Item, Path, Token};

/// The derives gated by an sdk feature: (derive path as written in the settings, feature).
pub const GATED: &[(&str, &str)] = &[("schemars::JsonSchema", "schemars")];

/// Rewrites every `#[derive(…, D, …)]` in `file` for each gated `D`.
pub fn gate(file: &mut syn::File) {
    gate_items(&mut file.items);
}

fn gate_items(items: &mut [Item]) {
    for item in items {
        match item {
            Item::Struct(s) => gate_attrs(&mut s.attrs),
            Item::Enum(e) => gate_attrs(&mut e.attrs),
            Item::Mod(m) => {
                if let Some((_, items)) = &mut m.content {
                    gate_items(items);
                }
            }
            _ => {}
        }
    }
}

fn gate_attrs(attrs: &mut Vec<Attribute>) {
    let mut gated = Vec::new();
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let Ok(paths) = attr.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
        else {
            continue;
        };
        let (moved, kept): (Vec<Path>, Vec<Path>) = paths
            .into_iter()
            .partition(|path| GATED.iter().any(|(derive, _)| same_path(path, derive)));
        if moved.is_empty() {
            continue;
        }
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        gated.extend(moved);
    }
    for path in gated {
        let Some((_, feature)) = GATED.iter().find(|(derive, _)| same_path(&path, derive)) else {
            continue;
        };
        attrs.push(syn::parse_quote!(#[cfg_attr(feature = #feature, derive(#path))]));
    }
}

fn same_path(path: &Path, written: &str) -> bool {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    segments.join("::") == written.trim_start_matches("::")
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::*;

    #[test]
    fn moves_the_gated_derive_behind_its_feature() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(Clone, Debug, schemars::JsonSchema, PartialEq)]
                pub struct Order { pub id: i64 }
                #[derive(Clone)]
                pub enum Kind { A }
            }
        };
        gate(&mut file);
        let text = file.to_token_stream().to_string();
        assert!(
            text.contains("# [derive (Clone , Debug , PartialEq)] # [cfg_attr (feature = \"schemars\" , derive (schemars :: JsonSchema))] pub struct Order"),
            "{text}"
        );
        assert!(text.contains("# [derive (Clone)] pub enum Kind"), "{text}");
    }
}
