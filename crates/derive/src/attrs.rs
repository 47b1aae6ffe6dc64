//! `#[replicate(...)]` read into a plain model: a field's wire type and flags, a type's kind name
//! and crate path, a variant's name. Every mistake is a `syn::Error` at the tokens that made it.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Lit, LitStr, Path, Type, UnOp};

/// What a field's wire type attributes accept, for the error that lists them.
const FIELD_ATTRS: &str = "fixed(step = ..), vec2(step = ..), angle(bits = ..), \
    int(min = .., max = ..), bool, enumeration, color, text(max = ..), position, moving, \
    predict, interpolate, name = \"..\", intent = \"never\", intent_when = \"..\" or skip";

/// A number given in an attribute: the tokens to emit, and its value when it is a literal (only
/// literals are checked here; a constant is checked by `Schema::new` at run time).
pub(crate) struct Num {
    pub(crate) tokens: TokenStream,
    pub(crate) value: Option<f64>,
    pub(crate) span: Span,
}

impl ToTokens for Num {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.tokens.to_tokens(tokens);
    }
}

/// Which number an attribute takes, and so its type and its range.
#[derive(Clone, Copy)]
enum NumKind {
    /// A quantization step: an `f32` above zero.
    Step,
    /// An angle's bits: a `u8` in 1..=16.
    Bits,
    /// An integer's bound: an `i32`.
    Bound,
    /// A text's longest length: a `u16` in 1..=256.
    TextMax,
}

impl NumKind {
    /// The literal's smallest and largest values, whether it must be whole, and the rule.
    fn rule(self) -> (f64, f64, bool, &'static str) {
        match self {
            NumKind::Step => (
                f64::from(f32::MIN_POSITIVE),
                f64::from(f32::MAX),
                false,
                "a step must be a number above zero",
            ),
            NumKind::Bits => (1.0, 16.0, true, "an angle takes 1 to 16 bits"),
            NumKind::Bound => (
                f64::from(i32::MIN),
                f64::from(i32::MAX),
                true,
                "an int's bounds are integers that fit an i32",
            ),
            NumKind::TextMax => (1.0, 256.0, true, "a text takes 1 to 256 bytes"),
        }
    }
}

/// A field's wire type, as its attribute gave it (or as its Rust type implied it).
pub(crate) enum Wire {
    Fixed { step: Num },
    Vec2 { step: Num },
    Angle { bits: Num },
    Int { min: Num, max: Num },
    Bool,
    Enum,
    Color,
    Text { max: Num },
}

impl Wire {
    /// Slots the type takes.
    pub(crate) fn slots(&self) -> usize {
        match self {
            Wire::Vec2 { .. } => 2,
            _ => 1,
        }
    }

    /// The attribute that gives this wire type.
    pub(crate) fn keyword(&self) -> &'static str {
        match self {
            Wire::Fixed { .. } => "fixed",
            Wire::Vec2 { .. } => "vec2",
            Wire::Angle { .. } => "angle",
            Wire::Int { .. } => "int",
            Wire::Bool => "bool",
            Wire::Enum => "enumeration",
            Wire::Color => "color",
            Wire::Text { .. } => "text",
        }
    }

    /// Whether the schema lets the field be predicted from its motion.
    fn predictable(&self) -> bool {
        matches!(
            self,
            Wire::Fixed { .. } | Wire::Vec2 { .. } | Wire::Int { .. }
        )
    }

    /// Whether the schema lets clients interpolate the field.
    fn interpolable(&self) -> bool {
        self.predictable() || matches!(self, Wire::Angle { .. })
    }
}

/// When a field of an input counts for the same-intent rule, as its attribute said.
pub(crate) enum IntentAttr {
    /// `intent = "always"` (the default).
    Always,
    /// `intent = "never"`.
    Never,
    /// `intent_when = "flag"`: while the bool field called `flag` is true.
    When(LitStr),
}

/// One field's `#[replicate(...)]`, merged over its attributes.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    pub(crate) wire: Option<Wire>,
    pub(crate) skip: Option<Span>,
    pub(crate) position: Option<Span>,
    pub(crate) predict: Option<Span>,
    pub(crate) interpolate: Option<Span>,
    pub(crate) name: Option<LitStr>,
    pub(crate) intent: Option<(IntentAttr, Span)>,
}

impl FieldAttrs {
    /// Reads the field's attributes and, when they name no wire type, infers one from `ty`.
    pub(crate) fn parse(attrs: &[Attribute], ty: &Type, field: &str) -> syn::Result<FieldAttrs> {
        let mut out = FieldAttrs::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident("replicate")) {
            attr.parse_nested_meta(|meta| {
                let key = key_of(&meta);
                let wire = match key.as_str() {
                    "fixed" => {
                        let [step] = args(&meta, &key, [("step", NumKind::Step)])?;
                        Some(Wire::Fixed { step })
                    }
                    "vec2" => {
                        let [step] = args(&meta, &key, [("step", NumKind::Step)])?;
                        Some(Wire::Vec2 { step })
                    }
                    "angle" => {
                        let [bits] = args(&meta, &key, [("bits", NumKind::Bits)])?;
                        Some(Wire::Angle { bits })
                    }
                    "int" => {
                        let [min, max] =
                            args(&meta, &key, [("min", NumKind::Bound), ("max", NumKind::Bound)])?;
                        if let (Some(lo), Some(hi)) = (min.value, max.value)
                            && lo > hi
                        {
                            return Err(syn::Error::new(min.span, "an int's min is above its max"));
                        }
                        Some(Wire::Int { min, max })
                    }
                    "text" => {
                        let [max] = args(&meta, &key, [("max", NumKind::TextMax)])?;
                        Some(Wire::Text { max })
                    }
                    "bool" => bare(&meta, &key).map(|()| Some(Wire::Bool))?,
                    "enumeration" => bare(&meta, &key).map(|()| Some(Wire::Enum))?,
                    "color" => bare(&meta, &key).map(|()| Some(Wire::Color))?,
                    "skip" => flag(&meta, &key, &mut out.skip).map(|()| None)?,
                    "position" => flag(&meta, &key, &mut out.position).map(|()| None)?,
                    "predict" => flag(&meta, &key, &mut out.predict).map(|()| None)?,
                    "interpolate" => flag(&meta, &key, &mut out.interpolate).map(|()| None)?,
                    "moving" => {
                        let mut moving = None;
                        flag(&meta, &key, &mut moving)?;
                        if out.predict.is_some() || out.interpolate.is_some() {
                            return Err(meta.error(
                                "`moving` is `predict` and `interpolate` together; give one or the other",
                            ));
                        }
                        out.predict = moving;
                        out.interpolate = moving;
                        None
                    }
                    "name" => name_value(&meta, &key, &mut out.name).map(|()| None)?,
                    "intent" | "intent_when" => {
                        intent_value(&meta, &key, &mut out.intent).map(|()| None)?
                    }
                    _ => {
                        return Err(meta.error(format!(
                            "unknown replicate attribute `{key}`; a field takes {FIELD_ATTRS}"
                        )));
                    }
                };
                if let Some(wire) = wire {
                    if out.wire.is_some() {
                        return Err(meta.error("a field has one wire type; this is its second"));
                    }
                    out.wire = Some(wire);
                }
                Ok(())
            })?;
        }
        if let Some(skip) = out.skip {
            if out.wire.is_some()
                || out.position.is_some()
                || out.predict.is_some()
                || out.interpolate.is_some()
                || out.name.is_some()
                || out.intent.is_some()
            {
                return Err(syn::Error::new(
                    skip,
                    "a skipped field is not replicated; it takes nothing else",
                ));
            }
            return Ok(out);
        }
        if out.wire.is_none() {
            out.wire = Some(infer(ty, field)?);
        }
        out.check()?;
        Ok(out)
    }

    /// The flags the field's wire type allows.
    fn check(&self) -> syn::Result<()> {
        let Some(wire) = &self.wire else {
            return Ok(());
        };
        if let Some(at) = self.position
            && !matches!(wire, Wire::Vec2 { .. })
        {
            return Err(syn::Error::new(
                at,
                format!(
                    "a position must be a vector, vec2(step = ..); this field is {}",
                    wire.keyword()
                ),
            ));
        }
        if let Some(at) = self.predict
            && !wire.predictable()
        {
            return Err(syn::Error::new(
                at,
                "only fixed, vec2 and int fields can be predicted (`moving`, `predict`); \
                 an angle can be `interpolate`d",
            ));
        }
        if let Some(at) = self.interpolate
            && !wire.interpolable()
        {
            return Err(syn::Error::new(
                at,
                "only fixed, vec2, angle and int fields can be interpolated",
            ));
        }
        Ok(())
    }
}

/// The container's `#[replicate(...)]`: the kind's name and the path to `tickwire_protocol`.
#[derive(Default)]
pub(crate) struct ContainerAttrs {
    pub(crate) kind: Option<LitStr>,
    pub(crate) krate: Option<Path>,
}

impl ContainerAttrs {
    /// Reads a struct's (`allow_kind`) or an enum's attributes.
    pub(crate) fn parse(attrs: &[Attribute], allow_kind: bool) -> syn::Result<ContainerAttrs> {
        let mut out = ContainerAttrs::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident("replicate")) {
            attr.parse_nested_meta(|meta| {
                let key = key_of(&meta);
                match key.as_str() {
                    "kind" if allow_kind => name_value(&meta, &key, &mut out.kind)?,
                    "crate" => {
                        let path: LitStr = meta.value()?.parse()?;
                        out.krate = Some(path.parse()?);
                    }
                    _ if allow_kind => {
                        return Err(meta.error(format!(
                            "unknown replicate attribute `{key}`; a struct takes kind = \"..\" or crate = \"..\""
                        )));
                    }
                    _ => {
                        return Err(meta.error(format!(
                            "unknown replicate attribute `{key}`; an enum takes crate = \"..\""
                        )));
                    }
                }
                Ok(())
            })?;
        }
        Ok(out)
    }

    /// The path of the protocol's `replication` module, as the generated code names it.
    pub(crate) fn replication(&self) -> TokenStream {
        match &self.krate {
            Some(p) => quote!(#p::replication),
            None => quote!(::tickwire_protocol::replication),
        }
    }
}

/// A variant's `#[replicate(name = "...")]`.
pub(crate) fn variant_name(attrs: &[Attribute]) -> syn::Result<Option<LitStr>> {
    let mut name = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("replicate")) {
        attr.parse_nested_meta(|meta| {
            let key = key_of(&meta);
            if key != "name" {
                return Err(meta.error(format!(
                    "unknown replicate attribute `{key}`; a variant takes name = \"..\""
                )));
            }
            name_value(&meta, &key, &mut name)
        })?;
    }
    Ok(name)
}

/// The attribute's key as text (`crate` included, which is a keyword).
fn key_of(meta: &ParseNestedMeta<'_>) -> String {
    meta.path.to_token_stream().to_string().replace(' ', "")
}

/// `key = "name"`, given at most once, and a name the schema accepts.
fn name_value(meta: &ParseNestedMeta<'_>, key: &str, slot: &mut Option<LitStr>) -> syn::Result<()> {
    if slot.is_some() {
        return Err(meta.error(format!("`{key}` given twice")));
    }
    let name: LitStr = meta.value()?.parse()?;
    if let Some(why) = crate::names::name_error(&name.value()) {
        return Err(syn::Error::new(name.span(), why));
    }
    *slot = Some(name);
    Ok(())
}

/// `intent = "always" | "never"` or `intent_when = "flag"`, one of them at most once.
fn intent_value(
    meta: &ParseNestedMeta<'_>,
    key: &str,
    slot: &mut Option<(IntentAttr, Span)>,
) -> syn::Result<()> {
    if slot.is_some() {
        return Err(meta.error(
            "a field has one intent: `intent = \"never\"` or `intent_when = \"..\"`, not both or twice",
        ));
    }
    let value: LitStr = meta.value()?.parse()?;
    let intent = match (key, value.value().as_str()) {
        ("intent", "always") => IntentAttr::Always,
        ("intent", "never") => IntentAttr::Never,
        ("intent", other) => {
            return Err(syn::Error::new(
                value.span(),
                format!(
                    "unknown intent `{other}`: intent takes \"always\" or \"never\"; a field that \
                     counts only while a flag is set takes intent_when = \"flag\""
                ),
            ));
        }
        (_, flag) => {
            if let Some(why) = crate::names::name_error(flag) {
                return Err(syn::Error::new(value.span(), why));
            }
            IntentAttr::When(value.clone())
        }
    };
    *slot = Some((intent, value.span()));
    Ok(())
}

/// A key that takes no arguments.
fn bare(meta: &ParseNestedMeta<'_>, key: &str) -> syn::Result<()> {
    if meta.input.peek(syn::token::Paren) || meta.input.peek(syn::Token![=]) {
        return Err(meta.error(format!("`{key}` takes no arguments")));
    }
    Ok(())
}

/// A flag, given at most once.
fn flag(meta: &ParseNestedMeta<'_>, key: &str, slot: &mut Option<Span>) -> syn::Result<()> {
    bare(meta, key)?;
    if slot.is_some() {
        return Err(meta.error(format!("`{key}` given twice")));
    }
    *slot = Some(meta.path.span());
    Ok(())
}

/// The named numbers of `key(a = .., b = ..)`, in the order `wanted` lists them, all required.
fn args<const N: usize>(
    meta: &ParseNestedMeta<'_>,
    key: &str,
    wanted: [(&str, NumKind); N],
) -> syn::Result<[Num; N]> {
    let usage = || {
        let list: Vec<String> = wanted.iter().map(|(n, _)| format!("{n} = ..")).collect();
        format!("{key}({})", list.join(", "))
    };
    if !meta.input.peek(syn::token::Paren) {
        return Err(meta.error(format!("`{key}` takes its precision: {}", usage())));
    }
    let mut got: [Option<Num>; N] = std::array::from_fn(|_| None);
    meta.parse_nested_meta(|arg| {
        let name = key_of(&arg);
        let Some(i) = wanted.iter().position(|(n, _)| *n == name) else {
            return Err(arg.error(format!(
                "unknown argument `{name}`; {key} takes {}",
                usage()
            )));
        };
        if got[i].is_some() {
            return Err(arg.error(format!("`{name}` given twice")));
        }
        let expr: Expr = arg.value()?.parse()?;
        got[i] = Some(number(&expr, wanted[i].1)?);
        Ok(())
    })?;
    if let Some(((name, _), _)) = wanted.iter().zip(&got).find(|(_, n)| n.is_none()) {
        return Err(meta.error(format!("`{key}` needs its `{name}`: {}", usage())));
    }
    let nums: Vec<Num> = got.into_iter().flatten().collect();
    nums.try_into()
        .map_err(|_| meta.error("every argument was given, yet one is missing"))
}

/// A literal's value checked and emitted with its type's suffix; any other expression emitted as
/// it is (a constant of the right type).
fn number(expr: &Expr, kind: NumKind) -> syn::Result<Num> {
    let span = expr.span();
    let Some(value) = literal_value(expr) else {
        return Ok(Num {
            tokens: expr.to_token_stream(),
            value: None,
            span,
        });
    };
    let (lo, hi, whole, why) = kind.rule();
    if !((lo..=hi).contains(&value) && (!whole || value.fract() == 0.0)) {
        return Err(syn::Error::new(span, why));
    }
    let lit = match kind {
        NumKind::Step => proc_macro2::Literal::f32_suffixed(value as f32),
        NumKind::Bits => proc_macro2::Literal::u8_suffixed(value as u8),
        NumKind::Bound => proc_macro2::Literal::i32_suffixed(value as i32),
        NumKind::TextMax => proc_macro2::Literal::u16_suffixed(value as u16),
    };
    let mut tokens = lit.to_token_stream();
    // Keep the literal's span, so that a type error points at what was written.
    tokens = tokens
        .into_iter()
        .map(|mut t| {
            t.set_span(span);
            t
        })
        .collect();
    Ok(Num {
        tokens,
        value: Some(value),
        span,
    })
}

/// The value of a (possibly negated) numeric literal.
fn literal_value(expr: &Expr) -> Option<f64> {
    match expr {
        Expr::Lit(l) => match &l.lit {
            Lit::Int(i) => i.base10_parse::<i64>().ok().map(|v| v as f64),
            Lit::Float(f) => f.base10_parse::<f64>().ok(),
            _ => None,
        },
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => literal_value(&u.expr).map(|v| -v),
        Expr::Group(g) => literal_value(&g.expr),
        Expr::Paren(p) => literal_value(&p.expr),
        _ => None,
    }
}

/// The wire type a field's Rust type implies, where there is only one sensible choice.
fn infer(ty: &Type, field: &str) -> syn::Result<Wire> {
    let last = match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    };
    let span = ty.span();
    let int = |min: i64, max: i64| Wire::Int {
        min: bound(min, span),
        max: bound(max, span),
    };
    let why = match last.as_deref() {
        Some("bool") => return Ok(Wire::Bool),
        Some("u8") => return Ok(int(0, 255)),
        Some("i8") => return Ok(int(-128, 127)),
        Some("u16") => return Ok(int(0, 65535)),
        Some("i16") => return Ok(int(-32768, 32767)),
        Some("i32") => return Ok(int(i64::from(i32::MIN), i64::from(i32::MAX))),
        Some("f32" | "f64") => {
            "a number needs its precision: #[replicate(fixed(step = ..))], \
             #[replicate(angle(bits = ..))] or #[replicate(int(min = .., max = ..))]"
        }
        Some("String" | "str" | "Arc" | "Box") => {
            "a text needs its longest length: #[replicate(text(max = ..))]"
        }
        _ => {
            "say its wire type: #[replicate(fixed(step = ..))], vec2(step = ..), angle(bits = ..), \
             int(min = .., max = ..), bool, enumeration, color or text(max = ..); \
             or #[replicate(skip)] to leave it out"
        }
    };
    Err(syn::Error::new(
        span,
        format!("field `{field}` has no wire type: {why}"),
    ))
}

/// An inferred bound, emitted as an `i32` literal.
fn bound(v: i64, span: Span) -> Num {
    let mut lit = proc_macro2::Literal::i32_suffixed(v as i32);
    lit.set_span(span);
    Num {
        tokens: lit.to_token_stream(),
        value: Some(v as f64),
        span,
    }
}
