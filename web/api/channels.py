"""API: channels in the caller's area and their week schedules (with ETag)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from sqlalchemy import select

from scheduler.models import Channel
from web.access import READ, require, require_channel
from web.api import api
from web.api.common import iso, page_params, page_schema, paged_json, week_arg, week_param
from web.api.spec import query, route, schema
from web.db import db
from web.weeks import WeekView, load_weeks

CHANNEL = schema(
    "Channel",
    {
        "type": "object",
        "required": ["id", "name", "kind", "unit_id"],
        "properties": {
            "id": {"type": "integer"},
            "code": {"type": "string", "nullable": True},
            "name": {"type": "string"},
            "kind": {"type": "string"},
            "unit_id": {"type": "integer"},
            "unit_code": {"type": "string"},
            "unit_name": {"type": "string"},
            "languages": {"type": "array", "items": {"type": "string"}},
            "active_from": {"type": "string", "format": "date"},
            "active_to": {"type": "string", "format": "date", "nullable": True},
        },
    },
)
ITEM = schema(
    "ScheduledItem",
    {
        "type": "object",
        "required": ["id", "position", "programme_id", "title", "duration_seconds"],
        "properties": {
            "id": {"type": "integer"},
            "position": {"type": "integer"},
            "programme_id": {"type": "integer"},
            "title": {"type": "string"},
            "programme_type": {"type": "string"},
            "language": {"type": "string"},
            "duration_seconds": {"type": "integer"},
            "topics": {"type": "array", "items": {"type": "string"}},
            "pinned": {"type": "boolean"},
            "airing_status": {"type": "string", "nullable": True},
        },
    },
)
SLOT = schema(
    "Slot",
    {
        "type": "object",
        "required": ["id", "starts_at", "local_date", "duration_minutes", "items"],
        "properties": {
            "id": {"type": "integer"},
            "starts_at": {"type": "string", "format": "date-time"},
            "local_date": {"type": "string", "format": "date"},
            "duration_minutes": {"type": "integer"},
            "items": {"type": "array", "items": ITEM},
        },
    },
)
WEEK = schema(
    "WeekSchedule",
    {
        "type": "object",
        "required": ["channel_id", "week", "state", "version", "slots"],
        "properties": {
            "channel_id": {"type": "integer"},
            "week": {"type": "string"},
            "schedule_id": {"type": "integer", "nullable": True},
            "state": {"type": "string", "enum": ["none", "draft", "published"]},
            "version": {"type": "integer"},
            "slots": {"type": "array", "items": SLOT},
        },
    },
)
ETAG_HEADER = {"ETag": {"description": "version of the week", "schema": {"type": "string"}}}


def channel_json(c: Channel) -> dict[str, Any]:
    """A channel as the API shows it."""
    return {
        "id": c.id,
        "code": c.code,
        "name": c.name,
        "kind": c.kind,
        "unit_id": c.unit_id,
        "unit_code": c.unit.code,
        "unit_name": c.unit.name,
        "languages": c.languages,
        "active_from": iso(c.active_from),
        "active_to": iso(c.active_to),
    }


def week_json(view: WeekView) -> dict[str, Any]:
    """A week schedule as the API shows it."""
    return {
        "channel_id": view.channel_id,
        "week": str(view.week),
        "schedule_id": view.schedule_id,
        "state": view.state,
        "version": view.version,
        "slots": [
            {
                "id": s.id,
                "starts_at": iso(s.starts_at),
                "local_date": iso(s.local_date),
                "duration_minutes": s.duration_minutes,
                "items": [
                    {
                        "id": i.id,
                        "position": i.position,
                        "programme_id": i.programme_id,
                        "title": i.title,
                        "programme_type": i.programme_type,
                        "language": i.language,
                        "duration_seconds": i.duration_seconds,
                        "topics": i.topics,
                        "pinned": i.pinned,
                        "airing_status": i.airing_status,
                    }
                    for i in s.items
                ],
            }
            for s in view.slots
        ],
    }


@route(
    api,
    "/channels",
    "GET",
    summary="Channels in your area",
    tag="channels",
    params=[
        *page_params(),
        query("kind", {"type": "string", "maxLength": 40}, "only channels of this kind"),
    ],
    responses={200: page_schema(CHANNEL)},
)
def list_channels() -> Any:
    """The channels the caller may see, paged."""
    principal = require(READ)
    session = db()
    query_ = select(Channel)
    scope = principal.channel_scope(session)
    if scope is not None:
        query_ = query_.where(Channel.id.in_(list(scope)))
    kind = request.args.get("kind")
    if kind:
        query_ = query_.where(Channel.kind == kind)
    return paged_json(session, query_, channel_json, Channel.id)


@route(
    api,
    "/channels/<int:channel_id>",
    "GET",
    summary="One channel",
    tag="channels",
    responses={200: CHANNEL},
)
def get_channel(channel_id: int) -> Any:
    """A channel in the caller's area."""
    channel = require_channel(db(), channel_id, READ)
    return jsonify(channel_json(channel))


@route(
    api,
    "/channels/<int:channel_id>/schedule",
    "GET",
    summary="A channel's schedule for one ISO week, with its ETag",
    tag="schedules",
    params=[week_param()],
    responses={200: WEEK},
    headers={200: ETAG_HEADER},
)
def get_week(channel_id: int) -> Any:
    """The week's slots and items; send the ETag back as If-Match when editing."""
    session = db()
    require_channel(session, channel_id, READ)
    week = week_arg()
    view = load_weeks(session, [channel_id], week)[channel_id]
    response = jsonify(week_json(view))
    response.headers["ETag"] = view.etag
    return response
