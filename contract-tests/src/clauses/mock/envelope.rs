//! Envelope, client side: the sdk decodes every documented success and error of every
//! operation, accepts what a server may add, and the schema check catches what the sdk's
//! lenient decoding lets through.

use serde_json::{Value, json};

use crate::clauses::MockCtx;
use crate::envelope::{ENVELOPE, WireResponse, check};
use crate::failure::ClauseResult;
use crate::fixtures;
use crate::mock_server::{Answer, MockRig, mock_raw};
use crate::runtime::block_on;
use crate::schema::success_schema;
use crate::sdk_client::call;
use crate::spec::{Status, spec};

/// The statuses a documented status stands for in mock mode (`5XX` → 500 and 503).
pub(crate) fn concrete(status: Status) -> Vec<u16> {
    match status {
        Status::Exact(code) => vec![code],
        Status::Class(class) => vec![class * 100, class * 100 + 3],
    }
}

pub(crate) fn every_operation_and_status(ctx: &MockCtx) -> ClauseResult {
    let rig = MockRig::start(&ctx.run);
    let client = rig.client();
    for op in &spec().operations {
        let data = fixtures::success_data(&op.id);
        let body = fixtures::success(data.clone());
        let violations = success_schema(&op.id).violations(&body, 3);
        assert!(
            violations.is_empty(),
            "fixture of {} breaks its schema: {violations:?}",
            op.id
        );
        let mut mock = rig.answer(&op.id, Answer::Ok(body));
        let decoded = block_on(call(&client, &op.id));
        mock.delete();
        match decoded {
            Ok(got) => ENVELOPE.ensure(got == data, &op.id, || {
                format!("the sdk decoded the documented success as {got}, not {data}")
            })?,
            Err(e) => {
                return Err(ENVELOPE.fail(
                    &op.id,
                    format!("the sdk rejected the documented success: {e}"),
                ));
            }
        }
        for response in op.responses.iter().filter(|r| !r.codes.is_empty()) {
            for status in concrete(response.status) {
                for code in &response.codes {
                    let message = format!("{code} from the contract suite");
                    let mut mock = rig.answer(
                        &op.id,
                        Answer::Error {
                            status,
                            body: fixtures::error(code, &message),
                            retry_after: None,
                        },
                    );
                    let result = block_on(call(&client, &op.id));
                    mock.delete();
                    let err = match result {
                        Ok(v) => {
                            return Err(ENVELOPE.fail(
                                &op.id,
                                format!("a {status} {code} decoded as a success: {v}"),
                            ));
                        }
                        Err(e) => e,
                    };
                    let api = err.api_error();
                    ENVELOPE.ensure(
                        api.is_some_and(|a| {
                            a.status.as_u16() == status
                                && a.code.as_str() == code
                                && a.message == message
                        }),
                        &op.id,
                        || format!("the sdk turned a {status} {code} error envelope into {err}"),
                    )?;
                }
            }
        }
    }
    Ok(())
}

pub(crate) fn additions_are_accepted(ctx: &MockCtx) -> ClauseResult {
    let rig = MockRig::start(&ctx.run);
    let client = rig.client();
    for op in &spec().operations {
        let added = fixtures::with_additions(&fixtures::success(fixtures::success_data(&op.id)));
        check(&op.id, &wire(200, &added)).map_err(|e| {
            ENVELOPE.fail(
                &op.id,
                format!("the checker raised a false alarm on additions: {e}"),
            )
        })?;
        let mut mock = mock_raw(&rig.server, &op.id, 200, &added);
        let result = block_on(call(&client, &op.id));
        mock.delete();
        if let Err(e) = result {
            return Err(ENVELOPE.fail(
                &op.id,
                format!("new fields or enum values broke decoding: {e}"),
            ));
        }
        let Some(error) = op.responses.iter().find(|r| !r.codes.is_empty()) else {
            continue;
        };
        let status = concrete(error.status)[0];
        // Keys in another order than the spec's, a code added later, and a field added later.
        let text = r#"{"data":null,"details":{"hint":1},"error_message":"new","error_code":"ADDED_LATER","ok":false}"#;
        let body: Value = serde_json::from_str(text).expect("valid JSON");
        check(&op.id, &wire(status, &body)).map_err(|e| {
            ENVELOPE.fail(
                &op.id,
                format!("the checker raised a false alarm on a new error code: {e}"),
            )
        })?;
        let mut mock = mock_raw(&rig.server, &op.id, status, &body);
        let result = block_on(call(&client, &op.id));
        mock.delete();
        let code = result
            .as_ref()
            .err()
            .and_then(|e| e.code())
            .map(|c| (c.is_unknown(), c.as_str().to_owned()));
        ENVELOPE.ensure(
            code == Some((true, "ADDED_LATER".to_owned())),
            &op.id,
            || format!("a new error code at {status} was not kept as data: {result:?}"),
        )?;
    }
    Ok(())
}

pub(crate) fn schema_rejects_what_the_sdk_tolerates(ctx: &MockCtx) -> ClauseResult {
    let rig = MockRig::start(&ctx.run);
    let client = rig.client();
    let mut null_option = fixtures::success(fixtures::success_data("get_order"));
    null_option["data"]["stars_amount"] = Value::Null;
    let mut zero_id = fixtures::success(fixtures::success_data("get_order"));
    zero_id["data"]["id"] = json!(0);
    let cases = [
        (
            "get_order",
            200,
            null_option,
            "an optional field sent as null",
        ),
        ("get_order", 200, zero_id, "an order id of 0 (minimum 1)"),
        (
            "get_order",
            404,
            json!({"ok": true, "error_code": "NOT_FOUND", "error_message": "gone", "data": null}),
            "an error with `ok: true`",
        ),
    ];
    for (op, status, body, what) in cases {
        let mut mock = mock_raw(&rig.server, op, status, &body);
        let result = block_on(call(&client, op));
        mock.delete();
        let tolerated = match (&result, status) {
            (Ok(_), 200) => true,
            (Err(e), _) => e.status().map(|s| s.as_u16()) == Some(status) && e.code().is_some(),
            _ => false,
        };
        assert!(
            tolerated,
            "the sdk no longer tolerates {what}: {result:?}; drop the case"
        );
        ENVELOPE.ensure(check(op, &wire(status, &body)).is_err(), op, || {
            format!("the schema check accepted {what}, which the spec forbids")
        })?;
    }
    Ok(())
}

fn wire(status: u16, body: &Value) -> WireResponse {
    let mut headers = http::HeaderMap::new();
    headers.insert(
        "content-type",
        http::HeaderValue::from_static("application/json"),
    );
    WireResponse {
        status,
        headers,
        body: body.to_string().into(),
    }
}
