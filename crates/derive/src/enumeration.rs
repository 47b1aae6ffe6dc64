//! `#[derive(ReplicateEnum)]` on a fieldless enum: its variants' names and indices.

use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields};

use crate::attrs::{ContainerAttrs, variant_name};
use crate::names::snake_case;

/// Most variants a `WireType::Enum` names (the protocol's `MAX_ENUM_VARIANTS`).
const MAX_VARIANTS: usize = 256;

/// The impl of `ReplicateEnum` for `input`, or the first mistake in it.
pub(crate) fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new(
            input.ident.span(),
            "ReplicateEnum is for fieldless enums; a struct derives Replicate",
        ));
    };
    let container = ContainerAttrs::parse(&input.attrs, false)?;
    let n = data.variants.len();
    if !(2..=MAX_VARIANTS).contains(&n) {
        return Err(syn::Error::new(
            input.ident.span(),
            format!("an enum on the wire has 2 to {MAX_VARIANTS} variants; this one has {n}"),
        ));
    }
    let mut names: Vec<String> = Vec::with_capacity(n);
    for v in &data.variants {
        if !matches!(v.fields, Fields::Unit) {
            return Err(syn::Error::new(
                v.fields.span(),
                "ReplicateEnum needs fieldless variants: only the variant is sent",
            ));
        }
        let name = variant_name(&v.attrs)?
            .map_or_else(|| snake_case(&v.ident.unraw().to_string()), |l| l.value());
        if names.contains(&name) {
            return Err(syn::Error::new(
                v.ident.span(),
                format!("two variants are called `{name}`"),
            ));
        }
        names.push(name);
    }
    let r = container.replication();
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let variants: Vec<&syn::Ident> = data.variants.iter().map(|v| &v.ident).collect();
    let indices = 0..n;
    let indices2 = 0..n;
    Ok(quote! {
        #[automatically_derived]
        impl #impl_generics #r::ReplicateEnum for #ident #ty_generics #where_clause {
            const VARIANTS: &'static [&'static str] = &[#(#names),*];

            fn index(&self) -> usize {
                match self {
                    #(Self::#variants => #indices,)*
                }
            }

            fn from_index(index: usize) -> ::core::option::Option<Self> {
                match index {
                    #(#indices2 => ::core::option::Option::Some(Self::#variants),)*
                    _ => ::core::option::Option::None,
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_are_named_in_snake_case_or_as_told() {
        let input: DeriveInput = syn::parse_quote! {
            enum Team { RedTeam, #[replicate(name = "azure")] Blue }
        };
        let out = expand(&input).expect("expands").to_string();
        assert!(out.contains(r#"& ["red_team" , "azure"]"#), "{out}");
    }

    #[test]
    fn mistakes_are_named() {
        let cases: Vec<(DeriveInput, &str)> = vec![
            (
                syn::parse_quote!(
                    enum A {
                        B(u8),
                        C,
                    }
                ),
                "fieldless variants",
            ),
            (
                syn::parse_quote!(
                    enum A {
                        B,
                    }
                ),
                "2 to 256 variants",
            ),
            (
                syn::parse_quote!(
                    struct A {
                        b: u8,
                    }
                ),
                "for fieldless enums",
            ),
            (
                syn::parse_quote!(
                    enum A {
                        B,
                        #[replicate(name = "b")]
                        C,
                    }
                ),
                "two variants are called `b`",
            ),
            (
                syn::parse_quote!(
                    enum A {
                        B,
                        #[replicate(nam = "c")]
                        C,
                    }
                ),
                "unknown replicate attribute `nam`",
            ),
            (
                syn::parse_quote!(
                    #[replicate(kind = "a")]
                    enum A {
                        B,
                        C,
                    }
                ),
                "an enum takes crate",
            ),
        ];
        crate::assert_refused(expand, cases);
    }
}
