//! The breaking-change gate: each kind of spec change classified on the wire and in the Rust
//! API (on a scratch spec), the real spec's `payment_memo` case, and `cargo xtask breaking` end
//! to end in a scratch git repository.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Map, Value, json};
use xtask::breaking::{self, Comparison};

const SCRATCH: &str = include_str!("breaking/scratch.yaml");

/// `(subject, fact, wire breaking, rust breaking)` of every change.
type Expected<'a> = &'a [(&'a str, &'a str, bool, bool)];

fn spec_value(text: &str) -> Value {
    serde_norway::from_str(text).expect("fixture is YAML")
}

/// Compares the scratch spec with a copy changed by `edit`.
fn compare_edited(edit: impl FnOnce(&mut Value)) -> Comparison {
    let mut head = spec_value(SCRATCH);
    edit(&mut head);
    let head = serde_norway::to_string(&head).expect("serialises");
    breaking::compare_specs(SCRATCH, &head).expect("both specs parse")
}

fn schema<'a>(spec: &'a mut Value, name: &str) -> &'a mut Value {
    spec.pointer_mut(&format!("/components/schemas/{name}"))
        .expect("schema exists")
}

fn properties<'a>(spec: &'a mut Value, name: &str) -> &'a mut Map<String, Value> {
    schema(spec, name)["properties"]
        .as_object_mut()
        .expect("object schema")
}

fn required<'a>(spec: &'a mut Value, name: &str) -> &'a mut Vec<Value> {
    schema(spec, name)["required"]
        .as_array_mut()
        .expect("required list")
}

/// Asserts the comparison holds exactly these changes with these verdicts.
fn assert_changes(comparison: &Comparison, expected: Expected<'_>) {
    let mut got: Vec<(String, String, bool, bool)> = comparison
        .changes
        .iter()
        .map(|c| {
            (
                c.subject.to_string(),
                c.fact.to_string(),
                c.wire.breaking,
                c.rust.breaking,
            )
        })
        .collect();
    let mut want: Vec<(String, String, bool, bool)> = expected
        .iter()
        .map(|(s, f, w, r)| (s.to_string(), f.to_string(), *w, *r))
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "full report:\n{comparison:#?}");
}

// --- Breaking on the wire -----------------------------------------------------------------

#[test]
fn removed_operation_breaks_both_sides() {
    let c = compare_edited(|s| {
        s["paths"].as_object_mut().unwrap().remove("/orders/{id}");
    });
    assert_changes(
        &c,
        &[(
            "operation `get_order`",
            "removed (GET /orders/{id})",
            true,
            true,
        )],
    );
    assert_eq!(
        c.changes[0].rust.why,
        "`Client::get_order` is gone, with its streams and waiters"
    );
}

#[test]
fn removed_response_field_breaks_both_sides_and_names_the_operations_returning_it() {
    let c = compare_edited(|s| {
        properties(s, "Order").remove("memo");
        required(s, "Order").retain(|v| v != "memo");
    });
    assert_changes(
        &c,
        &[(
            "schema `Order`, field `memo`",
            "property removed (was required)",
            true,
            true,
        )],
    );
    let change = &c.changes[0];
    let returned: Vec<&str> = change.returned_by.iter().map(String::as_str).collect();
    assert_eq!(returned, ["create_order", "get_order", "list_orders"]);
    assert!(change.sent_by.is_empty());
    assert_eq!(
        change.rust.why,
        "field `memo` of `theopenmoney::types::Order` is gone"
    );
}

#[test]
fn new_required_request_field_breaks_both_sides() {
    let c = compare_edited(|s| {
        properties(s, "CreateOrderRequest").insert("channel".into(), json!({"type": "string"}));
        required(s, "CreateOrderRequest").push(json!("channel"));
    });
    assert_changes(
        &c,
        &[(
            "schema `CreateOrderRequest`, field `channel`",
            "property added (required)",
            true,
            true,
        )],
    );
    assert_eq!(
        c.changes[0].wire.why,
        "in requests: old clients do not send it"
    );
}

#[test]
fn enum_value_removed_breaks_both_sides() {
    let c = compare_edited(|s| {
        schema(s, "Delivery")["enum"] = json!(["instant"]);
    });
    assert_changes(
        &c,
        &[(
            "schema `Delivery`",
            "closed enum value \"scheduled\" removed",
            true,
            true,
        )],
    );
    // Delivery is sent (create_order) and returned (all three): only the request side breaks.
    assert_eq!(
        c.changes[0].wire.why,
        "in requests: old clients may still send \"scheduled\""
    );
}

#[test]
fn type_change_breaks_both_sides() {
    let c = compare_edited(|s| {
        properties(s, "Order").insert("quantity".into(), json!({"type": "string"}));
    });
    assert_changes(
        &c,
        &[(
            "schema `Order`, field `quantity`",
            "type integer(int32) → string",
            true,
            true,
        )],
    );
}

// --- Not breaking on the wire: what each does to the Rust API -----------------------------

#[test]
fn new_optional_response_field_breaks_neither_side() {
    let c = compare_edited(|s| {
        properties(s, "Order").insert("note".into(), json!({"type": "string"}));
    });
    assert_changes(
        &c,
        &[(
            "schema `Order`, field `note`",
            "property added (optional)",
            false,
            false,
        )],
    );
    assert!(
        c.changes[0]
            .rust
            .why
            .contains("code reading responses is unaffected")
    );
}

#[test]
fn new_operation_breaks_neither_side() {
    let c = compare_edited(|s| {
        s["paths"]["/orders/{id}"]["delete"] = json!({
            "operationId": "cancel_order",
            "parameters": [{"name": "id", "in": "path", "required": true,
                            "schema": {"type": "integer", "format": "int64"}}],
            "responses": {"200": {"description": "Cancelled.", "content": {"application/json":
                {"schema": {"$ref": "#/components/schemas/OrderEnvelope"}}}}}
        });
    });
    assert_changes(
        &c,
        &[(
            "operation `cancel_order`",
            "added (DELETE /orders/{id})",
            false,
            false,
        )],
    );
    assert_eq!(c.changes[0].rust.why, "new method `Client::cancel_order`");
}

#[test]
fn new_value_of_an_open_enum_breaks_neither_side() {
    let c = compare_edited(|s| {
        schema(s, "OrderStatus")["anyOf"][0]["enum"] = json!(["pending", "paid", "refunded"]);
    });
    assert_changes(
        &c,
        &[(
            "schema `OrderStatus`",
            "open enum value \"refunded\" added",
            false,
            false,
        )],
    );
    assert!(
        c.changes[0]
            .rust
            .why
            .starts_with("`theopenmoney::OrderStatus` is hand-written")
    );
}

#[test]
fn new_optional_query_parameter_is_compatible_on_both_sides() {
    let c = compare_edited(|s| {
        s["paths"]["/orders"]["get"]["parameters"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "recipient", "in": "query", "schema": {"type": "string"}}));
    });
    assert_changes(
        &c,
        &[(
            "operation `list_orders`, query parameter `recipient`",
            "added (optional)",
            false,
            false,
        )],
    );
    // The query struct is `#[non_exhaustive]`: the new field and its setter break no caller.
    assert!(
        c.changes[0].rust.why.contains("setter"),
        "{}",
        c.changes[0].rust.why
    );
}

// --- More rules, each side on its own -----------------------------------------------------

#[test]
fn new_optional_request_field_is_compatible_on_the_wire_but_breaks_struct_literals() {
    let c = compare_edited(|s| {
        properties(s, "CreateOrderRequest").insert("note".into(), json!({"type": "string"}));
    });
    assert_changes(
        &c,
        &[(
            "schema `CreateOrderRequest`, field `note`",
            "property added (optional)",
            false,
            true,
        )],
    );
    assert!(
        c.changes[0]
            .rust
            .why
            .contains("the input builder only gains a setter")
    );
}

#[test]
fn closed_enum_value_added_breaks_responses() {
    let c = compare_edited(|s| {
        schema(s, "Delivery")["enum"] = json!(["instant", "scheduled", "drone"]);
    });
    assert_changes(
        &c,
        &[(
            "schema `Delivery`",
            "closed enum value \"drone\" added",
            true,
            true,
        )],
    );
    assert_eq!(
        c.changes[0].wire.why,
        "in responses: a closed enum, old clients reject \"drone\""
    );
}

#[test]
fn renamed_operation_keeps_the_wire_and_renames_the_method() {
    let c = compare_edited(|s| {
        s["paths"]["/orders/{id}"]["get"]["operationId"] = json!("find_order");
    });
    assert_changes(
        &c,
        &[(
            "operation `get_order`",
            "renamed to `find_order` (same method and path)",
            false,
            true,
        )],
    );
}

#[test]
fn tighter_request_rule_breaks_the_wire_only() {
    let c = compare_edited(|s| {
        properties(s, "CreateOrderRequest")["recipient"]["maxLength"] = json!(16);
    });
    assert_changes(
        &c,
        &[(
            "schema `CreateOrderRequest`, field `recipient`",
            "`maxLength` 32 → 16",
            true,
            false,
        )],
    );
}

#[test]
fn response_field_becoming_optional_breaks_both_sides() {
    let c = compare_edited(|s| required(s, "Order").retain(|v| v != "recipient"));
    assert_changes(
        &c,
        &[(
            "schema `Order`, field `recipient`",
            "now optional",
            true,
            true,
        )],
    );
}

#[test]
fn new_credentials_requirement_breaks_the_wire_only() {
    let c = compare_edited(|s| {
        s["paths"]["/orders/{id}"]["get"]["security"] = json!([]);
    });
    // The scratch spec requires a key globally; an empty list lifts it for this operation.
    assert_changes(
        &c,
        &[(
            "operation `get_order`",
            "no longer needs credentials",
            false,
            false,
        )],
    );
    let back = breaking::compare_specs(
        &serde_norway::to_string(&{
            let mut s = spec_value(SCRATCH);
            s["paths"]["/orders/{id}"]["get"]["security"] = json!([]);
            s
        })
        .unwrap(),
        SCRATCH,
    )
    .unwrap();
    assert_changes(
        &back,
        &[(
            "operation `get_order`",
            "now needs credentials",
            true,
            false,
        )],
    );
}

#[test]
fn sdk_extensions_change_the_rust_api_only() {
    let c = compare_edited(|s| {
        let list = &mut s["paths"]["/orders"]["get"];
        list["x-sdk-input"] = json!("OrderQuery");
        list["x-waiters"] = json!({"listed": {"field": "total"}});
    });
    assert_changes(
        &c,
        &[
            (
                "operation `list_orders`",
                "`x-sdk-input` renames `ListOrdersQuery` to `OrderQuery`",
                false,
                true,
            ),
            (
                "operation `list_orders`",
                "`x-waiters.listed` added (`wait_for_listed`)",
                false,
                false,
            ),
        ],
    );
}

#[test]
fn identical_specs_have_no_changes() {
    assert!(
        breaking::compare_specs(SCRATCH, SCRATCH)
            .unwrap()
            .changes
            .is_empty()
    );
}

// --- The real spec ------------------------------------------------------------------------

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn real_spec() -> String {
    std::fs::read_to_string(workspace_root().join("openapi/theopenmoney.yaml")).unwrap()
}

fn without_payment_memo(spec: &str) -> String {
    let mut v = spec_value(spec);
    properties(&mut v, "Order")
        .remove("payment_memo")
        .expect("Order.payment_memo exists");
    required(&mut v, "Order").retain(|r| r != "payment_memo");
    serde_norway::to_string(&v).unwrap()
}

#[test]
fn real_spec_payment_memo_removal_names_every_operation_returning_an_order() {
    let spec = real_spec();
    let c = breaking::compare_specs(&spec, &without_payment_memo(&spec)).unwrap();
    assert_changes(
        &c,
        &[(
            "schema `Order`, field `payment_memo`",
            "property removed (was required)",
            true,
            true,
        )],
    );
    let returned: Vec<&str> = c.changes[0]
        .returned_by
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(
        returned,
        [
            "cancel_order",
            "create_premium_order",
            "create_stars_order",
            "get_order",
            "get_order_by_memo",
            "list_orders",
            "list_orders_by_reference",
        ]
    );
}

#[test]
fn hand_written_types_match_what_codegen_leaves_out() {
    let spec = xtask::codegen::parse_spec(&real_spec(), "theopenmoney.yaml").unwrap();
    let generated = xtask::codegen::generate(&spec).unwrap().sdk;
    let defines = |name: &str| {
        generated.contains(&format!("pub struct {name} "))
            || generated.contains(&format!("pub struct {name}("))
            || generated.contains(&format!("pub enum {name} "))
    };
    for (schema, _) in breaking::HAND_WRITTEN {
        assert!(
            !defines(schema),
            "codegen generates `{schema}`, which HAND_WRITTEN says it replaces"
        );
    }
    let components = spec_value(&real_spec())["components"]["schemas"]
        .as_object()
        .unwrap()
        .clone();
    for name in components.keys() {
        let replaced = breaking::HAND_WRITTEN.iter().any(|(s, _)| s == name)
            || (name.ends_with("Envelope") && name != "ErrorEnvelope");
        assert_eq!(
            !replaced,
            defines(name),
            "`{name}`: generated or replaced, HAND_WRITTEN disagrees"
        );
    }
}

// --- `cargo xtask breaking` end to end ----------------------------------------------------

/// A scratch git repository with the real spec and a manifest at version `version`, committed.
struct Repo {
    root: PathBuf,
}

impl Repo {
    fn new(name: &str, version: &str) -> Self {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("breaking-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("openapi")).unwrap();
        std::fs::create_dir_all(root.join("xtask")).unwrap();
        let repo = Self { root };
        repo.write("openapi/theopenmoney.yaml", &real_spec());
        repo.set_version(version);
        repo.git(&["init", "--quiet"]);
        repo.commit("base");
        repo
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.root.join(rel), text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
    }

    fn set_version(&self, version: &str) {
        self.write(
            "Cargo.toml",
            &format!("[workspace]\nmembers = []\n\n[workspace.package]\nversion = \"{version}\"\n"),
        );
    }

    fn git(&self, args: &[&str]) {
        let status = Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .args([
                "-c",
                "user.name=gate test",
                "-c",
                "user.email=gate@test.invalid",
            ])
            .args(["-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"])
            .args(args)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "."]);
        self.git(&["commit", "--quiet", "-m", message]);
    }

    /// Runs `xtask breaking` on this repository (the binary finds the workspace through
    /// `CARGO_MANIFEST_DIR`).
    fn breaking(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("breaking")
            .args(args)
            .env("CARGO_MANIFEST_DIR", self.root.join("xtask"))
            .output()
            .unwrap()
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn cli_fails_on_payment_memo_removal_without_a_bump_and_passes_with_one() {
    let repo = Repo::new("memo", "0.1.0");
    repo.write(
        "openapi/theopenmoney.yaml",
        &without_payment_memo(&repo.read("openapi/theopenmoney.yaml")),
    );

    let out = repo.breaking(&["--base", "HEAD"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let line = text
        .lines()
        .find(|l| l.contains("payment_memo"))
        .unwrap_or_else(|| panic!("no line names payment_memo:\n{text}"));
    assert!(line.starts_with("BREAKING wire+rust"), "{line}");
    for op in [
        "create_stars_order",
        "get_order",
        "get_order_by_memo",
        "list_orders",
        "cancel_order",
    ] {
        assert!(line.contains(op), "`{op}` missing from: {line}");
    }
    assert!(
        text.contains("FAIL") && text.contains("needs at least 0.2.0"),
        "{text}"
    );

    // A patch bump is not enough for 0.x; a minor bump is.
    repo.set_version("0.1.1");
    assert_eq!(repo.breaking(&["--base", "HEAD"]).status.code(), Some(1));
    repo.set_version("0.2.0");
    let out = repo.breaking(&["--base", "HEAD"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn cli_passes_an_optional_field_and_a_new_operation_without_a_bump() {
    let repo = Repo::new("additive", "0.1.0");
    let mut spec = spec_value(&repo.read("openapi/theopenmoney.yaml"));
    properties(&mut spec, "Order").insert(
        "delivered_at".into(),
        json!({"type": "string", "format": "date-time", "description": "When it was delivered."}),
    );
    spec["paths"]["/api/v1/orders/{id}/receipt"] = json!({"get": {
        "operationId": "get_order_receipt",
        "parameters": [{"$ref": "#/components/parameters/OrderId"}],
        "responses": {"200": {"description": "The order.", "content": {"application/json":
            {"schema": {"$ref": "#/components/schemas/OrderEnvelope"}}}}}
    }});
    repo.write(
        "openapi/theopenmoney.yaml",
        &serde_norway::to_string(&spec).unwrap(),
    );

    let out = repo.breaking(&["--base", "HEAD"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("compatible         schema `Order`, field `delivered_at`"),
        "{text}"
    );
    assert!(
        text.contains("compatible         operation `get_order_receipt`"),
        "{text}"
    );
    assert!(text.contains("ok, 2 change(s), none breaking"), "{text}");
}

#[test]
fn cli_defaults_to_the_latest_v_tag() {
    let repo = Repo::new("tag", "0.1.0");
    repo.git(&["tag", "v0.1.0"]);
    repo.write(
        "openapi/theopenmoney.yaml",
        &without_payment_memo(&repo.read("openapi/theopenmoney.yaml")),
    );
    repo.commit("drop payment_memo");

    // HEAD already has the change, so only the tag sees it.
    let out = repo.breaking(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).starts_with("breaking-change gate: spec at `v0.1.0` → working tree"));
    assert_eq!(repo.breaking(&["--base", "HEAD"]).status.code(), Some(0));
}

#[test]
fn cli_rejects_an_unknown_base() {
    let repo = Repo::new("unknown", "0.1.0");
    let out = repo.breaking(&["--base", "no-such-ref"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`no-such-ref` is not a commit"));
}

#[test]
fn verdict_against_head_is_one_line() {
    let repo = Repo::new("verdict", "0.1.0");
    let verdict = breaking::verdict_against_head(&repo.root);
    assert_eq!(
        verdict,
        "breaking-change gate: verdict vs `HEAD`: ok, spec unchanged (version 0.1.0 unchanged)"
    );
    repo.write(
        "openapi/theopenmoney.yaml",
        &without_payment_memo(&repo.read("openapi/theopenmoney.yaml")),
    );
    let verdict = breaking::verdict_against_head(&repo.root);
    assert!(!verdict.contains('\n'));
    assert!(
        verdict.contains("FAIL, 1 of 1 change(s) break partners (wire 1, Rust API 1)"),
        "{verdict}"
    );
}
