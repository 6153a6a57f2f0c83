"""Schemathesis extensions for the Room API (loaded via SCHEMATHESIS_HOOKS).

* Auth: the document's security schemes put the admin identity in the query
  string (`sdkappid`, `identifier`, `usersig`); the UserSig is signed with
  Tencent's official package for the emulator's app.
* Check `envelope_answer`: every answer is a JSON object carrying the
  envelope (`ActionStatus` OK/FAIL, integer `ErrorCode`, string `ErrorInfo`),
  with `ErrorCode` 0 exactly when `ActionStatus` is OK.
* Check `valid_request_not_refused_as_malformed` (exploratory, enabled with
  SCHEMATHESIS_STRICT=1 in check.sh): a request generated to fit the document
  (positive mode, valid auth) is not refused as malformed (60003 body not
  JSON, 100002 invalid parameter, 70402 / 90001 / 90003 the Chat services'
  malformed-parameter codes). It finds limits the document does not state;
  it also reports refusals that depend on state or on several fields, which
  share 100002.
* Filter `filter_body`: the document's byte limits (`x-max-bytes`,
  `x-min-bytes`, which JSON Schema cannot express) are part of what a valid
  request is, so bodies breaking them are not sent as positive cases.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import schemathesis
import TLSSigAPIv2
from schemathesis.generation.modes import GenerationMode

SDK_APP_ID = int(os.environ.get("TRTC_SDK_APP_ID", "1400000000"))
SECRET_KEY = os.environ.get(
    "TRTC_SECRET_KEY", "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
)
ADMIN = os.environ.get("TRTC_ADMIN", "administrator")

MALFORMED = {60003, 100002, 70402, 90001, 90003}

DOCUMENT = json.loads(
    Path(os.environ.get("TRTC_OPENAPI", Path(__file__).parents[2] / "api-spec" / "openapi.json")).read_text("utf-8")
)


def _resolve(schema):
    while isinstance(schema, dict) and "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = DOCUMENT["components"]["schemas"][name]
    return schema


def _within_byte_limits(value, schema) -> bool:
    """Whether every string of `value` keeps to the byte limits its schema declares."""
    schema = _resolve(schema)
    if not isinstance(schema, dict):
        return True
    if isinstance(value, str):
        size = len(value.encode("utf-8", "surrogatepass"))
        if size > schema.get("x-max-bytes", size) or size < schema.get("x-min-bytes", size):
            return False
    # Conservative for alternatives: every branch's limits must hold.
    for branch in schema.get("allOf", []) + schema.get("anyOf", []) + schema.get("oneOf", []):
        if not _within_byte_limits(value, branch):
            return False
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        return all(_within_byte_limits(v, properties[k]) for k, v in value.items() if k in properties)
    if isinstance(value, list) and "items" in schema:
        return all(_within_byte_limits(v, schema["items"]) for v in value)
    return True


@schemathesis.hook
def filter_body(ctx, body):
    if ctx.operation is None:
        return True
    operation = DOCUMENT["paths"].get(ctx.operation.path, {}).get("post", {})
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    return schema is None or _within_byte_limits(body, schema)


@schemathesis.auth()
class AdminUserSig:
    def get(self, case, ctx):
        signer = TLSSigAPIv2.TLSSigAPIv2(SDK_APP_ID, SECRET_KEY)
        return {"sdkappid": str(SDK_APP_ID), "identifier": ADMIN, "usersig": signer.gen_sig(ADMIN, 86400)}

    def set(self, case, data, ctx):
        case.query = {**(case.query or {}), **data}


def _envelope(response) -> dict:
    try:
        body = json.loads(response.content)
    except ValueError as e:
        raise AssertionError(f"the answer is not JSON: {e}") from None
    if not isinstance(body, dict):
        raise AssertionError("the answer is not a JSON object")
    return body


@schemathesis.check
def envelope_answer(ctx, response, case):
    body = _envelope(response)
    status, code, info = body.get("ActionStatus"), body.get("ErrorCode"), body.get("ErrorInfo")
    if status not in ("OK", "FAIL"):
        raise AssertionError(f"ActionStatus is {status!r}, not OK or FAIL")
    if not isinstance(code, int) or isinstance(code, bool):
        raise AssertionError(f"ErrorCode is {code!r}, not an integer")
    if not isinstance(info, str):
        raise AssertionError(f"ErrorInfo is {info!r}, not a string")
    if (status == "OK") != (code == 0):
        raise AssertionError(f"ActionStatus {status} with ErrorCode {code}")


@schemathesis.check
def valid_request_not_refused_as_malformed(ctx, response, case):
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return
    code = _envelope(response).get("ErrorCode")
    if code in MALFORMED:
        raise AssertionError(
            f"a request that fits the document was refused as malformed: {code} {_envelope(response).get('ErrorInfo')!r}"
        )
