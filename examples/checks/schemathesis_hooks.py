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
* State for the Live operations (`before_call`, when TRTC_BASE_URL names the
  emulator): generated IDs name no existing room, so every Live call would
  only answer "room not found" and its success answer would never be checked
  against the document. Positive cases of the fuzzing phase for the Live API
  (live_engine_http_srv except create_room, live_engine_http_pk, the Chat
  group and profile commands) are pointed at fixtures instead: a live room
  with a member, metadata, a robot and a gift, a second room for PK battles,
  a running battle and imported accounts. Room IDs (`RoomId`, `FromRoomId`,
  `GroupId`, `ToRoomIdList`), `BattleId` and user IDs (`*_Account`) are
  replaced; the fixture room is created again (and filled) whenever a
  generated call destroyed it. The coverage phase keeps its generated values
  (boundaries, "not found" answers).
"""

from __future__ import annotations

import json
import os
import random
import urllib.parse
import urllib.request
from pathlib import Path

import schemathesis
import TLSSigAPIv2
from schemathesis.generation.meta import TestPhase
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


def _identity() -> dict:
    signer = TLSSigAPIv2.TLSSigAPIv2(SDK_APP_ID, SECRET_KEY)
    return {"sdkappid": str(SDK_APP_ID), "identifier": ADMIN, "usersig": signer.gen_sig(ADMIN, 86400)}


@schemathesis.auth()
class AdminUserSig:
    def get(self, case, ctx):
        return _identity()

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


# --- State for the Live operations ---------------------------------------------

BASE_URL = os.environ.get("TRTC_BASE_URL", "").rstrip("/")
LIVE_PREFIXES = ("/v4/live_engine_http_srv/", "/v4/live_engine_http_pk/", "/v4/group_open_http_svc/", "/v4/profile/")
ROOM, ROOM2 = "st-live-room", "st-live-rival"
ACCOUNTS = ["st-host", "st-fan", "st-guest"]
HOST, FAN = ACCOUNTS[0], ACCOUNTS[1]
_fixture: dict = {}


def _call(path: str, body: dict) -> dict:
    """One call to the emulator as the admin; answers the envelope."""
    query = {**_identity(), "random": str(random.randint(0, 4294967295)), "contenttype": "json"}
    request = urllib.request.Request(
        f"{BASE_URL}{path}?{urllib.parse.urlencode(query)}",
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def _expect(path: str, body: dict, *accepted: int) -> dict:
    answer = _call(path, body)
    if answer.get("ErrorCode") not in (0, *accepted):
        raise RuntimeError(f"fixture {path}: {answer.get('ErrorCode')} {answer.get('ErrorInfo')!r}")
    return answer


def _ensure_room(room_id: str) -> bool:
    """Creates the room unless it exists; whether it was created now."""
    info = {"RoomId": room_id, "RoomType": "Live", "Owner_Account": HOST, "RoomName": room_id}
    # 100010: exists with this owner; 100003: exists (change_room_owner gave it another).
    return _expect("/v4/live_engine_http_srv/create_room", {"RoomInfo": info}, 100010, 100003)["ErrorCode"] == 0


def _ensure_fixtures() -> None:
    if "accounts" not in _fixture:
        _expect("/v4/im_open_login_svc/multiaccount_import", {"AccountList": [{"UserID": a} for a in ACCOUNTS]})
        _expect(
            "/v4/profile/portrait_set",
            {"From_Account": HOST, "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "Host"}]},
        )
        _fixture["accounts"] = True
    if _ensure_room(ROOM):
        _expect("/emulator/v1/enter_room", {"RoomId": ROOM, "Member_Account": FAN})
        _expect(
            "/v4/live_engine_http_srv/set_room_metadata",
            {"RoomId": ROOM, "Metadata": [{"Key": "topic", "Value": "fuzz"}]},
        )
        _expect("/v4/live_engine_http_srv/add_robot", {"RoomId": ROOM, "RobotList_Account": ["st-robot"]})
        _expect(
            "/v4/live_engine_http_srv/send_gift",
            {"RoomId": ROOM, "GiftId": "rose", "Count": 2, "From_Account": FAN, "ReceiverList_Account": [HOST]},
        )
        _fixture.pop("battle", None)
    if _ensure_room(ROOM2):
        _fixture.pop("battle", None)
    if "battle" not in _fixture:
        answer = _call(
            "/v4/live_engine_http_pk/create_battle", {"FromRoomId": ROOM, "ToRoomIdList": [ROOM2], "Duration": 3600}
        )
        _fixture["battle"] = (answer.get("Response") or answer).get("BattleId") or "st-no-battle"


def _point_at_fixtures(value):
    """The body with its room, battle and user IDs (and profile tags) replaced by the fixtures'."""
    if isinstance(value, list):
        return [_point_at_fixtures(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, v in value.items():
        if key in ("RoomId", "FromRoomId", "GroupId") and isinstance(v, str):
            out[key] = ROOM
        elif key == "ToRoomIdList" and isinstance(v, list):
            out[key] = [ROOM2]
        elif key == "BattleId" and isinstance(v, str):
            out[key] = _fixture.get("battle", v)
        elif key == "TagList" and isinstance(v, list):
            out[key] = ["Tag_Profile_IM_Nick"]
        elif key.endswith("_Account") and isinstance(v, str):
            out[key] = _next_account()
        elif key.endswith("_Account") and isinstance(v, list) and all(isinstance(a, str) for a in v):
            out[key] = sorted({_next_account() for _ in range(max(1, min(len(v), len(ACCOUNTS))))})
        else:
            out[key] = _point_at_fixtures(v)
    return out


def _next_account() -> str:
    """The fixture accounts in turn, so that calls vary who they name."""
    _fixture["turn"] = _fixture.get("turn", -1) + 1
    return ACCOUNTS[_fixture["turn"] % len(ACCOUNTS)]


def _live_state_case(case) -> bool:
    """Whether the case is a positive fuzzing case of the Live API to point at the fixtures."""
    path = case.operation.path
    return (
        bool(BASE_URL)
        and isinstance(case.body, dict)
        and case.meta is not None
        and case.meta.phase.name == TestPhase.FUZZING
        and case.meta.generation.mode == GenerationMode.POSITIVE
        and path.startswith(LIVE_PREFIXES)
        and not path.endswith("/live_engine_http_srv/create_room")
    )


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    if _live_state_case(case):
        if not _fixture.get("rooms"):
            _ensure_fixtures()
            _fixture["rooms"] = True
        case.body = _point_at_fixtures(case.body)


@schemathesis.hook
def after_call(ctx, case, response):
    # A live room dismissed (perhaps a fixture room): check the fixtures before the next call.
    if case.operation.path.endswith("/live_engine_http_srv/destroy_room"):
        _fixture["rooms"] = False
