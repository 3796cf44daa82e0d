"""API: issue an emergency broadcast, read its status (proof of air), cancel, correct, approve.

For a provincial warning system that issues broadcasts by itself: the token's user must hold a
role of `[emergency].issuer_roles` (admins always) with the area in scope; an area or a broadcast
outside the scope is answered 404, as every other resource.
"""

from __future__ import annotations

from typing import Annotated, Any

from flask import current_app, jsonify
from pydantic import BaseModel, Field
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
from web.api.bodies import json_body, query_args
from web.api.models import AwareTime, Id, In, LongText2000, LongText20000, OneOf, Query, Text
from web.api.spec import route
from web.db import db
from web.emergency_access import issuer_of
from web.problems import ApiProblem

Moment = Annotated[str | None, Field(json_schema_extra={"format": "date-time"})]


class StationState(BaseModel):
    """One station of the area: its state, when and by whom the broadcast aired."""

    delivery_id: int
    channel_id: int
    channel: str
    kind: str
    unit: str
    unit_code: str
    state: Annotated[str, OneOf(DELIVERY_STATES)]
    delivered_at: Moment
    aired_at: Moment
    aired_by: str | None
    aired_via: Annotated[str, OneOf(("agent", "person"))] | None
    seconds: int | None
    failure_reason: str | None
    escalated: bool
    minutes_to_air: float | None
    within_deadline: bool


class EmergencyStatus(BaseModel):
    """A broadcast and the proof of air of one of its occurrences."""

    id: int
    title: str
    state: Annotated[str, OneOf(("awaiting_approval", "active", "cancelled"))]
    version: int
    programme_id: int
    unit_id: int
    deadline_minutes: int
    issued_by: str
    issued_at: Moment
    effective_at: Moment
    approved_by: str | None
    expires_at: Moment
    cancelled_at: Moment
    reason: str | None
    occurrence: int
    occurrences: int
    due_at: Moment
    deadline: Moment
    stations: int
    counts: dict[str, int]
    aired_by_agent: int
    within_deadline: int
    share_within_deadline: float | None
    items: list[StationState]


HHMM = Annotated[str, Field(pattern=r"^[0-2][0-9]:[0-5][0-9]$")]


class EmergencyIn(In):
    """An emergency broadcast to issue: a programme or a text read aloud offline."""

    unit: Annotated[Text, Field(min_length=1, max_length=20, description="GSO code")]
    within_minutes: int = Field(ge=1, le=1440)
    programme_id: Id | None = None
    text: LongText20000 | None = Field(
        None, description="read aloud offline ([speech]) when no programme is given"
    )
    title: Annotated[Text, Field(max_length=300)] | None = None
    reason: LongText2000 | None = None
    channel_kinds: list[Text] = Field(default_factory=list, max_length=20)
    channel_ids: list[Id] = Field(default_factory=list, max_length=20000)
    repeat_times: list[HHMM] = Field(default_factory=list, max_length=24)
    every_minutes: int | None = Field(None, ge=1, le=1440)
    until: Annotated[Text, Field(max_length=40, description="HH:MM local or RFC 3339")] | None = (
        None
    )
    expires_at: AwareTime | None = None


class CancelIn(In):
    """Why a broadcast is cancelled."""

    reason: LongText2000 | None = None


class CorrectionIn(In):
    """The programme that replaces the broadcast's audio wherever it has not aired yet."""

    programme_id: Id
    title: Annotated[Text, Field(max_length=300)] | None = None


class OccurrenceQuery(Query):
    """Which airing of a repeated broadcast."""

    occurrence: int = Field(0, ge=0, le=100000, description="0 = the first airing")


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
    payload = proof(db(), b, occurrence).as_json()
    return EmergencyStatus.model_validate(payload).model_dump(mode="json")


@route(api, "/emergency", "POST", summary="Issue an emergency broadcast to an area",
       tag="emergency", body=EmergencyIn, responses={201: EmergencyStatus})  # fmt: skip
def create_emergency() -> Any:
    """Issue at once (or for approval when [emergency].approval); the status document back."""
    principal, who = _issuer()
    body = json_body(EmergencyIn)
    session = db()
    settings = current_app.config["LOA_SETTINGS"]
    unit = session.scalar(
        select(AdminUnit).where(AdminUnit.code == body.unit, AdminUnit.valid_to.is_(None))
    )
    if unit is None or not principal.covers_unit(session, unit.id):
        raise _not_found(N_("Unit %(code)s was not found in your area."), code=body.unit)
    now = utcnow()
    if (body.programme_id is None) == (body.text is None):
        raise ApiProblem(
            422, message(N_("Give either programme_id or text.")), "emergency.programme"
        )
    if body.text is not None:
        title = body.title or body.text[:80]
        programme_id = programme_from_speech(session, settings, body.text, title, who.name).id
    else:
        assert body.programme_id is not None
        programme_id = body.programme_id
    until = parse_until(body.until, now, settings.zone) if body.until else None
    req = ops.Request(
        programme_id=programme_id, unit_id=unit.id, deadline_minutes=body.within_minutes,
        title=body.title, reason=body.reason,
        channel_kinds=tuple(body.channel_kinds), channel_ids=tuple(body.channel_ids),
        repeats=Repeats(parse_times(body.repeat_times), body.every_minutes, until),
        expires_at=body.expires_at,
    )  # fmt: skip
    b = ops.issue(session, settings, req, who, now)
    payload = _status(b)
    session.commit()
    return jsonify(payload), 201


@route(api, "/emergency/<id:broadcast_id>", "GET", summary="Status and proof of air",
       tag="emergency", query=OccurrenceQuery, responses={200: EmergencyStatus})  # fmt: skip
def emergency_status(broadcast_id: int) -> Any:
    """Every station of the area with its state, when and by whom it aired."""
    principal = require(SUPERVISE)
    b = _in_scope(principal, broadcast_id)
    return jsonify(_status(b, query_args(OccurrenceQuery).occurrence))


@route(api, "/emergency/<id:broadcast_id>/cancel", "POST", summary="Cancel a broadcast",
       tag="emergency", body=CancelIn, responses={200: EmergencyStatus})  # fmt: skip
def cancel_emergency(broadcast_id: int) -> Any:
    """Stations that have not started it will not air it."""
    principal, who = _issuer()
    body = json_body(CancelIn)
    b = _in_scope(principal, broadcast_id)
    settings = current_app.config["LOA_SETTINGS"]
    ops.cancel(db(), settings, b.id, who, utcnow(), body.reason)
    payload = _status(b)
    db().commit()
    return jsonify(payload)


@route(api, "/emergency/<id:broadcast_id>/correction", "POST",
       summary="Replace the audio wherever it has not aired yet", tag="emergency",
       body=CorrectionIn, responses={200: EmergencyStatus})  # fmt: skip
def correct_emergency(broadcast_id: int) -> Any:
    """A correction: the new programme replaces the old one where not yet aired."""
    principal, who = _issuer()
    body = json_body(CorrectionIn)
    b = _in_scope(principal, broadcast_id)
    settings = current_app.config["LOA_SETTINGS"]
    ops.correct(db(), settings, b.id, body.programme_id, who, utcnow(), body.title)
    payload = _status(b)
    db().commit()
    return jsonify(payload)


@route(api, "/emergency/<id:broadcast_id>/approval", "POST",
       summary="Approve a broadcast issued by another person ([emergency].approval)",
       tag="emergency", responses={200: EmergencyStatus})  # fmt: skip
def approve_emergency(broadcast_id: int) -> Any:
    """The second person's approval: the broadcast goes out now."""
    principal, who = _issuer()
    b = _in_scope(principal, broadcast_id)
    ops.approve(db(), current_app.config["LOA_SETTINGS"], b.id, who, utcnow())
    payload = _status(b)
    db().commit()
    return jsonify(payload)
