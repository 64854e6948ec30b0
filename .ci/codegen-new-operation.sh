#!/usr/bin/env bash
# The codegen round trip, in a scratch copy of the workspace (sharing this checkout's target
# directory, so only the workspace's own crates are rebuilt):
#   1. every generated file is replaced by garbage, and `cargo xtask codegen` still builds and
#      repairs them byte for byte (codegen never depends on what it generates);
#   2. the spec gains a GET with a query parameter and an idempotent POST with a body, codegen
#      runs, and a test calls both through `Client` against the generated typed mocks: the
#      envelope is unwrapped, a 503 is retried, and every retry of the POST carries the same key;
#   3. the `theopenmoney` CLI has both as subcommands (`pricing get-currency-rate`,
#      `orders create-gift`), which call a small loopback mock: query, body and Idempotency-Key
#      arrive as the spec says, the output is the envelope's data, a bad pattern exits 3 unsent.
# Not one hand-written line exists for the two new operations: only the spec changes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
git -C "$root" ls-files -z --cached --others --exclude-standard | (cd "$root" && xargs -0 cp --parents -t "$scratch")
cd "$scratch"
export CARGO_TARGET_DIR="$root/target"
generated=(sdk/src/generated.rs sdk/src/generated_api.rs mock/src/generated.rs cli/src/generated.rs sandbox/assets/openapi.yaml)

echo "== 1. garbage in every generated file, then cargo xtask codegen"
for file in "${generated[@]}"; do
  printf 'this is not Rust {{{\n' > "$file"
done
cargo run --locked --quiet --package xtask -- codegen
for file in "${generated[@]}"; do
  cmp -s "$file" "$root/$file" || { echo "FAIL: $file was not repaired"; exit 1; }
done
echo "repaired: ${generated[*]}"

echo "== 2. two new operations in the spec"
python3 - openapi/theopenmoney.yaml <<'PY'
import sys
path = sys.argv[1]
spec = open(path).read()
new_ops = '''  /api/v1/pricing/currency-rate:
    get:
      operationId: get_currency_rate
      tags: [pricing]
      summary: TON rate in another currency
      description: A scratch operation added by CI.
      parameters:
        - name: currency
          in: query
          required: true
          description: ISO 4217 code.
          schema:
            type: string
            pattern: "^[A-Z]{3}$"
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/TonRateEnvelope"
        "5XX":
          $ref: "#/components/responses/ServerError"

  /api/v1/orders/gift:
    post:
      operationId: create_gift_order
      tags: [orders]
      summary: Create a gift order
      description: A scratch operation added by CI.
      parameters:
        - $ref: "#/components/parameters/IdempotencyKey"
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/CreateGiftOrderRequest"
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/OrderEnvelope"
        "5XX":
          $ref: "#/components/responses/ServerError"

  /api/v1/health:
'''
schema = '''    CreateGiftOrderRequest:
      type: object
      description: A scratch body added by CI.
      required: [recipient_username]
      properties:
        recipient_username:
          $ref: "#/components/schemas/RecipientUsername"
        note:
          type: string
          maxLength: 64
    RecipientUsername:
'''
for anchor in ("  /api/v1/health:\n", "    RecipientUsername:\n"):
    assert spec.count(anchor) == 1, anchor
spec = spec.replace("  /api/v1/health:\n", new_ops, 1)
spec = spec.replace("    RecipientUsername:\n", schema, 1)
open(path, "w").write(spec)
PY
cargo run --locked --quiet --package xtask -- codegen
grep -q 'pub async fn get_currency_rate(' sdk/src/generated_api.rs
grep -q 'pub async fn create_gift_order(' sdk/src/generated_api.rs

cat > contract-tests/tests/scratch_new_operations.rs <<'RS'
//! Written by .ci/codegen-new-operation.sh: the two scratch operations, called through `Client`.

use std::time::Duration;

use theopenmoney_mock::MockServerExt;
use httpmock::MockServer;
use serde_json::json;
use theopenmoney::{Client, CreateGiftOrderInput, Envelope, IdempotencyKey, RetryPolicy, types};

fn client(server: &MockServer) -> Client {
    let policy = RetryPolicy::default()
        .max_attempts(3)
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(5));
    Client::builder("osk_scratch")
        .base_url(server.base_url())
        .retry_policy(policy)
        .build()
        .unwrap()
}

fn unavailable() -> types::ErrorEnvelope {
    serde_json::from_value(json!({
        "ok": false, "error_code": "INTERNAL_ERROR", "error_message": "down", "data": null
    }))
    .unwrap()
}

#[tokio::test]
async fn get_with_a_query_parameter_unwraps_the_envelope_and_retries_a_503() {
    let server = MockServer::start_async().await;
    let rate: types::TonRate =
        serde_json::from_value(json!({"ton_usd": 3.217, "updated_at": "2026-11-30T12:00:00Z"}))
            .unwrap();
    let ok = server.get_currency_rate(|when, then| {
        when.currency(&"EUR".parse().unwrap());
        then.ok(&Envelope::new(rate.clone()));
    });
    assert_eq!(client(&server).get_currency_rate("EUR").await.unwrap(), rate);
    ok.assert_calls(1);

    let down = server.get_currency_rate(|when, then| {
        when.currency(&"USD".parse().unwrap());
        then.server_error(503, &unavailable());
    });
    let error = client(&server).get_currency_rate("USD").await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.attempts(), 3);
    down.assert_calls(3);

    // The spec's pattern is checked before anything is sent.
    let invalid = client(&server).get_currency_rate("euro").await.unwrap_err();
    assert!(invalid.to_string().starts_with("invalid currency:"), "{invalid}");
}

#[tokio::test]
async fn idempotent_post_with_a_body_retries_under_one_key() {
    let server = MockServer::start_async().await;
    let key = IdempotencyKey::derived_from("gift-1");
    let down = server.create_gift_order(|when, then| {
        when.idempotency_key(&key);
        then.server_error(503, &unavailable());
    });
    let input = CreateGiftOrderInput::new("pandus")
        .unwrap()
        .note("happy birthday")
        .unwrap()
        .idempotency_key(key.clone());
    let error = client(&server).create_gift_order(input).await.unwrap_err();
    // Three attempts, every one matched by the mock only because it carried the same key.
    assert_eq!(error.attempts(), 3);
    down.assert_calls(3);
    assert_eq!(error.idempotency_key(), Some(&key));
    assert!(error.is_retryable());

    // Created: the order comes back unwrapped from its envelope, with the key it ran under.
    let order: types::Order = serde_json::from_value(json!({
        "id": 10421, "status": "pending_payment", "order_type": "stars",
        "recipient_username": "pandus", "price_ton": 0.418,
        "payment_address": "UQBFJTkJ5hZdH7i6rWQTnm43zn6h2dPBV9lFZ2e98WvWABy_",
        "payment_memo": "STARS-a1b2c3", "expires_at": "2026-04-16T12:15:00Z",
        "created_at": "2026-04-16T12:00:00Z"
    }))
    .unwrap();
    let created = server.create_gift_order(|when, then| {
        when.idempotency_key(&IdempotencyKey::derived_from("gift-2"));
        then.ok(&Envelope::new(order.clone()));
    });
    let input = CreateGiftOrderInput::new("pandus")
        .unwrap()
        .idempotency_key(IdempotencyKey::derived_from("gift-2"));
    let done = client(&server).create_gift_order(input).await.unwrap();
    assert_eq!(done.value, order);
    assert_eq!(done.idempotency_key, IdempotencyKey::derived_from("gift-2"));
    assert_eq!(done.attempts, 1);
    created.assert_calls(1);
}
RS
cargo test --locked --quiet -p contract-tests --test scratch_new_operations

echo "== 3. the new operations as CLI subcommands"
cargo build --locked --quiet -p theopenmoney-cli
cli="$CARGO_TARGET_DIR/debug/theopenmoney"
"$cli" pricing get-currency-rate --help | grep -q -- "--currency <CURRENCY>"
"$cli" orders create-gift --help | grep -q -- "--recipient-username <RECIPIENT_USERNAME>"
"$cli" orders create-gift --help | grep -q -- "--idempotency-key <KEY>"
# A loopback mock of the two routes that records what it was sent.
python3 - "$scratch/mock-port" "$scratch/mock-seen" <<'PY' &
import http.server, json, sys
port_file, seen_file = sys.argv[1], sys.argv[2]
# Written as text: amounts must reach the CLI digit for digit, not through a Python float.
ORDER = ('{"id": 10421, "status": "pending_payment", "order_type": "stars",'
         ' "recipient_username": "pandus", "price_ton": 0.418000001,'
         ' "payment_address": "UQBFJTkJ5hZdH7i6rWQTnm43zn6h2dPBV9lFZ2e98WvWABy_",'
         ' "payment_memo": "STARS-a1b2c3", "expires_at": "2026-04-16T12:15:00Z",'
         ' "created_at": "2026-04-16T12:00:00Z"}')
RATE = '{"ton_usd": 3.217000000000000001, "updated_at": "2026-11-30T12:00:00Z"}'
class Mock(http.server.BaseHTTPRequestHandler):
    def reply(self, data):
        body = ('{"ok": true, "data": %s}' % data).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def record(self, body):
        with open(seen_file, "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path, "body": body,
                                "key": self.headers.get("Idempotency-Key")}) + "\n")
    def do_GET(self):
        self.record(None)
        if self.path == "/api/v1/pricing/currency-rate?currency=EUR":
            self.reply(RATE)
        else:
            self.send_error(404)
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        self.record(body)
        self.reply(ORDER)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Mock)
open(port_file, "w").write(str(server.server_address[1]))
server.serve_forever()
PY
mock_pid=$!
trap 'kill "$mock_pid" 2>/dev/null; rm -rf "$scratch"' EXIT
for _ in $(seq 100); do [ -s "$scratch/mock-port" ] && break; sleep 0.1; done
export THEOPENMONEY_BASE_URL="http://127.0.0.1:$(cat "$scratch/mock-port")" THEOPENMONEY_API_KEY=osk_scratch
rate=$("$cli" pricing get-currency-rate --currency EUR --output ndjson)
[ "$rate" = '{"ton_usd":3.217000000000000001,"updated_at":"2026-11-30T12:00:00Z"}' ] || { echo "FAIL: get-currency-rate printed $rate"; exit 1; }
gift=$("$cli" orders create-gift --recipient-username @pandus --note "happy birthday" --idempotency-key gift-1 --output ndjson 2>"$scratch/gift-stderr")
grep -q '"price_ton":0.418000001' <<<"$gift" || { echo "FAIL: create-gift printed $gift"; exit 1; }
grep -qx 'Idempotency-Key: gift-1' "$scratch/gift-stderr" || { echo "FAIL: the key was not printed"; exit 1; }
set +e
"$cli" pricing get-currency-rate --currency euro 2>"$scratch/invalid-stderr"
code=$?
set -e
[ "$code" = 3 ] || { echo "FAIL: an invalid currency exited $code, not 3"; exit 1; }
grep -q "invalid currency" "$scratch/invalid-stderr" || { echo "FAIL: the field is not named"; exit 1; }
python3 - "$scratch/mock-seen" <<'PY'
import json, sys
seen = [json.loads(line) for line in open(sys.argv[1])]
assert len(seen) == 2, seen  # the invalid currency was never sent
assert seen[0]["path"] == "/api/v1/pricing/currency-rate?currency=EUR", seen[0]
assert seen[1]["path"] == "/api/v1/orders/gift", seen[1]
assert seen[1]["body"] == {"recipient_username": "@pandus", "note": "happy birthday"}, seen[1]
assert seen[1]["key"] == "gift-1", seen[1]
PY
echo "codegen round trip: garbage repaired; get_currency_rate and create_gift_order generated, called, retried, and run from the CLI"
