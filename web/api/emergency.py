"""API: issue an emergency broadcast, read its status (proof of air), cancel, correct, approve.

For a provincial warning system that issues broadcasts by itself: the token's user must hold a
role of `[emergency].issuer_roles` (admins always) with the area in scope; an area or a broadcast
outside the scope is answered 404, as every other resource.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request
from sqlalchemy import select

from audio.messages import N_, message
from content.db import utcnow
from scheduler.emergency import issue as ops
from scheduler.emergency.models import DELIVERY_STATES, EmergencyBroadcast
from scheduler.emergency.proof import proof
from scheduler.emergency.targets import (
    Repeats,
    parse_times,
    parse_until,
    programme_from_speech,
)
from scheduler.models import AdminUnit
from web.access import READ, SUPERVISE, Principal, require
from web.api import api
from web.api.spec import query, route, schema
from web.api.validate import json_body, parse_datetime
from web.db import db
from web.emergency_access import issuer_of
from web.problems import ApiProblem

_ROW = {
    "type": "object",
    "properties": {
        "delivery_id": {"type": "integer"}, "channel_id": {"type": "integer"},
        "channel": {"type": "string"}, "kind": {"type": "string"}, "unit": {"type": "string"},
        "unit_code": {"type": "string"}, "state": {"type": "string", "enum": list(DELIVERY_STATES)},
        "delivered_at": {"type": "string", "format": "date-time", "nullable": True},
        "aired_at": {"type": "string", "format": "date-time", "nullable": True},
        "aired_by": {"type": "string", "nullable": True},
        "aired_via": {"type": "string", "enum": ["agent", "person"], "nullable": True},
        "seconds": {"type": "integer", "nullable": True},
        "failure_reason": {"type": "string", "nullable": True},
        "escalated": {"type": "boolean"},
        "minutes_to_air": {"type": "number", "nullable": True},
        "within_deadline": {"type": "boolean"},
    },
}  # fmt: skip
STATUS = schema(
    "EmergencyStatus",
    {
        "type": "object",
        "required": ["id", "title", "state", "stations", "counts", "items"],
        "properties": {
            "id": {"type": "integer"}, "title": {"type": "string"},
            "state": {"type": "string", "enum": ["awaiting_approval", "active", "cancelled"]},
            "version": {"type": "integer"}, "programme_id": {"type": "integer"},
            "unit_id": {"type": "integer"}, "deadline_minutes": {"type": "integer"},
            "issued_by": {"type": "string"},
            "issued_at": {"type": "string", "format": "date-time"},
            "effective_at": {"type": "string", "format": "date-time", "nullable": True},
            "expires_at": {"type": "string", "format": "date-time"},
            "occurrence": {"type": "integer"}, "occurrences": {"type": "integer"},
            "stations": {"type": "integer"},
            "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
            "aired_by_agent": {"type": "integer"}, "within_deadline": {"type": "integer"},
            "share_within_deadline": {"type": "number", "nullable": True},
            "items": {"type": "array", "items": _ROW},
        },
    },
)  # fmt: skip
_HHMM = {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"}
CREATE_BODY = {
    "type": "object",
    "required": ["unit", "within_minutes"],
    "additionalProperties": False,
    "properties": {
        "unit": {"type": "string", "minLength": 1, "maxLength": 20, "description": "GSO code"},
        "programme_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
        "text": {"type": "string", "minLength": 1, "maxLength": 20000,
                 "description": "read aloud offline ([speech]) when no programme is given"},
        "title": {"type": "string", "maxLength": 300},
        "reason": {"type": "string", "maxLength": 2000},
        "within_minutes": {"type": "integer", "minimum": 1, "maximum": 1440},
        "channel_kinds": {"type": "array", "items": {"type": "string"}, "maxItems": 20},
        "channel_ids": {"type": "array", "items": {"type": "integer"}, "maxItems": 20000},
        "repeat_times": {"type": "array", "items": _HHMM, "maxItems": 24},
        "every_minutes": {"type": "integer", "minimum": 1, "maximum": 1440},
        "until": {"type": "string", "maxLength": 40, "description": "HH:MM local or RFC 3339"},
        "expires_at": {"type": "string", "format": "date-time"},
    },
}  # fmt: skip
CANCEL_BODY = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"reason": {"type": "string", "maxLength": 2000}},
}
CORRECTION_BODY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["programme_id"],
    "properties": {
        "programme_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
        "title": {"type": "string", "maxLength": 300},
    },
}
_OCCURRENCE = query("occurrence", {"type": "integer", "minimum": 0}, "0 = the first airing")


def _not_found(what: str, **params: Any) -> ApiProblem:
    return ApiProblem(404, message(what, **params), "not_found")


def _issuer() -> tuple[Principal, ops.Issuer]:
    """The caller, whose role must allow issuing (403 otherwise)."""
    principal = require(READ)
    settings = current_app.config["LOA_SETTINGS"]
    if not ops.may_issue(settings, principal.role):
        raise ApiProblem(
            403,
            message(N_("The role '%(role)s' may not issue emergency broadcasts."),
                    role=principal.role),
            "forbidden",
        )  # fmt: skip
    return principal, issuer_of(db(), principal)


def _in_scope(principal: Principal, broadcast_id: int) -> EmergencyBroadcast:
    """The broadcast if its area lies in the caller's scope; 404 otherwise."""
    session = db()
    b = session.get(EmergencyBroadcast, broadcast_id)
    if b is None or not principal.covers_unit(session, b.unit_id):
        raise _not_found(N_("Emergency broadcast %(id)s was not found."), id=broadcast_id)
    return b


def _status(b: EmergencyBroadcast, occurrence: int = 0) -> dict[str, Any]:
    return proof(db(), b, occurrence).as_json()


@route(api, "/emergency", "POST", summary="Issue an emergency broadcast to an area",
       tag="emergency", body=CREATE_BODY, responses={201: STATUS})  # fmt: skip
def create_emergency() -> Any:
    """Issue at once (or for approval when [emergency].approval); the status document back."""
    principal, who = _issuer()
    body = json_body(CREATE_BODY)
    session = db()
    settings = current_app.config["LOA_SETTINGS"]
    unit = session.scalar(
        select(AdminUnit).where(AdminUnit.code == body["unit"], AdminUnit.valid_to.is_(None))
    )
    if unit is None or not principal.covers_unit(session, unit.id):
        raise _not_found(N_("Unit %(code)s was not found in your area."), code=body["unit"])
    now = utcnow()
    if ("programme_id" in body) == ("text" in body):
        raise ApiProblem(
            422, message(N_("Give either programme_id or text.")), "emergency.programme"
        )
    if "text" in body:
        title = body.get("title") or body["text"][:80]
        programme_id = programme_from_speech(session, settings, body["text"], title, who.name).id
    else:
        programme_id = body["programme_id"]
    until = parse_until(body["until"], now, settings.zone) if body.get("until") else None
    expires = body.get("expires_at")
    req = ops.Request(
        programme_id=programme_id, unit_id=unit.id, deadline_minutes=body["within_minutes"],
        title=body.get("title"), reason=body.get("reason"),
        channel_kinds=tuple(body.get("channel_kinds", ())),
        channel_ids=tuple(body.get("channel_ids", ())),
        repeats=Repeats(parse_times(body.get("repeat_times", [])), body.get("every_minutes"),
                        until),
        expires_at=parse_datetime(expires, "body.expires_at") if expires else None,
    )  # fmt: skip
    b = ops.issue(session, settings, req, who, now)
    payload = _status(b)
    session.commit()
    return jsonify(payload), 201


@route(api, "/emergency/<int:broadcast_id>", "GET", summary="Status and proof of air",
       tag="emergency", params=[_OCCURRENCE], responses={200: STATUS})  # fmt: skip
def emergency_status(broadcast_id: int) -> Any:
    """Every station of the area with its state, when and by whom it aired."""
    principal = require(SUPERVISE)
    b = _in_scope(principal, broadcast_id)
    occurrence = max(0, request.args.get("occurrence", 0, type=int) or 0)
    return jsonify(_status(b, occurrence))


@route(api, "/emergency/<int:broadcast_id>/cancel", "POST", summary="Cancel a broadcast",
       tag="emergency", body=CANCEL_BODY, responses={200: STATUS})  # fmt: skip
def cancel_emergency(broadcast_id: int) -> Any:
    """Stations that have not started it will not air it."""
    principal, who = _issuer()
    body = json_body(CANCEL_BODY)
    b = _in_scope(principal, broadcast_id)
    settings = current_app.config["LOA_SETTINGS"]
    ops.cancel(db(), settings, b.id, who, utcnow(), body.get("reason"))
    payload = _status(b)
    db().commit()
    return jsonify(payload)


@route(api, "/emergency/<int:broadcast_id>/correction", "POST",
       summary="Replace the audio wherever it has not aired yet", tag="emergency",
       body=CORRECTION_BODY, responses={200: STATUS})  # fmt: skip
def correct_emergency(broadcast_id: int) -> Any:
    """A correction: the new programme replaces the old one where not yet aired."""
    principal, who = _issuer()
    body = json_body(CORRECTION_BODY)
    b = _in_scope(principal, broadcast_id)
    settings = current_app.config["LOA_SETTINGS"]
    ops.correct(db(), settings, b.id, body["programme_id"], who, utcnow(), body.get("title"))
    payload = _status(b)
    db().commit()
    return jsonify(payload)


@route(api, "/emergency/<int:broadcast_id>/approval", "POST",
       summary="Approve a broadcast issued by another person ([emergency].approval)",
       tag="emergency", responses={200: STATUS})  # fmt: skip
def approve_emergency(broadcast_id: int) -> Any:
    """The second person's approval: the broadcast goes out now."""
    principal, who = _issuer()
    b = _in_scope(principal, broadcast_id)
    ops.approve(db(), current_app.config["LOA_SETTINGS"], b.id, who, utcnow())
    payload = _status(b)
    db().commit()
    return jsonify(payload)
