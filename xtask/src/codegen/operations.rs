//! The spec's operations as the sdk sees them: inputs, the envelope's `data` type, idempotency,
//! paging and waiters, each checked against the schemas it names, with located errors.

use anyhow::{Result, anyhow, bail};
use openapiv3::{
    OpenAPI, Operation, Parameter, ParameterSchemaOrContent, ReferenceOr, RequestBody, Response,
    Schema, SchemaKind, StatusCode, Type,
};

use super::extensions::{self, OperationExtensions};
use super::settings::type_for_ref;
use super::spec::Spec;

/// The header that makes an operation idempotent.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// One operation.
#[derive(Debug, Clone)]
pub struct SdkOperation {
    /// `operationId`: the method's name.
    pub id: String,
    /// `GET`, `POST`, …
    pub method: String,
    /// The path template.
    pub path: String,
    /// `summary`, for the docs.
    pub summary: Option<String>,
    /// `description`, for the docs.
    pub description: Option<String>,
    /// Path and query parameters, path ones first, in spec order.
    pub params: Vec<Param>,
    /// The JSON request body.
    pub body: Option<Body>,
    /// Whether the operation takes `Idempotency-Key`.
    pub idempotent: bool,
    /// The Rust type of the success envelope's `data`.
    pub data_type: String,
    /// The sdk extensions.
    pub extensions: OperationExtensions,
    /// Rust types of the items of `x-pagination`'s `items` array.
    pub item_type: Option<String>,
    /// `tags`: the CLI's command group is the first.
    pub tags: Vec<String>,
    /// Whether the operation needs the API key (`security` not empty, its own or the spec's).
    pub needs_key: bool,
}

/// A path or query parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// The wire name.
    pub name: String,
    /// In the path (always required) or the query.
    pub in_path: bool,
    /// Whether the caller must give it.
    pub required: bool,
    /// Its schema, references resolved.
    pub schema: Schema,
}

/// A JSON request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// The component schema's name.
    pub schema_name: String,
    /// Properties, required ones first in `required` order: (name, schema, required).
    pub properties: Vec<(String, Schema, bool)>,
    /// `x-sdk-defaults`.
    pub defaults: Vec<(String, String)>,
}

/// Every operation of the spec, in path order.
pub fn operations(spec: &Spec) -> Result<Vec<SdkOperation>> {
    let api = &spec.openapi;
    let mut out = Vec::new();
    for (path, item) in api.paths.iter() {
        let Some(item) = item.as_item() else {
            bail!(
                "{}: path `{path}` is a $ref, which the sdk generator does not follow",
                spec.display
            );
        };
        for (method, op) in item.iter() {
            let id = op.operation_id.clone().unwrap_or_default();
            let mut params: Vec<&ReferenceOr<Parameter>> = item.parameters.iter().collect();
            params.extend(&op.parameters);
            out.push(operation(spec, path, method, &id, op, &params)?);
        }
    }
    Ok(out)
}

fn operation(
    spec: &Spec,
    path: &str,
    method: &str,
    id: &str,
    op: &Operation,
    raw_params: &[&ReferenceOr<Parameter>],
) -> Result<SdkOperation> {
    let api = &spec.openapi;
    let at = |key: &str| spec.locate_in_operation(id, key);
    let fail = |key: &str, message: String| anyhow!("{}: operation `{id}`: {message}", at(key));
    let extensions = extensions::operation(&op.extensions, at)?;

    let mut params = Vec::new();
    let mut idempotent = false;
    for param in raw_params {
        let param = resolve_parameter(api, param).map_err(|e| fail("parameters", e.to_string()))?;
        let (data, in_path) = match param {
            Parameter::Path { parameter_data, .. } => (parameter_data, true),
            Parameter::Query { parameter_data, .. } => (parameter_data, false),
            Parameter::Header { parameter_data, .. }
                if parameter_data.name.eq_ignore_ascii_case(IDEMPOTENCY_HEADER) =>
            {
                idempotent = true;
                continue;
            }
            Parameter::Header { parameter_data, .. } | Parameter::Cookie { parameter_data, .. } => {
                return Err(fail(
                    &parameter_data.name,
                    format!(
                        "parameter `{}`: only path and query parameters (and `{IDEMPOTENCY_HEADER}`) are supported",
                        parameter_data.name
                    ),
                ));
            }
        };
        let ParameterSchemaOrContent::Schema(schema) = &data.format else {
            return Err(fail(
                &data.name,
                format!("parameter `{}` must have a `schema`", data.name),
            ));
        };
        let schema = resolve_schema(api, schema).map_err(|e| fail(&data.name, e.to_string()))?;
        params.push(Param {
            name: data.name.clone(),
            in_path,
            required: in_path || data.required,
            schema,
        });
    }
    params.sort_by_key(|p| !p.in_path);

    let body = op
        .request_body
        .as_ref()
        .map(|body| request_body(spec, api, body).map_err(|e| fail("requestBody", e.to_string())))
        .transpose()?;

    let (data_type, data_schema) =
        success_data(api, op).map_err(|e| fail("responses", e.to_string()))?;
    let data_properties = object_properties(api, &data_schema);

    let mut item_type = None;
    if let Some(p) = &extensions.pagination {
        let property = |name: &str| {
            data_properties
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, s)| s)
        };
        let items = property(&p.items).ok_or_else(|| {
            fail(
                extensions::PAGINATION,
                format!(
                    "x-pagination.items `{}` is not a property of the response data",
                    p.items
                ),
            )
        })?;
        item_type = Some(array_item_type(items).ok_or_else(|| {
            fail(
                extensions::PAGINATION,
                format!(
                    "x-pagination.items `{}` must be an array of a `$ref`",
                    p.items
                ),
            )
        })?);
        let total = property(&p.total).ok_or_else(|| {
            fail(
                extensions::PAGINATION,
                format!(
                    "x-pagination.total `{}` is not a property of the response data",
                    p.total
                ),
            )
        })?;
        if !matches!(total.schema_kind, SchemaKind::Type(Type::Integer(_))) {
            return Err(fail(
                extensions::PAGINATION,
                format!("x-pagination.total `{}` must be an integer", p.total),
            ));
        }
        for name in [&p.limit, &p.offset] {
            let param = params
                .iter()
                .find(|q| &q.name == name && !q.in_path && !q.required);
            if !param
                .is_some_and(|q| matches!(q.schema.schema_kind, SchemaKind::Type(Type::Integer(_))))
            {
                return Err(fail(
                    extensions::PAGINATION,
                    format!(
                        "x-pagination names `{name}`, which is not an optional integer query parameter"
                    ),
                ));
            }
        }
    }
    for waiter in &extensions.waiters {
        if body.is_some() || idempotent {
            return Err(fail(
                extensions::WAITERS,
                "waiters poll a read: the operation must take no body and no Idempotency-Key"
                    .into(),
            ));
        }
        if !data_properties.iter().any(|(n, _)| n == &waiter.field) {
            return Err(fail(
                extensions::WAITERS,
                format!(
                    "x-waiters.{}.field `{}` is not a property of the response data",
                    waiter.name, waiter.field
                ),
            ));
        }
    }
    if extensions.input.is_some()
        && body.is_none()
        && !params
            .iter()
            .any(|p| !p.required && !is_paging(&extensions, &p.name))
    {
        return Err(fail(
            extensions::INPUT,
            "x-sdk-input names an input type, but the operation has no body and no optional query parameter".into(),
        ));
    }
    if body.is_some() && params.iter().any(|p| !p.required) {
        return Err(fail(
            "requestBody",
            "an operation with a body and optional query parameters is not supported yet".into(),
        ));
    }

    Ok(SdkOperation {
        id: id.to_owned(),
        method: method.to_uppercase(),
        path: path.to_owned(),
        summary: op.summary.clone(),
        description: op.description.clone(),
        params,
        body,
        idempotent,
        data_type,
        extensions,
        item_type,
        tags: op.tags.clone(),
        needs_key: op
            .security
            .as_ref()
            .or(api.security.as_ref())
            .is_some_and(|s| !s.is_empty()),
    })
}

/// Whether `name` is one of the operation's paging parameters.
pub fn is_paging(extensions: &OperationExtensions, name: &str) -> bool {
    extensions
        .pagination
        .as_ref()
        .is_some_and(|p| p.limit == name || p.offset == name)
}

fn request_body(spec: &Spec, api: &OpenAPI, body: &ReferenceOr<RequestBody>) -> Result<Body> {
    let body = match body {
        ReferenceOr::Item(body) => body,
        ReferenceOr::Reference { reference } => {
            bail!("request body `{reference}`: write the body inline with a schema `$ref`")
        }
    };
    let Some(media) = body.content.get("application/json") else {
        bail!("the request body must be `application/json`");
    };
    let Some(ReferenceOr::Reference { reference }) = &media.schema else {
        bail!("the request body's schema must be a `$ref` to a component schema");
    };
    let schema_name = component_name(reference)?;
    let schema = resolve_schema(api, media.schema.as_ref().expect("checked above"))?;
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        bail!("request body schema `{schema_name}` must be an object");
    };
    let mut properties = Vec::new();
    for (name, property) in &object.properties {
        let property = match property {
            ReferenceOr::Reference { reference } => resolve_ref(api, reference)?,
            ReferenceOr::Item(item) => (**item).clone(),
        };
        properties.push((name.clone(), property, object.required.contains(name)));
    }
    // The `required` list keeps the author's order (object keys may not): required properties
    // come first, in that order, and become the input's `new` arguments in it.
    let rank = |name: &String| {
        object
            .required
            .iter()
            .position(|r| r == name)
            .unwrap_or(usize::MAX)
    };
    properties.sort_by_key(|(name, _, _)| rank(name));
    let defaults = extensions::defaults(&schema.schema_data.extensions, |key| {
        spec.locate_in_schema(&schema_name, key)
    })?;
    for (name, _) in &defaults {
        if !properties
            .iter()
            .any(|(p, _, required)| p == name && *required)
        {
            bail!(
                "{}: x-sdk-defaults names `{name}`, which is not a required property of `{schema_name}`",
                spec.locate_in_schema(&schema_name, extensions::DEFAULTS)
            );
        }
    }
    Ok(Body {
        schema_name,
        properties,
        defaults,
    })
}

/// The Rust type of the `200` envelope's `data`, and its schema.
fn success_data(api: &OpenAPI, op: &Operation) -> Result<(String, Schema)> {
    let Some(response) = op.responses.responses.get(&StatusCode::Code(200)) else {
        bail!("the sdk needs a `200` response");
    };
    let response: Response = match response {
        ReferenceOr::Item(r) => r.clone(),
        ReferenceOr::Reference { reference } => {
            let name = component_name(reference)?;
            api.components
                .as_ref()
                .and_then(|c| c.responses.get(&name))
                .and_then(|r| r.as_item())
                .cloned()
                .ok_or_else(|| anyhow!("unknown response `{reference}`"))?
        }
    };
    let envelope = response
        .content
        .get("application/json")
        .and_then(|m| m.schema.as_ref())
        .ok_or_else(|| anyhow!("the `200` response must have an `application/json` schema"))?;
    let ReferenceOr::Reference { reference } = envelope else {
        bail!("the `200` response schema must be a `$ref` to a success envelope");
    };
    let envelope = resolve_ref(api, reference)?;
    let data = match &envelope.schema_kind {
        SchemaKind::Type(Type::Object(object)) => object.properties.get("data"),
        _ => None,
    }
    .ok_or_else(|| anyhow!("`{reference}` is not a success envelope (an object with `data`)"))?;
    let (rust, schema) = match data {
        ReferenceOr::Reference { reference } => {
            (type_for_ref(reference), resolve_ref(api, reference)?)
        }
        ReferenceOr::Item(item) => (
            array_item_type(item)
                .map(|t| format!("::std::vec::Vec<{t}>"))
                .ok_or_else(|| anyhow!("envelope `data` must be a `$ref` or an array of one"))?,
            (**item).clone(),
        ),
    };
    Ok((rust, schema))
}

/// `Vec` item type of an array-of-`$ref` schema.
fn array_item_type(schema: &Schema) -> Option<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Array(array)) => match &array.items {
            Some(ReferenceOr::Reference { reference }) => Some(type_for_ref(reference)),
            _ => None,
        },
        _ => None,
    }
}

/// An object schema's properties, references resolved; empty for anything else.
fn object_properties(api: &OpenAPI, schema: &Schema) -> Vec<(String, Schema)> {
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return Vec::new();
    };
    object
        .properties
        .iter()
        .filter_map(|(name, s)| {
            let s = match s {
                ReferenceOr::Reference { reference } => resolve_ref(api, reference).ok()?,
                ReferenceOr::Item(item) => (**item).clone(),
            };
            Some((name.clone(), s))
        })
        .collect()
}

fn resolve_parameter(api: &OpenAPI, param: &ReferenceOr<Parameter>) -> Result<Parameter> {
    match param {
        ReferenceOr::Item(p) => Ok(p.clone()),
        ReferenceOr::Reference { reference } => {
            let name = component_name(reference)?;
            api.components
                .as_ref()
                .and_then(|c| c.parameters.get(&name))
                .and_then(|p| p.as_item())
                .cloned()
                .ok_or_else(|| anyhow!("unknown parameter `{reference}`"))
        }
    }
}

/// A schema with its `$ref` chain followed.
pub fn resolve_schema(api: &OpenAPI, schema: &ReferenceOr<Schema>) -> Result<Schema> {
    match schema {
        ReferenceOr::Item(s) => Ok(s.clone()),
        ReferenceOr::Reference { reference } => resolve_ref(api, reference),
    }
}

fn resolve_ref(api: &OpenAPI, reference: &str) -> Result<Schema> {
    let mut reference = reference.to_owned();
    for _ in 0..32 {
        let name = component_name(&reference)?;
        match api.components.as_ref().and_then(|c| c.schemas.get(&name)) {
            Some(ReferenceOr::Item(s)) => return Ok(s.clone()),
            Some(ReferenceOr::Reference { reference: next }) => reference = next.clone(),
            None => bail!("unknown schema `{reference}`"),
        }
    }
    bail!("`{reference}`: $ref chain too long")
}

fn component_name(reference: &str) -> Result<String> {
    reference
        .rsplit('/')
        .next()
        .filter(|_| reference.starts_with("#/components/"))
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("`{reference}` is not a reference to a component"))
}
