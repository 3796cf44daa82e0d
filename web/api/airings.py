"""API: confirm scheduled items, log unplanned airings, read a channel's airing log."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify
from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler import airings as ops
from scheduler.errors import LoaError
from scheduler.models import AIRING_STATUSES, ScheduledItem, Slot
from scheduler.periods import Week
from web.access import CONFIRM, READ, Principal, current, require, require_channel
from web.api import api
from web.api.common import airing_json, week_arg, week_param
from web.api.spec import route, schema
from web.api.validate import json_body, parse_datetime
from web.confirmation import confirm_and_commit
from web.db import db
from web.problems import ApiProblem

AIRING = schema(
    "Airing",
    {
        "type": "object",
        "required": ["id", "channel_id", "programme_id", "status", "started_at"],
        "properties": {
            "id": {"type": "integer"},
            "channel_id": {"type": "integer"},
            "scheduled_item_id": {"type": "integer", "nullable": True},
            "programme_id": {"type": "integer"},
            "status": {"type": "string", "enum": list(AIRING_STATUSES)},
            "started_at": {"type": "string", "format": "date-time"},
            "local_date": {"type": "string", "format": "date"},
            "duration_seconds": {"type": "integer"},
            "reason_code": {"type": "string", "nullable": True},
            "reason_text": {"type": "string", "nullable": True},
            "source": {"type": "string"},
            "client_ref": {"type": "string", "nullable": True},
            "confirmed_by": {"type": "string"},
            "confirmed_at": {"type": "string", "format": "date-time"},
            "unplanned": {"type": "boolean"},
        },
    },
)
_TEXT = {"type": "string", "maxLength": 2000, "nullable": True}
CONFIRMATION_BODY = {
    "type": "object",
    "required": ["status"],
    "additionalProperties": False,
    "properties": {
        "status": {"type": "string", "enum": list(AIRING_STATUSES)},
        "actual_start": {"type": "string", "format": "date-time", "nullable": True},
        "actual_duration_seconds": {
            "type": "integer",
            "minimum": 0,
            "maximum": 86400,
            "nullable": True,
        },
        "reason_code": {"type": "string", "maxLength": 40, "nullable": True},
        "reason_text": _TEXT,
    },
}
UNPLANNED_BODY = {
    "type": "object",
    "required": ["programme_id", "started_at", "client_ref"],
    "additionalProperties": False,
    "properties": {
        "programme_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
        "started_at": {"type": "string", "format": "date-time"},
        "duration_seconds": {"type": "integer", "minimum": 0, "maximum": 86400, "nullable": True},
        "status": {"type": "string", "enum": ["aired", "partial"]},
        "client_ref": {"type": "string", "minLength": 1, "maxLength": 64},
    },
}


def _source() -> str:
    principal = current()
    return "api" if principal is not None and principal.via_token else "web"


def _not_found(item_id: int) -> ApiProblem:
    return ApiProblem(
        404,
        f"không tìm thấy mục lịch {item_id} trong địa bàn của bạn / "
        f"scheduled item {item_id} not found in your area",
        "not_found",
    )


def _item_in_scope(session: Session, principal: Principal, item_id: int) -> bool:
    channel_id = session.scalar(
        select(Slot.channel_id)
        .join(ScheduledItem, ScheduledItem.slot_id == Slot.id)
        .where(ScheduledItem.id == item_id)
    )
    return channel_id is not None and principal.covers_channel_id(session, channel_id)


@route(
    api,
    "/items/<int:item_id>/confirmation",
    "POST",
    summary="Confirm what happened to a scheduled item (idempotent)",
    tag="airings",
    body=CONFIRMATION_BODY,
    responses={200: AIRING, 201: AIRING},
)
def confirm_item(item_id: int) -> Any:
    """Record aired / partial / not aired / cancelled; the same body twice gives one airing."""
    principal = require(CONFIRM)
    body = json_body(CONFIRMATION_BODY)
    session = db()
    start = body.get("actual_start")
    # The scope is checked on the item's channel before anything is written; anything outside
    # the caller's area is answered 404, errors included.
    try:
        airing, created = confirm_and_commit(
            session,
            current_app.config["LOA_SETTINGS"],
            item_id,
            body["status"],
            principal.username,
            allowed=lambda channel_id: principal.covers_channel_id(session, channel_id),
            started_at=parse_datetime(start, "body.actual_start") if start else None,
            duration_seconds=body.get("actual_duration_seconds"),
            reason_code=body.get("reason_code"),
            reason_text=body.get("reason_text"),
            source=_source(),
        )
    except LoaError:
        session.rollback()
        if not _item_in_scope(session, principal, item_id):
            raise _not_found(item_id) from None
        raise
    return jsonify(airing_json(airing)), 201 if created else 200


@route(
    api,
    "/channels/<int:channel_id>/airings",
    "POST",
    summary="Log an unplanned airing (client_ref makes retries safe)",
    tag="airings",
    body=UNPLANNED_BODY,
    responses={200: AIRING, 201: AIRING},
)
def log_unplanned(channel_id: int) -> Any:
    """A programme aired outside the schedule; a retry with the same client_ref changes nothing."""
    principal = require(CONFIRM)
    body = json_body(UNPLANNED_BODY)
    session = db()
    require_channel(session, channel_id, CONFIRM)
    airing, created = ops.log_unplanned(
        session,
        current_app.config["LOA_SETTINGS"],
        channel_id,
        body["programme_id"],
        principal.username,
        started_at=parse_datetime(body["started_at"], "body.started_at"),
        duration_seconds=body.get("duration_seconds"),
        status=body.get("status", "aired"),
        client_ref=body["client_ref"],
        source=_source(),
    )
    payload = airing_json(airing)
    session.commit()
    return jsonify(payload), 201 if created else 200


AIRING_LIST = schema(
    "AiringList",
    {
        "type": "object",
        "required": ["items", "week"],
        "properties": {"week": {"type": "string"}, "items": {"type": "array", "items": AIRING}},
    },
)


@route(
    api,
    "/channels/<int:channel_id>/airings",
    "GET",
    summary="The airing log of a channel for one ISO week",
    tag="airings",
    params=[week_param()],
    responses={200: AIRING_LIST},
)
def list_airings(channel_id: int) -> Any:
    """Airings of a week (default: this week), in time order."""
    session = db()
    require_channel(session, channel_id, READ)
    week: Week = week_arg()
    rows = ops.airings_of_week(session, channel_id, week)
    return jsonify({"week": str(week), "items": [airing_json(a) for a in rows]})
