//! `#[derive(Replicate)]` on a struct with named fields: its `KindDesc`, its writer and its
//! reader, each field through the protocol's `__derive` helper for its wire type.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Type};

use crate::attrs::{ContainerAttrs, FieldAttrs, IntentAttr, Wire};
use crate::names::snake_case;

/// Most slots a kind may hold (the protocol's `MAX_SLOTS`).
const MAX_SLOTS: usize = 64;

/// One replicated field.
struct Field {
    ident: syn::Ident,
    ty: Type,
    name: String,
    wire: Wire,
    position: bool,
    predict: bool,
    interpolate: bool,
    intent: Option<(IntentAttr, Span)>,
}

/// The impl of `Replicate` for `input`, or the first mistake in it.
pub(crate) fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let named = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => named,
            Fields::Unnamed(_) | Fields::Unit => {
                return Err(syn::Error::new(
                    input.ident.span(),
                    "Replicate needs a struct with named fields: a field's name is its name in the schema",
                ));
            }
        },
        Data::Enum(e) => {
            return Err(syn::Error::new(
                e.enum_token.span,
                "Replicate is for structs (one entity kind each); a fieldless enum used as a \
                 field derives ReplicateEnum",
            ));
        }
        Data::Union(u) => {
            return Err(syn::Error::new(
                u.union_token.span,
                "Replicate is for structs with named fields, not unions",
            ));
        }
    };
    let container = ContainerAttrs::parse(&input.attrs, true)?;
    let kind = container.kind.as_ref().map_or_else(
        || snake_case(&input.ident.unraw().to_string()),
        |k| k.value(),
    );
    if let Some(why) = crate::names::name_error(&kind) {
        return Err(syn::Error::new(input.ident.span(), why));
    }

    let mut fields = Vec::new();
    let mut skipped = Vec::new();
    let mut position: Option<Span> = None;
    // Every field's mistakes are reported at once, not only the first field's.
    let mut errors: Option<syn::Error> = None;
    for f in &named.named {
        let Some(ident) = f.ident.clone() else {
            continue;
        };
        let default_name = ident.unraw().to_string();
        let attrs = match FieldAttrs::parse(&f.attrs, &f.ty, &default_name) {
            Ok(attrs) => attrs,
            Err(e) => {
                match &mut errors {
                    Some(all) => all.combine(e),
                    None => errors = Some(e),
                }
                continue;
            }
        };
        let Some(wire) = attrs.wire else {
            skipped.push((ident, f.ty.clone()));
            continue;
        };
        if let Some(at) = attrs.position {
            if position.is_some() {
                return Err(syn::Error::new(
                    at,
                    "a kind has one position; this is its second",
                ));
            }
            position = Some(at);
        }
        let name = attrs.name.as_ref().map_or(default_name, |n| n.value());
        if let Some(why) = crate::names::name_error(&name) {
            return Err(syn::Error::new(ident.span(), why));
        }
        if let Some(other) = fields.iter().find(|g: &&Field| g.name == name) {
            return Err(syn::Error::new(
                ident.span(),
                format!(
                    "two fields are called `{name}` (the other is `{}`)",
                    other.ident
                ),
            ));
        }
        fields.push(Field {
            ident,
            ty: f.ty.clone(),
            name,
            wire,
            position: attrs.position.is_some(),
            predict: attrs.predict.is_some(),
            interpolate: attrs.interpolate.is_some(),
            intent: attrs.intent,
        });
    }
    if let Some(e) = errors {
        return Err(e);
    }
    let slots: usize = fields.iter().map(|f| f.wire.slots()).sum();
    if slots > MAX_SLOTS {
        return Err(syn::Error::new(
            input.ident.span(),
            format!(
                "a kind holds at most {MAX_SLOTS} slots (a vec2 takes two); this one takes {slots}"
            ),
        ));
    }

    let r = container.replication();
    let intents = intents(&r, &fields)?;
    let name = &input.ident;
    let generics = with_bounds(&input.generics, &r, &fields, &skipped);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let descs = fields.iter().map(|f| field_desc(&r, f));
    let position = match fields.iter().position(|f| f.position) {
        Some(i) => {
            let i = u8::try_from(i).unwrap_or(u8::MAX);
            quote!(::core::option::Option::Some(#i))
        }
        None => quote!(::core::option::Option::None),
    };
    let writes = fields.iter().map(|f| write_field(&r, f));
    let locals: Vec<syn::Ident> = (0..fields.len())
        .map(|i| format_ident!("__tw_f{i}"))
        .collect();
    let reads = fields
        .iter()
        .zip(&locals)
        .map(|(f, local)| read_field(&r, f, local));
    let inits = fields.iter().zip(&locals).map(|(f, local)| {
        let ident = &f.ident;
        quote!(#ident: #local)
    });
    let defaults = skipped
        .iter()
        .map(|(ident, ty)| quote_spanned!(ty.span()=> #ident: ::core::default::Default::default()));

    Ok(quote! {
        #[automatically_derived]
        impl #impl_generics #r::Replicate for #name #ty_generics #where_clause {
            const KIND: &'static str = #kind;
            const SLOTS: usize = #slots;

            fn kind_desc() -> #r::KindDesc {
                let mut __tw_kind = #r::KindDesc::new(#kind, ::std::vec![#(#descs),*]);
                __tw_kind.position = #position;
                __tw_kind
            }

            fn intent() -> ::std::vec::Vec<#r::Intent> {
                ::std::vec![#(#intents),*]
            }

            fn write(&self, __tw_out: &mut #r::EntityWriter<'_>) {
                #(#writes)*
            }

            fn read(__tw_world: &#r::World, __tw_i: usize) -> ::core::option::Option<Self> {
                let __tw_slots = __tw_world.slots(__tw_i);
                if __tw_slots.len() != #slots {
                    return ::core::option::Option::None;
                }
                let mut __tw_slots = __tw_slots.iter().copied();
                #(#reads)*
                ::core::option::Option::Some(Self {
                    #(#inits,)*
                    #(#defaults,)*
                })
            }
        }
    })
}

/// Each field's `Intent` expression: `Always` unless it says otherwise; `intent_when` must name
/// another field of the struct (by its name in the schema) that is a `bool`.
fn intents(r: &TokenStream, fields: &[Field]) -> syn::Result<Vec<TokenStream>> {
    fields
        .iter()
        .enumerate()
        .map(|(i, f)| match &f.intent {
            None | Some((IntentAttr::Always, _)) => Ok(quote!(#r::Intent::Always)),
            Some((IntentAttr::Never, _)) => Ok(quote!(#r::Intent::Never)),
            Some((IntentAttr::When(flag), span)) => {
                let want = flag.value();
                let Some(j) = fields.iter().position(|g| g.name == want) else {
                    let names: Vec<&str> = fields.iter().map(|g| g.name.as_str()).collect();
                    return Err(syn::Error::new(
                        *span,
                        format!(
                            "intent_when = \"{want}\" names no field of this struct; its fields are {}",
                            names.join(", ")
                        ),
                    ));
                };
                if j == i {
                    return Err(syn::Error::new(
                        *span,
                        "a field cannot count only while itself is true; name a bool field beside it",
                    ));
                }
                if !matches!(fields[j].wire, Wire::Bool) {
                    return Err(syn::Error::new(
                        *span,
                        format!(
                            "intent_when must name a bool field; `{want}` is {}",
                            fields[j].wire.keyword()
                        ),
                    ));
                }
                let j = u8::try_from(j).unwrap_or(u8::MAX);
                Ok(quote!(#r::Intent::When(#j)))
            }
        })
        .collect()
}

/// The struct's generics, with a bound for each field whose type names a type parameter: the
/// field trait of its wire type (`T: ReplicateText`), or `Default` for a skipped field.
fn with_bounds(
    generics: &syn::Generics,
    r: &TokenStream,
    fields: &[Field],
    skipped: &[(syn::Ident, Type)],
) -> syn::Generics {
    let params: Vec<String> = generics
        .type_params()
        .map(|p| p.ident.to_string())
        .collect();
    let mut generics = generics.clone();
    if params.is_empty() {
        return generics;
    }
    let where_clause = generics.make_where_clause();
    for f in fields.iter().filter(|f| names_any(&f.ty, &params)) {
        let ty = &f.ty;
        let bound = match &f.wire {
            Wire::Fixed { .. } | Wire::Angle { .. } | Wire::Int { .. } => quote!(ReplicateNumber),
            Wire::Vec2 { .. } => quote!(ReplicateVec2),
            Wire::Bool => quote!(ReplicateBool),
            Wire::Enum => quote!(ReplicateEnum),
            Wire::Color => quote!(ReplicateColor),
            Wire::Text { .. } => quote!(ReplicateText),
        };
        where_clause
            .predicates
            .push(syn::parse_quote_spanned!(ty.span()=> #ty: #r::#bound));
    }
    for (_, ty) in skipped.iter().filter(|(_, ty)| names_any(ty, &params)) {
        where_clause
            .predicates
            .push(syn::parse_quote_spanned!(ty.span()=> #ty: ::core::default::Default));
    }
    generics
}

/// Whether `ty` mentions any of `params` (by identifier, anywhere in its tokens).
fn names_any(ty: &Type, params: &[String]) -> bool {
    fn walk(tokens: TokenStream, params: &[String]) -> bool {
        tokens.into_iter().any(|t| match t {
            proc_macro2::TokenTree::Ident(i) => params.iter().any(|p| i == p),
            proc_macro2::TokenTree::Group(g) => walk(g.stream(), params),
            _ => false,
        })
    }
    walk(quote!(#ty), params)
}

/// The field's `FieldDesc` expression.
fn field_desc(r: &TokenStream, f: &Field) -> TokenStream {
    let name = &f.name;
    let ty = &f.ty;
    let wire = match &f.wire {
        Wire::Fixed { step } => quote!(#r::WireType::Fixed { step: #step }),
        Wire::Vec2 { step } => quote!(#r::WireType::Vec2 { step: #step }),
        Wire::Angle { bits } => quote!(#r::WireType::Angle { bits: #bits }),
        Wire::Int { min, max } => quote!(#r::WireType::Int { min: #min, max: #max }),
        Wire::Bool => quote!(#r::WireType::Bool),
        Wire::Enum => quote_spanned!(ty.span()=> <#ty as #r::ReplicateEnum>::wire_type()),
        Wire::Color => quote!(#r::WireType::Color),
        Wire::Text { max } => quote!(#r::WireType::Text { max_bytes: #max }),
    };
    let (predict, interpolate) = (f.predict, f.interpolate);
    quote! {{
        let mut __tw_field = #r::FieldDesc::new(#name, #wire);
        __tw_field.predict = #predict;
        __tw_field.interpolate = #interpolate;
        __tw_field
    }}
}

/// The statement that writes the field's slots. Its span is the field type's, so that a type
/// the wire type cannot hold is reported there.
fn write_field(r: &TokenStream, f: &Field) -> TokenStream {
    let ident = &f.ident;
    let d = quote!(#r::__derive);
    let span = f.ty.span();
    let call = match &f.wire {
        Wire::Fixed { step } => quote_spanned!(span=> put_fixed(__tw_out, #step, &self.#ident)),
        Wire::Vec2 { step } => quote_spanned!(span=> put_vec2(__tw_out, #step, &self.#ident)),
        Wire::Angle { bits } => quote_spanned!(span=> put_angle(__tw_out, #bits, &self.#ident)),
        Wire::Int { min, max } => {
            quote_spanned!(span=> put_int(__tw_out, #min, #max, &self.#ident))
        }
        Wire::Bool => quote_spanned!(span=> put_bool(__tw_out, &self.#ident)),
        Wire::Enum => quote_spanned!(span=> put_enum(__tw_out, &self.#ident)),
        Wire::Color => quote_spanned!(span=> put_color(__tw_out, &self.#ident)),
        Wire::Text { max } => quote_spanned!(span=> put_text(__tw_out, #max, &self.#ident)),
    };
    quote_spanned!(span=> #d::#call;)
}

/// The statement that reads the field into `local`, or returns `None` from `read`.
fn read_field(r: &TokenStream, f: &Field, local: &syn::Ident) -> TokenStream {
    let ty = &f.ty;
    let d = quote!(#r::__derive);
    let span = ty.span();
    let next = quote_spanned!(span=> __tw_slots.next()?);
    let call = match &f.wire {
        Wire::Fixed { step } => quote_spanned!(span=> get_fixed::<#ty>(#step, #next)),
        Wire::Vec2 { step } => quote_spanned!(span=> get_vec2::<#ty>(#step, #next, #next)),
        Wire::Angle { bits } => quote_spanned!(span=> get_angle::<#ty>(#bits, #next)),
        Wire::Int { min, max } => quote_spanned!(span=> get_int::<#ty>(#min, #max, #next)),
        Wire::Bool => quote_spanned!(span=> get_bool::<#ty>(#next)),
        Wire::Enum => quote_spanned!(span=> get_enum::<#ty>(#next)),
        Wire::Color => quote_spanned!(span=> get_color::<#ty>(#next)),
        Wire::Text { .. } => quote_spanned!(span=> get_text::<#ty>(__tw_world.text(__tw_i, #next))),
    };
    quote_spanned!(span=> let #local: #ty = #d::#call?;)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_struct_of_every_wire_type_expands() {
        let input: DeriveInput = syn::parse_quote! {
            #[replicate(kind = "runner")]
            struct Runner {
                #[replicate(vec2(step = 0.0625), position, moving)] pos: [f32; 2],
                #[replicate(angle(bits = 8), interpolate)] facing: f32,
                hp: u8,
                #[replicate(int(min = -5, max = STEP_MAX))] lives: i32,
                it: bool,
                #[replicate(text(max = 24))] name: String,
                #[replicate(color)] colour: u32,
                #[replicate(enumeration)] team: Team,
                #[replicate(fixed(step = 1), predict)] speed: f32,
                #[replicate(skip)] local_only: u64,
            }
        };
        let out = expand(&input).expect("expands").to_string();
        assert!(out.contains("const SLOTS : usize = 10usize"), "{out}");
        assert!(out.contains("step : 1f32"), "{out}");
        assert!(out.contains("max : STEP_MAX"), "{out}");
        assert!(
            out.contains("local_only : :: core :: default :: Default :: default ()"),
            "{out}"
        );
    }

    #[test]
    fn mistakes_are_named() {
        let cases: Vec<(DeriveInput, &str)> = vec![
            (
                syn::parse_quote!(
                    struct A {
                        #[replicate(fixd(step = 1.0))]
                        x: f32,
                    }
                ),
                "unknown replicate attribute `fixd`",
            ),
            (
                syn::parse_quote!(
                    struct A {
                        x: f32,
                    }
                ),
                "field `x` has no wire type: a number needs its precision",
            ),
            (
                syn::parse_quote!(
                    struct A {
                        name: String,
                    }
                ),
                "a text needs its longest length",
            ),
            (
                syn::parse_quote!(
                    struct A {
                        t: Team,
                    }
                ),
                "say its wire type",
            ),
            (
                syn::parse_quote!(
                    struct A {
                        #[replicate(fixed(step = 0.5), position)]
                        x: f32,
                    }
                ),
                "a position must be a vector",
            ),
            (
                syn::parse_quote!(
                    struct A {
                        #[replicate(moving)]
                        on: bool,
                    }
                ),
                "only fixed, vec2 and int fields can be predicted",
            ),
            (
                syn::parse_quote!(
                    struct A {
                        #[replicate(angle(bits = 8), moving)]
                        a: f32,
                    }
                ),
                "only fixed, vec2 and int fields can be predicted",
            ),
            (
                syn::parse_quote!(
                    struct A {
                        #[replicate(color, interpolate)]
                        c: u32,
                    }
                ),
                "only fixed, vec2, angle and int fields can be interpolated",
            ),
            (
                syn::parse_quote!(
                    struct A(f32);
                ),
                "a struct with named fields",
            ),
            (
                syn::parse_quote!(
                    struct A;
                ),
                "a struct with named fields",
            ),
            (
                syn::parse_quote!(
                    enum A {
                        B,
                        C,
                    }
                ),
                "derives ReplicateEnum",
            ),
            (
                syn::parse_quote!(
                    struct A {
                        #[replicate(fixed)]
                        x: f32,
                    }
                ),
                "`fixed` takes its precision: fixed(step = ..)",
            ),
            (
                syn::parse_quote!(
                    struct A {
                        #[replicate(int(min = 0))]
                        x: i32,
                    }
                ),
                "`int` needs its `max`",
            ),
            (
                syn::parse_quote!(
                    struct A {
                        #[replicate(int(min = 3, max = 2))]
                        x: i32,
                    }
                ),
                "min is above its max",
            ),
            (
                syn::parse_quote!(
                    struct A {
                        #[replicate(angle(bits = 17))]
                        x: f32,
                    }
                ),
                "an angle takes 1 to 16 bits",
            ),
            (
                syn::parse_quote!(
                    struct A {
                        #[replicate(fixed(step = 0.0))]
                        x: f32,
                    }
                ),
                "a step must be a number above zero",
            ),
            (
                syn::parse_quote!(
                    struct A {
                        #[replicate(text(max = 0))]
                        x: String,
                    }
                ),
                "a text takes 1 to 256 bytes",
            ),
            (
                syn::parse_quote!(
                    struct A {
                        #[replicate(bool, color)]
                        x: bool,
                    }
                ),
                "a field has one wire type",
            ),
            (
                syn::parse_quote!(
                    struct A {
                        #[replicate(skip, bool)]
                        x: bool,
                    }
                ),
                "a skipped field is not replicated",
            ),
            (
                syn::parse_quote!(
                    struct A {
                        #[replicate(vec2(step = 1.0), position)]
                        a: [f32; 2],
                        #[replicate(vec2(step = 1.0), position)]
                        b: [f32; 2],
                    }
                ),
                "a kind has one position",
            ),
            (
                syn::parse_quote!(
                    struct A {
                        a: bool,
                        #[replicate(name = "a")]
                        b: bool,
                    }
                ),
                "two fields are called `a`",
            ),
            (
                syn::parse_quote!(
                    #[replicate(kid = "a")]
                    struct A {
                        a: bool,
                    }
                ),
                "unknown replicate attribute `kid`",
            ),
            (
                syn::parse_quote!(
                    #[replicate(kind = "")]
                    struct A {
                        a: bool,
                    }
                ),
                "a name takes 1 to 64 bytes",
            ),
        ];
        crate::assert_refused(expand, cases);
    }

    #[test]
    fn intents_name_a_bool_field_by_its_schema_name() {
        let input: DeriveInput = syn::parse_quote! {
            struct ArenaInput {
                #[replicate(int(min = -1, max = 1))] move_x: i8,
                #[replicate(angle(bits = 16), intent_when = "shoot")] aim: f32,
                #[replicate(name = "shoot")] fire: bool,
                #[replicate(fixed(step = 1.0), intent = "never")] clock: f32,
            }
        };
        let out = expand(&input).expect("expands").to_string();
        assert!(
            out.contains("Intent :: Always , :: tickwire_protocol :: replication :: Intent :: When (2u8) , :: tickwire_protocol :: replication :: Intent :: Always , :: tickwire_protocol :: replication :: Intent :: Never"),
            "{out}"
        );
    }

    #[test]
    fn intent_mistakes_are_named() {
        let cases: Vec<(DeriveInput, &str)> = vec![
            (
                syn::parse_quote!(
                    struct A {
                        #[replicate(angle(bits = 8), intent_when = "fire")]
                        aim: f32,
                        shoot: bool,
                    }
                ),
                "intent_when = \"fire\" names no field of this struct; its fields are aim, shoot",
            ),
            (
                syn::parse_quote!(
                    struct A {
                        #[replicate(angle(bits = 8), intent_when = "speed")]
                        aim: f32,
                        speed: u8,
                    }
                ),
                "intent_when must name a bool field; `speed` is int",
            ),
            (
                syn::parse_quote!(
                    struct A {
                        #[replicate(intent_when = "fire")]
                        fire: bool,
                    }
                ),
                "a field cannot count only while itself is true",
            ),
            (
                syn::parse_quote!(
                    struct A {
                        #[replicate(intent = "sometimes")]
                        fire: bool,
                    }
                ),
                "unknown intent `sometimes`",
            ),
            (
                syn::parse_quote!(
                    struct A {
                        #[replicate(intent = "never", intent_when = "b")]
                        a: bool,
                        b: bool,
                    }
                ),
                "a field has one intent",
            ),
            (
                syn::parse_quote!(
                    struct A {
                        #[replicate(skip, intent = "never")]
                        a: bool,
                    }
                ),
                "a skipped field is not replicated",
            ),
        ];
        crate::assert_refused(expand, cases);
    }

    #[test]
    fn names_paths_and_generics_are_kept() {
        let input: DeriveInput = syn::parse_quote! {
            #[replicate(crate = "game::net")]
            struct Tagged<T: Clone> where T: Default {
                #[replicate(text(max = 8))] r#type: T,
            }
        };
        let out = expand(&input).expect("expands").to_string();
        assert!(
            out.contains("game :: net :: replication :: Replicate for Tagged < T >"),
            "{out}"
        );
        assert!(
            out.contains("where T : Default , T : game :: net :: replication :: ReplicateText"),
            "{out}"
        );
        assert!(
            out.contains(r#"const KIND : & 'static str = "tagged""#),
            "{out}"
        );
        assert!(out.contains(r#"FieldDesc :: new ("type""#), "{out}");
    }

    #[test]
    fn every_field_with_a_mistake_is_reported() {
        let input: DeriveInput = syn::parse_quote!(
            struct A {
                x: f32,
                #[replicate(foo)]
                y: f32,
            }
        );
        let e = expand(&input).expect_err("two mistakes");
        assert_eq!(e.into_iter().count(), 2);
    }

    #[test]
    fn more_than_64_slots_is_refused() {
        let fields = (0..33).map(|i| {
            let f = format_ident!("f{i}");
            quote!(#[replicate(vec2(step = 1.0))] #f: [f32; 2])
        });
        let input: DeriveInput = syn::parse_quote!(struct A { #(#fields),* });
        crate::assert_refused(expand, vec![(input, "at most 64 slots")]);
    }
}
