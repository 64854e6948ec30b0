//! Structural comparison of two JSON schemas, one from each spec.
//!
//! A `$ref` to the same component on both sides is not followed: each component is compared
//! once, on its own, so a change inside `Order` is reported once, with every operation that
//! reaches it, instead of once per operation.

use std::collections::BTreeSet;

use serde_json::Value;

use super::delta::{SchemaChange, Tightening};
use super::document::{Document, ref_of, schema_ref_name};

/// Keywords that do not change what JSON a schema accepts.
const ANNOTATIONS: [&str; 7] = [
    "description",
    "example",
    "examples",
    "title",
    "x-inferred",
    "x-inferred-reason",
    "externalDocs",
];
/// Lower bounds: raising one rejects values that were valid.
const LOWER_BOUNDS: [&str; 3] = ["minimum", "minLength", "minItems"];
/// Upper bounds: lowering one rejects values that were valid.
const UPPER_BOUNDS: [&str; 3] = ["maximum", "maxLength", "maxItems"];
/// String rules that make the generator emit a checked newtype instead of `String`.
const NEWTYPE_RULES: [&str; 3] = ["pattern", "minLength", "maxLength"];

/// The two specs being compared.
#[derive(Debug, Clone, Copy)]
pub struct Sides<'a> {
    /// The base.
    pub base: &'a Document,
    /// The working tree.
    pub head: &'a Document,
}

/// Compares `base` with `head` and returns each change with its path inside the schema.
pub fn compare(sides: Sides<'_>, base: &Value, head: &Value) -> Vec<(String, SchemaChange)> {
    let mut out = Vec::new();
    walk(sides, base, head, "", &mut out);
    out
}

/// A schema's shape, after looking through a `$ref` at the top only.
enum Shape<'a> {
    Ref(&'a str),
    OpenEnum(Vec<Value>),
    Enum(String, Vec<Value>),
    Object,
    Array,
    Composite(&'static str, &'a [Value]),
    Scalar(String),
    Any,
}

fn shape<'a>(doc: &'a Document, schema: &'a Value) -> Shape<'a> {
    if let Some(name) = ref_of(schema).and_then(schema_ref_name) {
        return Shape::Ref(name);
    }
    for keyword in ["anyOf", "oneOf", "allOf"] {
        if let Some(parts) = schema.get(keyword).and_then(Value::as_array) {
            if keyword != "allOf"
                && let Some(values) = open_enum_values(doc, parts)
            {
                return Shape::OpenEnum(values);
            }
            return Shape::Composite(keyword, parts);
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return Shape::Enum(type_name(schema), values.clone());
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => Shape::Object,
        Some("array") => Shape::Array,
        Some(_) => Shape::Scalar(type_name(schema)),
        None if schema.get("properties").is_some() => Shape::Object,
        None => Shape::Any,
    }
}

/// `anyOf: [{enum: […]}, {type: string}]`: known values, and any other string is kept.
fn open_enum_values(doc: &Document, parts: &[Value]) -> Option<Vec<Value>> {
    let [a, b] = parts else { return None };
    let (a, b) = (doc.resolve(a), doc.resolve(b));
    let is_plain_string =
        |s: &Value| s.get("type") == Some(&Value::from("string")) && s.get("enum").is_none();
    let (known, _) = if is_plain_string(b) {
        (a, b)
    } else if is_plain_string(a) {
        (b, a)
    } else {
        return None;
    };
    known.get("enum").and_then(Value::as_array).cloned()
}

fn type_name(schema: &Value) -> String {
    let ty = schema.get("type").and_then(Value::as_str).unwrap_or("any");
    match schema.get("format").and_then(Value::as_str) {
        Some(format) => format!("{ty}({format})"),
        None => ty.to_owned(),
    }
}

fn shape_name(shape: &Shape<'_>) -> String {
    match shape {
        Shape::Ref(name) => format!("`{name}`"),
        Shape::OpenEnum(_) => "open enum".into(),
        Shape::Enum(ty, _) => format!("enum of {ty}"),
        Shape::Object => "object".into(),
        Shape::Array => "array".into(),
        Shape::Composite(keyword, parts) => format!("{keyword} of {}", parts.len()),
        Shape::Scalar(ty) => ty.clone(),
        Shape::Any => "any".into(),
    }
}

fn join(at: &str, segment: &str) -> String {
    if at.is_empty() {
        segment.to_owned()
    } else {
        format!("{at}.{segment}")
    }
}

fn walk(
    sides: Sides<'_>,
    base: &Value,
    head: &Value,
    at: &str,
    out: &mut Vec<(String, SchemaChange)>,
) {
    let mut here = Vec::new();
    walk_into(sides, base, head, at, &mut here, out);
    out.extend(here.into_iter().map(|change| (at.to_owned(), change)));
}

/// Changes at `at` itself go to `here`; changes below it go to `out`.
fn walk_into(
    sides: Sides<'_>,
    base: &Value,
    head: &Value,
    at: &str,
    here: &mut Vec<SchemaChange>,
    out: &mut Vec<(String, SchemaChange)>,
) {
    match (shape(sides.base, base), shape(sides.head, head)) {
        (Shape::Ref(from), Shape::Ref(to)) => {
            if from != to {
                let same_shape = match (sides.base.schema(from), sides.head.schema(to)) {
                    (Some(b), Some(h)) => strip_annotations(b) == strip_annotations(h),
                    _ => false,
                };
                here.push(SchemaChange::RefChanged {
                    from: from.into(),
                    to: to.into(),
                    same_shape,
                });
            }
            return;
        }
        (Shape::Ref(from), _) => {
            here.push(SchemaChange::Inlined {
                from: Some(from.into()),
                to: None,
            });
            return walk_into(sides, sides.base.resolve(base), head, at, here, out);
        }
        (_, Shape::Ref(to)) => {
            here.push(SchemaChange::Inlined {
                from: None,
                to: Some(to.into()),
            });
            return walk_into(sides, base, sides.head.resolve(head), at, here, out);
        }
        _ => {}
    }
    let (b_shape, h_shape) = (shape(sides.base, base), shape(sides.head, head));
    compare_nullable(base, head, here);
    match (&b_shape, &h_shape) {
        (Shape::OpenEnum(b), Shape::OpenEnum(h)) => compare_values(b, h, true, here),
        (Shape::Enum(bt, b), Shape::Enum(ht, h)) if bt == ht => compare_values(b, h, false, here),
        (Shape::Enum(bt, b), Shape::Scalar(ht)) if bt == ht => {
            here.push(SchemaChange::Constraint {
                keyword: "enum".into(),
                from: Some(json_list(b)),
                to: None,
                direction: Tightening::Loosened,
            })
        }
        (Shape::Scalar(bt), Shape::Enum(ht, h)) if bt == ht => {
            here.push(SchemaChange::Constraint {
                keyword: "enum".into(),
                from: None,
                to: Some(json_list(h)),
                direction: Tightening::Tightened,
            })
        }
        (Shape::Scalar(bt), Shape::Scalar(ht)) if bt == ht => {
            compare_bounds(base, head, here);
            if bt == "string" && is_newtype(base) != is_newtype(head) {
                here.push(SchemaChange::StringNewtype {
                    now_newtype: is_newtype(head),
                });
            }
        }
        (Shape::Object, Shape::Object) => compare_objects(sides, base, head, at, here, out),
        (Shape::Array, Shape::Array) => {
            compare_bounds(base, head, here);
            let none = Value::Null;
            let (b, h) = (
                base.get("items").unwrap_or(&none),
                head.get("items").unwrap_or(&none),
            );
            walk(sides, b, h, &format!("{at}[]"), out);
        }
        (Shape::Composite(bk, b), Shape::Composite(hk, h)) if bk == hk && b.len() == h.len() => {
            for (i, (b, h)) in b.iter().zip(h.iter()).enumerate() {
                walk(sides, b, h, &join(at, &format!("{bk}[{i}]")), out);
            }
        }
        (Shape::Any, Shape::Any) => {}
        _ => {
            let (from, to) = (shape_name(&b_shape), shape_name(&h_shape));
            let (widened, narrowed) = numeric_widening(&from, &to);
            here.push(SchemaChange::TypeChanged {
                from,
                to,
                widened,
                narrowed,
            });
        }
    }
}

fn compare_nullable(base: &Value, head: &Value, here: &mut Vec<SchemaChange>) {
    let nullable = |s: &Value| s.get("nullable") == Some(&Value::Bool(true));
    if nullable(base) != nullable(head) {
        here.push(SchemaChange::NullableChanged {
            now_nullable: nullable(head),
        });
    }
}

fn compare_values(base: &[Value], head: &[Value], open: bool, here: &mut Vec<SchemaChange>) {
    for value in base.iter().filter(|v| !head.contains(v)) {
        here.push(SchemaChange::EnumValueRemoved {
            value: value.to_string(),
            open,
        });
    }
    for value in head.iter().filter(|v| !base.contains(v)) {
        here.push(SchemaChange::EnumValueAdded {
            value: value.to_string(),
            open,
        });
    }
}

fn compare_bounds(base: &Value, head: &Value, here: &mut Vec<SchemaChange>) {
    let number = |s: &Value, k: &str| s.get(k).and_then(Value::as_f64);
    for (keywords, lower) in [(&LOWER_BOUNDS, true), (&UPPER_BOUNDS, false)] {
        for keyword in keywords.iter() {
            let (b, h) = (number(base, keyword), number(head, keyword));
            let direction = match (b, h) {
                (Some(b), Some(h)) if b == h => continue,
                (None, None) => continue,
                (None, Some(_)) => Tightening::Tightened,
                (Some(_), None) => Tightening::Loosened,
                (Some(b), Some(h)) if (h > b) == lower => Tightening::Tightened,
                (Some(_), Some(_)) => Tightening::Loosened,
            };
            here.push(constraint(base, head, keyword, direction));
        }
    }
    for keyword in [
        "pattern",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
    ] {
        let (b, h) = (base.get(keyword), head.get(keyword));
        if b != h {
            let direction = match (b, h) {
                (None, _) => Tightening::Tightened,
                (_, None) => Tightening::Loosened,
                _ => Tightening::Changed,
            };
            here.push(constraint(base, head, keyword, direction));
        }
    }
}

fn constraint(base: &Value, head: &Value, keyword: &str, direction: Tightening) -> SchemaChange {
    SchemaChange::Constraint {
        keyword: keyword.into(),
        from: base.get(keyword).map(Value::to_string),
        to: head.get(keyword).map(Value::to_string),
        direction,
    }
}

fn is_newtype(schema: &Value) -> bool {
    schema.get("format").is_none() && NEWTYPE_RULES.iter().any(|k| schema.get(k).is_some())
}

fn compare_objects(
    sides: Sides<'_>,
    base: &Value,
    head: &Value,
    at: &str,
    here: &mut Vec<SchemaChange>,
    out: &mut Vec<(String, SchemaChange)>,
) {
    let (b_props, h_props) = (properties(base), properties(head));
    let (b_req, h_req) = (names_in(base, "required"), names_in(head, "required"));
    let (b_def, h_def) = (defaulted(base), defaulted(head));
    for (name, b) in &b_props {
        let here = join(at, name);
        let Some(h) = h_props.iter().find(|(n, _)| n == name).map(|(_, h)| h) else {
            out.push((
                here,
                SchemaChange::PropertyRemoved {
                    required: b_req.contains(name),
                },
            ));
            continue;
        };
        walk(sides, b, h, &here, out);
        if b_req.contains(name) != h_req.contains(name) {
            out.push((
                here.clone(),
                SchemaChange::RequiredChanged {
                    now_required: h_req.contains(name),
                },
            ));
        }
        if b_def.contains(name) != h_def.contains(name) {
            out.push((
                here,
                SchemaChange::SdkDefault {
                    now_defaulted: h_def.contains(name),
                },
            ));
        }
    }
    for (name, _) in h_props
        .iter()
        .filter(|(n, _)| !b_props.iter().any(|(b, _)| b == n))
    {
        out.push((
            join(at, name),
            SchemaChange::PropertyAdded {
                required: h_req.contains(name),
            },
        ));
    }
    match (
        base.get("additionalProperties"),
        head.get("additionalProperties"),
    ) {
        (Some(b), Some(h)) if b.is_object() && h.is_object() => {
            walk(sides, b, h, &join(at, "*"), out);
        }
        (b, h) if b != h => {
            let (from, to) = (b.map(Value::to_string), h.map(Value::to_string));
            // `false` forbids unknown properties; anything else allows them.
            let closed = |v: &Option<String>| v.as_deref() == Some("false");
            let direction = match (closed(&from), closed(&to)) {
                (false, true) => Tightening::Tightened,
                (true, false) => Tightening::Loosened,
                _ => Tightening::Changed,
            };
            let keyword = "additionalProperties".to_owned();
            here.push(SchemaChange::Constraint {
                keyword,
                from,
                to,
                direction,
            });
        }
        _ => {}
    }
}

fn properties(schema: &Value) -> Vec<(String, Value)> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

fn names_in(schema: &Value, key: &str) -> BTreeSet<String> {
    schema
        .get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn defaulted(schema: &Value) -> BTreeSet<String> {
    schema
        .get("x-sdk-defaults")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn json_list(values: &[Value]) -> String {
    Value::Array(values.to_vec()).to_string()
}

/// Whether `from` → `to` widens (every old number still fits) or narrows (every new number
/// already fit).
fn numeric_widening(from: &str, to: &str) -> (bool, bool) {
    const LADDER: [&str; 4] = ["integer(int32)", "integer(int64)", "integer", "number"];
    let rank = |t: &str| {
        LADDER
            .iter()
            .position(|l| *l == t)
            .map(|i| i.min(2))
            .or_else(|| t.starts_with("number").then_some(3))
    };
    match (rank(from), rank(to)) {
        (Some(f), Some(t)) => (t >= f, t <= f),
        _ => (false, false),
    }
}

/// A schema without the keywords that do not change what it accepts, for shape equality.
fn strip_annotations(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !ANNOTATIONS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), strip_annotations(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip_annotations).collect()),
        other => other.clone(),
    }
}
