//! Every change between two specs: operations (matched by `operationId`, or by method and path
//! for a rename), their parameters, bodies, responses, credentials and sdk extensions, and each
//! component schema.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::delta::{Delta, ExtensionChange, Fact, Part, Subject};
use super::document::{Document, Operation};
use super::schema_diff::{self, Sides};

/// Operation extensions the sdk generates items from.
const PAGINATION: &str = "x-pagination";
const WAITERS: &str = "x-waiters";
const INPUT: &str = "x-sdk-input";

/// All changes from `base` to `head`.
pub fn diff(base: &Document, head: &Document) -> Vec<Delta> {
    let sides = Sides { base, head };
    let mut out = Vec::new();
    let base_ops = base.operations();
    let head_ops = head.operations();
    let base_ids: BTreeSet<&str> = base_ops.iter().map(|o| o.id.as_str()).collect();
    let mut matched_head = BTreeSet::new();
    for b in &base_ops {
        let subject = Subject::Operation { op: b.id.clone() };
        let same_id = head_ops.iter().find(|h| h.id == b.id);
        let renamed = || {
            head_ops.iter().find(|h| {
                !base_ids.contains(h.id.as_str()) && (&h.method, &h.path) == (&b.method, &b.path)
            })
        };
        let Some(h) = same_id.or_else(renamed) else {
            let endpoint = endpoint(b);
            out.push(Delta {
                subject,
                fact: Fact::OperationRemoved { endpoint },
            });
            continue;
        };
        matched_head.insert(h.id.clone());
        if h.id != b.id {
            out.push(Delta {
                subject,
                fact: Fact::OperationRenamed { to: h.id.clone() },
            });
        }
        diff_operation(sides, b, h, &mut out);
    }
    for h in head_ops.iter().filter(|h| !matched_head.contains(&h.id)) {
        out.push(Delta {
            subject: Subject::Operation { op: h.id.clone() },
            fact: Fact::OperationAdded {
                endpoint: endpoint(h),
            },
        });
    }
    diff_components(sides, &mut out);
    out
}

fn endpoint(op: &Operation) -> String {
    format!("{} {}", op.method, op.path)
}

/// Compares two versions of one operation; changes are filed under the base's id.
fn diff_operation(sides: Sides<'_>, b: &Operation, h: &Operation, out: &mut Vec<Delta>) {
    let op = b.id.clone();
    let whole = || Subject::Operation { op: op.clone() };
    if (&b.method, &b.path) != (&h.method, &h.path) {
        let fact = Fact::OperationMoved {
            from: endpoint(b),
            to: endpoint(h),
        };
        out.push(Delta {
            subject: whole(),
            fact,
        });
    }
    if b.needs_auth != h.needs_auth {
        let fact = Fact::AuthChanged {
            now_required: h.needs_auth,
        };
        out.push(Delta {
            subject: whole(),
            fact,
        });
    }
    let part_subject = |part: &Part, at: &str| Subject::OperationSchema {
        op: op.clone(),
        part: part.clone(),
        at: at.to_owned(),
    };
    let schema_changes = |part: Part, base: &Value, head: &Value, out: &mut Vec<Delta>| {
        for (at, change) in schema_diff::compare(sides, base, head) {
            out.push(Delta {
                subject: part_subject(&part, &at),
                fact: Fact::Schema(change),
            });
        }
    };

    for bp in &b.params {
        let part = Part::Param {
            name: bp.name.clone(),
            location: bp.location.clone(),
        };
        let Some(hp) = h
            .params
            .iter()
            .find(|p| (&p.name, &p.location) == (&bp.name, &bp.location))
        else {
            let fact = Fact::ParamRemoved {
                required: bp.required,
            };
            out.push(Delta {
                subject: part_subject(&part, ""),
                fact,
            });
            continue;
        };
        if bp.required != hp.required {
            let fact = Fact::ParamRequiredChanged {
                now_required: hp.required,
            };
            out.push(Delta {
                subject: part_subject(&part, ""),
                fact,
            });
        }
        schema_changes(part, &bp.schema, &hp.schema, out);
    }
    for hp in &h.params {
        if !b
            .params
            .iter()
            .any(|p| (&p.name, &p.location) == (&hp.name, &hp.location))
        {
            let part = Part::Param {
                name: hp.name.clone(),
                location: hp.location.clone(),
            };
            let fact = Fact::ParamAdded {
                required: hp.required,
            };
            out.push(Delta {
                subject: part_subject(&part, ""),
                fact,
            });
        }
    }

    let body = Part::RequestBody;
    match (&b.body, &h.body) {
        (None, None) => {}
        (None, Some(hb)) => {
            let fact = Fact::BodyAdded {
                required: hb.required,
            };
            out.push(Delta {
                subject: part_subject(&body, ""),
                fact,
            });
        }
        (Some(_), None) => out.push(Delta {
            subject: part_subject(&body, ""),
            fact: Fact::BodyRemoved,
        }),
        (Some(bb), Some(hb)) => {
            if bb.required != hb.required {
                let fact = Fact::BodyRequiredChanged {
                    now_required: hb.required,
                };
                out.push(Delta {
                    subject: part_subject(&body, ""),
                    fact,
                });
            }
            if bb.media_types != hb.media_types {
                let fact = Fact::BodyMediaTypesChanged {
                    from: bb.media_types.iter().cloned().collect(),
                    to: hb.media_types.iter().cloned().collect(),
                };
                out.push(Delta {
                    subject: part_subject(&body, ""),
                    fact,
                });
            }
            if let (Some(bs), Some(hs)) = (&bb.schema, &hb.schema) {
                schema_changes(body, bs, hs, out);
            }
        }
    }

    let statuses: BTreeSet<&String> = b.responses.keys().chain(h.responses.keys()).collect();
    for status in statuses {
        let part = Part::Response(status.clone());
        let success = status.starts_with('2');
        match (b.responses.get(status), h.responses.get(status)) {
            (Some(_), None) => {
                let fact = Fact::StatusRemoved { success };
                out.push(Delta {
                    subject: part_subject(&part, ""),
                    fact,
                });
            }
            (None, Some(_)) => {
                let fact = Fact::StatusAdded { success };
                out.push(Delta {
                    subject: part_subject(&part, ""),
                    fact,
                });
            }
            (Some(Some(bs)), Some(Some(hs))) => schema_changes(part, bs, hs, out),
            (Some(bs), Some(hs)) if bs.is_some() != hs.is_some() => {
                let fact = Fact::ResponseBodyChanged {
                    now_has_body: hs.is_some(),
                };
                out.push(Delta {
                    subject: part_subject(&part, ""),
                    fact,
                });
            }
            _ => {}
        }
    }

    for (name, item, change) in extension_changes(b, h) {
        let fact = Fact::SdkExtension { name, item, change };
        out.push(Delta {
            subject: whole(),
            fact,
        });
    }
}

/// Changes to `x-pagination`, each `x-waiters` entry and `x-sdk-input`, named by the item
/// the sdk generates from them.
fn extension_changes(b: &Operation, h: &Operation) -> Vec<(String, String, ExtensionChange)> {
    let mut out = Vec::new();
    let stream = |op: &Operation| {
        op.extensions.get(PAGINATION).map(|p| {
            let name = p.get("stream").and_then(Value::as_str).unwrap_or(&op.id);
            (name.to_owned(), p.clone())
        })
    };
    let input = |op: &Operation| input_type(op).map(|name| (name, Value::Null));
    for (ext, b_item, h_item) in [
        (PAGINATION, stream(b), stream(h)),
        (INPUT, input(b), input(h)),
    ] {
        if let Some(change) = item_change(b_item.as_ref(), h_item.as_ref()) {
            let item = b_item.or(h_item).map(|(name, _)| name).unwrap_or_default();
            out.push((ext.to_owned(), item, change));
        }
    }
    let waiters = |op: &Operation| -> BTreeMap<String, Value> {
        op.extensions
            .get(WAITERS)
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    };
    let (bw, hw) = (waiters(b), waiters(h));
    let names: BTreeSet<&String> = bw.keys().chain(hw.keys()).collect();
    for name in names {
        let as_item = |w: Option<&Value>| w.map(|v| (format!("wait_for_{name}"), v.clone()));
        if let Some(change) = item_change(
            as_item(bw.get(name)).as_ref(),
            as_item(hw.get(name)).as_ref(),
        ) {
            out.push((
                format!("{WAITERS}.{name}"),
                format!("wait_for_{name}"),
                change,
            ));
        }
    }
    out
}

/// The operation's input type: `x-sdk-input`, else the generator's default name (`…Input` for
/// a body, `…Query` for optional query parameters); `None` when it takes neither.
fn input_type(op: &Operation) -> Option<String> {
    let has_options = op
        .params
        .iter()
        .any(|p| p.location == "query" && !p.required);
    let suffix = if op.body.is_some() {
        "Input"
    } else if has_options {
        "Query"
    } else {
        return None;
    };
    let named = op
        .extensions
        .get(INPUT)
        .and_then(Value::as_str)
        .map(str::to_owned);
    Some(named.unwrap_or_else(|| format!("{}{suffix}", pascal(&op.id))))
}

/// `create_stars_order` → `CreateStarsOrder`.
fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let mut chars = s.chars();
            chars
                .next()
                .map(|f| f.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn item_change(
    b: Option<&(String, Value)>,
    h: Option<&(String, Value)>,
) -> Option<ExtensionChange> {
    match (b, h) {
        (None, None) => None,
        (None, Some(_)) => Some(ExtensionChange::Added),
        (Some(_), None) => Some(ExtensionChange::Removed),
        (Some((bn, _)), Some((hn, _))) if bn != hn => {
            Some(ExtensionChange::Renamed { to: hn.clone() })
        }
        (Some((_, bv)), Some((_, hv))) if bv != hv => Some(ExtensionChange::Retuned),
        _ => None,
    }
}

/// Each component schema, compared on its own.
fn diff_components(sides: Sides<'_>, out: &mut Vec<Delta>) {
    let (base, head) = (sides.base.schema_names(), sides.head.schema_names());
    let subject = |name: &str, at: &str| Subject::Schema {
        name: name.to_owned(),
        at: at.to_owned(),
    };
    for name in base.union(&head) {
        match (sides.base.schema(name), sides.head.schema(name)) {
            (Some(_), None) => out.push(Delta {
                subject: subject(name, ""),
                fact: Fact::SchemaRemoved,
            }),
            (None, Some(_)) => out.push(Delta {
                subject: subject(name, ""),
                fact: Fact::SchemaAdded,
            }),
            (Some(b), Some(h)) => {
                for (at, change) in schema_diff::compare(sides, b, h) {
                    out.push(Delta {
                        subject: subject(name, &at),
                        fact: Fact::Schema(change),
                    });
                }
            }
            (None, None) => {}
        }
    }
}
