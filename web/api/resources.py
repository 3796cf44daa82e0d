"""API: units, programmes, rules, the caller, weekly compliance of an area, iCalendar feeds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Response, current_app, jsonify, request
from sqlalchemy import select

from content.db import utcnow
from content.export_safe import ical_fold, ical_text
from content.models import Programme
from scheduler.areas import subtree_ids
from scheduler.models import AdminUnit, Channel
from scheduler.periods import Period, PeriodError, Week
from web.access import READ, SUPERVISE, current, require, require_channel
from web.api import api
from web.api.common import iso, page_params, page_schema, paged_json, today
from web.api.spec import query, route, schema
from web.db import db
from web.problems import ApiProblem
from web.supervision import weekly_matrix
from web.weeks import load_weeks

UNIT = schema(
    "Unit",
    {
        "type": "object",
        "required": ["id", "code", "name", "level", "structure"],
        "properties": {
            "id": {"type": "integer"},
            "code": {"type": "string"},
            "name": {"type": "string"},
            "level": {"type": "string"},
            "structure": {"type": "string"},
            "parent_id": {"type": "integer", "nullable": True},
            "valid_from": {"type": "string", "format": "date"},
            "valid_to": {"type": "string", "format": "date", "nullable": True},
        },
    },
)
PROGRAMME = schema(
    "Programme",
    {
        "type": "object",
        "required": ["id", "title", "programme_type", "language", "duration_seconds"],
        "properties": {
            "id": {"type": "integer"},
            "code": {"type": "string", "nullable": True},
            "title": {"type": "string"},
            "programme_type": {"type": "string"},
            "language": {"type": "string"},
            "duration_seconds": {"type": "integer"},
            "topics": {"type": "array", "items": {"type": "string"}},
            "priority": {"type": "string"},
            "approved": {"type": "boolean"},
        },
    },
)
RULE = schema(
    "Rule",
    {
        "type": "object",
        "required": ["id", "name_vi", "name_en", "period", "minimum"],
        "properties": {
            "id": {"type": "string"},
            "name_vi": {"type": "string"},
            "name_en": {"type": "string"},
            "source": {"type": "string"},
            "channel_kinds": {"type": "array", "items": {"type": "string"}},
            "period": {"type": "string"},
            "minimum": {"type": "integer"},
            "target": {"type": "integer", "nullable": True},
            "count": {"type": "string"},
            "basis": {"type": "string"},
        },
    },
)
ME = schema(
    "Me",
    {
        "type": "object",
        "required": ["username", "role"],
        "properties": {
            "username": {"type": "string"},
            "display_name": {"type": "string"},
            "role": {"type": "string"},
            "unit_id": {"type": "integer", "nullable": True},
            "channel_ids": {"type": "array", "items": {"type": "integer"}},
        },
    },
)
WEEKLY = schema(
    "WeeklyCompliance",
    {
        "type": "object",
        "required": ["rule", "period", "weeks", "channels"],
        "properties": {
            "rule": {"type": "string"},
            "period": {"type": "string"},
            "weeks": {"type": "array", "items": {"type": "string"}},
            "channels": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["channel_id", "cells"],
                    "properties": {
                        "channel_id": {"type": "integer"},
                        "unit_code": {"type": "string"},
                        "weeks_met": {"type": "integer"},
                        "weeks_applicable": {"type": "integer"},
                        "cells": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "week": {"type": "string"},
                                    "value": {"type": "number"},
                                    "status": {"type": "string"},
                                    "unconfirmed": {"type": "integer"},
                                },
                            },
                        },
                    },
                },
            },
        },
    },
)


def unit_json(u: AdminUnit) -> dict[str, Any]:
    """A unit as the API shows it."""
    return {
        "id": u.id,
        "code": u.code,
        "name": u.name,
        "level": u.level,
        "structure": u.structure,
        "parent_id": u.parent_id,
        "valid_from": iso(u.valid_from),
        "valid_to": iso(u.valid_to),
    }


@route(
    api,
    "/units",
    "GET",
    summary="Administrative units in your area (children of a unit with `parent`)",
    tag="units",
    params=[
        *page_params(),
        query("parent", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, "parent unit id"),
        query(
            "level",
            {"type": "string", "enum": ["province", "district", "commune", "village"]},
            "level",
        ),
    ],
    responses={200: page_schema(UNIT)},
)
def list_units() -> Any:
    """Units the caller may see (admins: all; others: their subtree)."""
    principal = require(READ)
    session = db()
    q = select(AdminUnit)
    scope = principal.unit_ids(session)
    if scope is not None:
        q = q.where(AdminUnit.id.in_(list(scope)))
    parent = request.args.get("parent", type=int)
    if parent is not None:
        q = q.where(AdminUnit.parent_id == parent)
    level = request.args.get("level")
    if level:
        if level not in ("province", "district", "commune", "village"):
            raise ApiProblem(
                422,
                "cấp: tỉnh, huyện, xã hoặc thôn (province, district, commune, village) / "
                "level: province, district, commune or village",
                "invalid",
            )
        q = q.where(AdminUnit.level == level)
    return paged_json(session, q, unit_json, AdminUnit.code, AdminUnit.id)


@route(
    api,
    "/programmes",
    "GET",
    summary="The programme library",
    tag="programmes",
    params=[
        *page_params(),
        query("language", {"type": "string", "maxLength": 16}, "language code"),
    ],
    responses={200: page_schema(PROGRAMME)},
)
def list_programmes() -> Any:
    """Programmes, paged (the library is shared by every area)."""
    require(READ)
    q = select(Programme)
    language = request.args.get("language")
    if language:
        q = q.where(Programme.language == language)
    return paged_json(db(), q, _programme_json, Programme.id)


def _programme_json(p: Programme) -> dict[str, Any]:
    """A programme of the library as the API lists it."""
    return {
        "id": p.id,
        "code": p.code,
        "title": p.title,
        "programme_type": p.programme_type,
        "language": p.language,
        "duration_seconds": p.duration_seconds,
        "topics": p.topics,
        "priority": p.priority,
        "approved": p.is_approved,
    }


@route(api, "/rules", "GET", summary="Coverage rules in force", tag="rules",
       responses={200: {"type": "array", "items": RULE}})  # fmt: skip
def list_rules() -> Any:
    """The rules of config.toml."""
    require(READ)
    return jsonify(
        [
            {
                "id": r.id,
                "name_vi": r.name_vi,
                "name_en": r.name_en,
                "source": r.source,
                "channel_kinds": list(r.channel_kinds),
                "period": r.period,
                "minimum": r.minimum,
                "target": r.target,
                "count": r.count,
                "basis": r.basis,
            }
            for r in current_app.config["LOA_SETTINGS"].rules
        ]
    )


@route(api, "/me", "GET", summary="Who you are, your role and scope", tag="users",
       responses={200: ME})  # fmt: skip
def me() -> Any:
    """The caller."""
    require(READ)
    p = current()
    assert p is not None
    return jsonify(
        {
            "username": p.username,
            "display_name": p.display_name,
            "role": p.role,
            "unit_id": p.unit_id,
            "channel_ids": sorted(p.channel_ids),
        }
    )


@route(
    api,
    "/compliance/weekly",
    "GET",
    summary="A weekly rule per channel and week of a period, in an area (basis aired)",
    tag="compliance",
    params=[
        query("period", {"type": "string", "maxLength": 30, "example": "2026-Q4"}, "period", True),
        query("rule", {"type": "string", "maxLength": 80}, "weekly rule id (default: the first)"),
        query("unit", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, "unit id"),
    ],
    responses={200: WEEKLY},
)
def weekly_compliance() -> Any:
    """Counts and statuses per channel and week; unconfirmed items per cell."""
    principal = require(SUPERVISE)
    session = db()
    settings = current_app.config["LOA_SETTINGS"]
    try:
        period = Period.parse(request.args.get("period", ""))
    except PeriodError as exc:
        raise ApiProblem(422, str(exc), "period") from exc
    if len(period.weeks()) > 60:
        raise ApiProblem(
            422, "chọn kỳ dài tối đa một năm / choose a period of at most a year", "period"
        )
    rules = [r for r in settings.rules if r.period == "week"]
    wanted = request.args.get("rule")
    rule = next((r for r in rules if r.id == wanted), None) if wanted else rules[0]
    if rule is None:
        raise ApiProblem(
            422,
            f"quy định theo tuần '{wanted}' không hợp lệ / unknown weekly rule '{wanted}'",
            "rule",
        )
    q = select(Channel).order_by(Channel.id)
    unit_id = request.args.get("unit", type=int)
    if unit_id is not None:
        if session.get(AdminUnit, unit_id) is None or not principal.covers_unit(session, unit_id):
            raise ApiProblem(
                404, "địa bàn này không thuộc phạm vi của bạn / this area is not yours", "not_found"
            )
        q = q.where(Channel.unit_id.in_(subtree_ids(session, unit_id)))
    scope = principal.channel_scope(session)
    if scope is not None:
        q = q.where(Channel.id.in_(list(scope)))
    matrix = weekly_matrix(session, settings, rule, period, list(session.scalars(q)), utcnow())
    return jsonify(
        {
            "rule": rule.id,
            "period": period.label,
            "weeks": [str(w) for w in matrix.weeks],
            "channels": [
                {
                    "channel_id": c.id,
                    "unit_code": c.unit.code,
                    "weeks_met": matrix.weeks_met(c.id)[0],
                    "weeks_applicable": matrix.weeks_met(c.id)[1],
                    "cells": [
                        {
                            "week": str(w),
                            "value": matrix.cell(c.id, w).value,
                            "status": matrix.cell(c.id, w).status,
                            "unconfirmed": matrix.cell(c.id, w).unconfirmed,
                        }
                        for w in matrix.weeks
                    ],
                }
                for c in matrix.channels
            ],
        }
    )


def _stamp(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


@route(
    api,
    "/channels/<int:channel_id>/calendar.ics",
    "GET",
    summary="iCalendar feed of a channel's slots (last week and the next four)",
    tag="schedules",
    responses={200: {"type": "string"}},
    content_type="text/calendar",
)
def calendar(channel_id: int) -> Any:
    """One VEVENT per slot with its programmes, for calendar applications."""
    session = db()
    channel = require_channel(session, channel_id, READ)
    start = Week.of(today()).shift(-1)
    now = _stamp(utcnow())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Loa//Lich phat song//VI",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{ical_text(channel.name)}",
    ]
    for offset in range(6):
        week = start.shift(offset)
        view = load_weeks(session, [channel_id], week, with_airings=False)[channel_id]
        for slot in view.slots:
            titles = [i.title for i in slot.items]
            end = slot.starts_at + dt.timedelta(minutes=slot.duration_minutes)
            lines += [
                "BEGIN:VEVENT",
                f"UID:loa-slot-{slot.id}@loa",
                f"DTSTAMP:{now}",
                f"DTSTART:{_stamp(slot.starts_at)}",
                f"DTEND:{_stamp(end)}",
                f"SUMMARY:{ical_text(channel.name)} ({len(titles)})",
                f"DESCRIPTION:{ical_text(chr(10).join(titles))}",
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    body = "\r\n".join(ical_fold(x) for x in lines) + "\r\n"
    return Response(body, mimetype="text/calendar")
