"""Schemathesis hooks for the sandbox run.

Idempotency-Key: the contract makes a key stand for one request, so a key reused with another
body is `422 IDEMPOTENCY_KEY_REUSED` -- a correct answer that Schemathesis, which draws header
values at random (and reuses the spec's example key), would count as "a schema-valid request
rejected". A conforming client sends a fresh key for every new request, so this hook does what
such a client does: every *valid* key is replaced by a fresh UUID. Invalid keys (empty, too
long, non-printable) are left alone, so negative testing of the header still happens.
Replays with one key are tested by the sandbox's own test suite (sandbox/tests/api).
"""

import re
import uuid

import schemathesis

# The spec's IdempotencyKey: 1-255 printable ASCII, no leading or trailing space.
VALID_KEY = re.compile(r"^[!-~]([ -~]*[!-~])?$")


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = case.headers
    if not headers:
        return
    for name in list(headers):
        if name.lower() != "idempotency-key":
            continue
        value = headers[name]
        if isinstance(value, str) and len(value) <= 255 and VALID_KEY.match(value):
            headers[name] = str(uuid.uuid4())
