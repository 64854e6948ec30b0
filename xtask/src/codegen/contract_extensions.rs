//! The spec's contract extensions: what the contract suite holds a server to beyond shapes,
//! declared beside what it is about. Codegen generates nothing from them; it checks them, so a
//! wrong declaration fails with its line instead of a suite that silently checks nothing.
//!
//! - `x-filter: <property>` (a query parameter of an operation with `x-pagination`): the
//!   parameter keeps only the items whose `<property>` equals its value, and `total` counts
//!   only those. The parameter and the item property share one schema.
//! - `x-aggregates: {operation, total, counts: {<property>: <parameter>}}` (an operation):
//!   the response's `total` equals the unfiltered `total` of the list `operation`, and each
//!   key of the object `<property>` counts the items of `operation` filtered by `<parameter>`
//!   (an `x-filter` parameter) equal to that key.

use std::collections::BTreeMap;

use anyhow::{Result, anyhow, bail};
use serde::Deserialize;
use serde_json::Value;

use super::spec::Spec;

/// See the module docs.
pub const FILTER: &str = "x-filter";
/// See the module docs.
pub const AGGREGATES: &str = "x-aggregates";
const PAGINATION: &str = "x-pagination";

/// `x-aggregates`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Aggregates {
    operation: String,
    total: String,
    #[serde(default)]
    counts: BTreeMap<String, String>,
}

/// One operation as these checks read it.
struct Op<'a> {
    id: String,
    value: &'a Value,
}

/// Checks every `x-filter` and `x-aggregates` of `spec`.
pub fn check(spec: &Spec) -> Result<()> {
    let doc = serde_json::to_value(&spec.openapi)?;
    let ops = operations(&doc);
    for op in &ops {
        let fail = |at: String, message: String| anyhow!("{at}: operation `{}`: {message}", op.id);
        for param in parameters(&doc, op.value) {
            let Some(filter) = param.get(FILTER) else {
                continue;
            };
            let name = param["name"].as_str().unwrap_or_default();
            let at = || spec.locate_in_parameter(&op.id, name, FILTER);
            check_filter(&doc, op.value, param, filter)
                .map_err(|e| fail(at(), format!("parameter `{name}`: {FILTER}: {e}")))?;
        }
        if let Some(aggregates) = op.value.get(AGGREGATES) {
            check_aggregates(&doc, &ops, op.value, aggregates)
                .map_err(|e| fail(spec.locate_in_operation(&op.id, AGGREGATES), e.to_string()))?;
        }
    }
    Ok(())
}

fn check_filter(doc: &Value, op: &Value, param: &Value, filter: &Value) -> Result<()> {
    let Some(property) = filter.as_str() else {
        bail!("must name an item property, found `{filter}`");
    };
    if param["in"] != "query" {
        bail!("only a query parameter filters");
    }
    let Some(pagination) = op.get(PAGINATION) else {
        bail!("the operation is not a list ({PAGINATION})");
    };
    let name = param["name"].as_str().unwrap_or_default();
    if [&pagination["limit"], &pagination["offset"]].contains(&&Value::from(name)) {
        bail!("a paging parameter does not filter");
    }
    let item = item_schema(doc, op, pagination)
        .ok_or_else(|| anyhow!("the operation's items are not objects"))?;
    let Some(item_property) = item.pointer(&format!("/properties/{property}")) else {
        bail!("the items have no property `{property}`");
    };
    if Some(item_property) != param.get("schema") {
        bail!(
            "the parameter's schema `{}` is not the item property's `{item_property}`",
            param.get("schema").unwrap_or(&Value::Null)
        );
    }
    Ok(())
}

fn check_aggregates(doc: &Value, ops: &[Op<'_>], op: &Value, aggregates: &Value) -> Result<()> {
    let aggregates: Aggregates =
        serde_json::from_value(aggregates.clone()).map_err(|e| anyhow!("{AGGREGATES}: {e}"))?;
    let list = ops
        .iter()
        .find(|o| o.id == aggregates.operation)
        .ok_or_else(|| {
            anyhow!(
                "{AGGREGATES}.operation `{}` is not an operation",
                aggregates.operation
            )
        })?;
    if list.value.get(PAGINATION).is_none() {
        bail!(
            "{AGGREGATES}.operation `{}` is not a list ({PAGINATION})",
            aggregates.operation
        );
    }
    let data = success_data(doc, op).ok_or_else(|| anyhow!("no `200` data schema"))?;
    let property = |name: &str| {
        data.pointer(&format!("/properties/{name}"))
            .map(|s| resolve(doc, s))
    };
    if property(&aggregates.total).is_none_or(|s| s["type"] != "integer") {
        bail!(
            "{AGGREGATES}.total `{}` is not an integer property of the response data",
            aggregates.total
        );
    }
    for (counts, parameter) in &aggregates.counts {
        if property(counts).is_none_or(|s| s["additionalProperties"]["type"] != "integer") {
            bail!(
                "{AGGREGATES}.counts: `{counts}` is not an object of integer counts in the response data"
            );
        }
        let filters = parameters(doc, list.value)
            .into_iter()
            .any(|p| p["name"] == parameter.as_str() && p.get(FILTER).is_some());
        if !filters {
            bail!(
                "{AGGREGATES}.counts.{counts}: `{parameter}` is not an {FILTER} parameter of `{}`",
                aggregates.operation
            );
        }
    }
    Ok(())
}

fn operations(doc: &Value) -> Vec<Op<'_>> {
    let mut ops = Vec::new();
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for method in [
            "get", "put", "post", "delete", "patch", "head", "options", "trace",
        ] {
            if let Some(value) = item.get(method) {
                let id = value["operationId"].as_str().unwrap_or_default().to_owned();
                ops.push(Op { id, value });
            }
        }
    }
    ops
}

/// A value with its `$ref` chain followed.
fn resolve<'a>(doc: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match value["$ref"].as_str() {
            Some(reference) => match doc.pointer(reference.trim_start_matches('#')) {
                Some(target) => value = target,
                None => return &Value::Null,
            },
            None => return value,
        }
    }
    &Value::Null
}

fn parameters<'a>(doc: &'a Value, op: &'a Value) -> Vec<&'a Value> {
    op["parameters"]
        .as_array()
        .map(|ps| ps.iter().map(|p| resolve(doc, p)).collect())
        .unwrap_or_default()
}

fn success_data<'a>(doc: &'a Value, op: &'a Value) -> Option<&'a Value> {
    let response = resolve(doc, op.pointer("/responses/200")?);
    let envelope = resolve(doc, response.pointer("/content/application~1json/schema")?);
    Some(resolve(doc, envelope.pointer("/properties/data")?))
}

fn item_schema<'a>(doc: &'a Value, op: &'a Value, pagination: &Value) -> Option<&'a Value> {
    let items = success_data(doc, op)?.pointer(&format!(
        "/properties/{}/items",
        pagination["items"].as_str()?
    ))?;
    let item = resolve(doc, items);
    item.get("properties").is_some().then_some(item)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::parse_spec;

    const SPEC: &str = include_str!("../../../openapi/theopenmoney.yaml");

    fn check_edited(from: &str, to: &str) -> String {
        assert!(SPEC.contains(from), "{from}");
        let spec = parse_spec(&SPEC.replacen(from, to, 1), "s.yaml").unwrap();
        check(&spec).unwrap_err().to_string()
    }

    fn line_of(text: &str, needle: &str) -> usize {
        text.lines().position(|l| l.contains(needle)).unwrap() + 1
    }

    #[test]
    fn the_spec_declares_well_formed_filters_and_aggregates() {
        check(&parse_spec(SPEC, "s.yaml").unwrap()).unwrap();
        assert!(SPEC.contains("x-filter: status") && SPEC.contains("x-aggregates:"));
    }

    #[test]
    fn a_filter_naming_no_item_property_is_located() {
        let err = check_edited("x-filter: order_type", "x-filter: kind");
        let line = line_of(
            &SPEC.replacen("x-filter: order_type", "x-filter: kind", 1),
            "x-filter: kind",
        );
        assert_eq!(
            err,
            format!(
                "s.yaml:{line}: operation `list_orders`: parameter `order_type`: x-filter: the items have no property `kind`"
            )
        );
    }

    #[test]
    fn a_filter_with_another_schema_than_its_property_is_refused() {
        let err = check_edited("x-filter: order_type", "x-filter: status");
        assert!(
            err.contains("parameter `order_type`: x-filter: the parameter's schema"),
            "{err}"
        );
    }

    #[test]
    fn only_list_query_parameters_filter() {
        let err = check_edited(
            "        - $ref: \"#/components/parameters/Limit\"\n        - $ref: \"#/components/parameters/Offset\"\n      responses:\n        \"200\":\n          description: One page of orders.",
            "        - $ref: \"#/components/parameters/Limit\"\n        - name: offset\n          in: query\n          x-filter: id\n          schema:\n            type: integer\n      responses:\n        \"200\":\n          description: One page of orders.",
        );
        assert!(err.contains("a paging parameter does not filter"), "{err}");
    }

    #[test]
    fn aggregates_must_name_a_list_its_integers_and_its_filters() {
        for (from, to, expected) in [
            (
                "        operation: list_orders\n",
                "        operation: get_order\n",
                "`get_order` is not a list",
            ),
            (
                "        operation: list_orders\n",
                "        operation: list_ordrs\n",
                "`list_ordrs` is not an operation",
            ),
            (
                "        total: total_orders\n",
                "        total: total_ton\n",
                "`total_ton` is not an integer property",
            ),
            (
                "          by_status: status\n",
                "          by_status: order_typ\n",
                "`order_typ` is not an x-filter parameter of `list_orders`",
            ),
            (
                "          by_status: status\n",
                "          total_stars: status\n",
                "`total_stars` is not an object of integer counts",
            ),
        ] {
            let err = check_edited(from, to);
            let line = line_of(SPEC, "x-aggregates:");
            assert!(
                err.starts_with(&format!("s.yaml:{line}: operation `get_order_stats`: ")),
                "{err}"
            );
            assert!(err.contains(expected), "{expected}: {err}");
        }
    }
}
