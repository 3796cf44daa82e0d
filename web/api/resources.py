"""API: units, programmes, rules, the caller, weekly compliance of an area, iCalendar feeds."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from flask import Response, current_app, jsonify
from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy import select

from audio.messages import N_, message
from content.db import utcnow
from content.models import Programme as ProgrammeRow
from scheduler.areas import subtree_ids
from scheduler.models import AdminUnit, Channel
from scheduler.periods import Period, Week
from web.access import READ, SUPERVISE, require, require_channel
from web.api import api
from web.api.bodies import query_args
from web.api.common import paged, today
from web.api.models import Day, Id, OneOf, Out, Page, Paging, Query
from web.api.spec import route
from web.db import db
from web.problems import ApiProblem
from web.supervision import Matrix, weekly_matrix
from web.weeks import load_weeks

LEVELS = ("province", "district", "commune", "village")


class Unit(Out):
    """An administrative unit."""

    id: int
    code: str
    name: str
    level: str
    structure: str
    parent_id: int | None
    valid_from: Day
    valid_to: Day | None


class UnitQuery(Paging):
    """Units under a parent, of a level, paged."""

    parent: Id | None = Field(None, description="parent unit id")
    level: Annotated[str, OneOf(LEVELS)] | None = Field(None, description="level")


class Programme(Out):
    """A programme of the library as the API lists it."""

    id: int
    code: str | None
    title: str
    programme_type: str
    language: str
    duration_seconds: int
    topics: list[str]
    priority: str
    approved: bool = Field(validation_alias="is_approved")


class ProgrammeQuery(Paging):
    """Programmes of a language, paged."""

    language: str | None = Field(None, max_length=16, description="language code")


class Rule(Out):
    """A coverage rule in force (config.toml)."""

    id: str
    name_vi: str
    name_en: str
    source: str
    channel_kinds: list[str]
    period: str
    minimum: int
    target: int | None
    count: str
    basis: str


class Me(Out):
    """The caller: who, which role, which scope."""

    username: str
    display_name: str
    role: str
    unit_id: int | None
    channel_ids: Annotated[list[int], AfterValidator(sorted)]


class Cell(BaseModel):
    """One channel in one week."""

    week: str
    value: int | float
    status: str
    unconfirmed: int


class ChannelWeeks(BaseModel):
    """A channel's weeks over the period."""

    channel_id: int
    unit_code: str
    weeks_met: int
    weeks_applicable: int
    cells: list[Cell]


class WeeklyCompliance(BaseModel):
    """A weekly rule per channel and week of a period."""

    rule: str
    period: str
    weeks: list[str]
    channels: list[ChannelWeeks]


class WeeklyQuery(Query):
    """The period, rule and area of the weekly compliance."""

    period: str = Field(max_length=30, description="period", examples=["2026-Q4"])
    rule: str | None = Field(None, max_length=80, description="weekly rule id (default: the first)")
    unit: Id | None = Field(None, description="unit id")


@route(
    api,
    "/units",
    "GET",
    summary="Administrative units in your area (children of a unit with `parent`)",
    tag="units",
    query=UnitQuery,
    responses={200: Page[Unit]},
)
def list_units() -> Any:
    """Units the caller may see (admins: all; others: their subtree)."""
    principal = require(READ)
    args = query_args(UnitQuery)
    session = db()
    q = select(AdminUnit)
    scope = principal.unit_ids(session)
    if scope is not None:
        q = q.where(AdminUnit.id.in_(list(scope)))
    if args.parent is not None:
        q = q.where(AdminUnit.parent_id == args.parent)
    if args.level:
        q = q.where(AdminUnit.level == args.level)
    return paged(session, q, Unit, args, AdminUnit.code, AdminUnit.id)


@route(
    api,
    "/programmes",
    "GET",
    summary="The programme library",
    tag="programmes",
    query=ProgrammeQuery,
    responses={200: Page[Programme]},
)
def list_programmes() -> Any:
    """Programmes, paged (the library is shared by every area)."""
    require(READ)
    args = query_args(ProgrammeQuery)
    q = select(ProgrammeRow)
    if args.language:
        q = q.where(ProgrammeRow.language == args.language)
    return paged(db(), q, Programme, args, ProgrammeRow.id)


@route(api, "/rules", "GET", summary="Coverage rules in force", tag="rules",
       responses={200: list[Rule]})  # fmt: skip
def list_rules() -> Any:
    """The rules of config.toml."""
    require(READ)
    return jsonify(Rule.dump_all(current_app.config["LOA_SETTINGS"].rules))


@route(api, "/me", "GET", summary="Who you are, your role and scope", tag="users",
       responses={200: Me})  # fmt: skip
def me() -> Any:
    """The caller."""
    principal = require(READ)
    return jsonify(Me.dump(principal))


@route(
    api,
    "/compliance/weekly",
    "GET",
    summary="A weekly rule per channel and week of a period, in an area (basis aired)",
    tag="compliance",
    query=WeeklyQuery,
    responses={200: WeeklyCompliance},
)
def weekly_compliance() -> Any:
    """Counts and statuses per channel and week; unconfirmed items per cell."""
    principal = require(SUPERVISE)
    session = db()
    settings = current_app.config["LOA_SETTINGS"]
    args = query_args(WeeklyQuery)
    period = Period.parse(args.period)
    if len(period.weeks()) > 60:
        raise ApiProblem(422, message(N_("Choose a period of at most a year")), "period.too_long")
    rules = [r for r in settings.rules if r.period == "week"]
    rule = next((r for r in rules if r.id == args.rule), None) if args.rule else rules[0]
    if rule is None:
        raise ApiProblem(
            422, message(N_("There is no weekly rule '%(rule)s'"), rule=args.rule), "rule"
        )
    q = select(Channel).order_by(Channel.id)
    if args.unit is not None:
        unit = args.unit
        if session.get(AdminUnit, unit) is None or not principal.covers_unit(session, unit):
            raise ApiProblem(404, message(N_("This area is not in your scope")), "not_found")
        q = q.where(Channel.unit_id.in_(subtree_ids(session, unit)))
    scope = principal.channel_scope(session)
    if scope is not None:
        q = q.where(Channel.id.in_(list(scope)))
    matrix = weekly_matrix(session, settings, rule, period, list(session.scalars(q)), utcnow())
    body = WeeklyCompliance(
        rule=rule.id,
        period=period.label,
        weeks=[str(w) for w in matrix.weeks],
        channels=[_channel_weeks(matrix, c) for c in matrix.channels],
    )
    return jsonify(body.model_dump(mode="json"))


def _channel_weeks(matrix: Matrix, channel: Channel) -> ChannelWeeks:
    met, applicable = matrix.weeks_met(channel.id)
    cells = [(w, matrix.cell(channel.id, w)) for w in matrix.weeks]
    return ChannelWeeks(
        channel_id=channel.id,
        unit_code=channel.unit.code,
        weeks_met=met,
        weeks_applicable=applicable,
        cells=[Cell.model_validate({**vars(c), "week": str(w)}) for w, c in cells],
    )


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1)."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts, chunk = [], b""
    for ch in line:
        b = ch.encode()
        if len(chunk) + len(b) > (75 if not parts else 74):
            parts.append(chunk.decode())
            chunk = b""
        chunk += b
    parts.append(chunk.decode())
    return "\r\n ".join(parts)


def _stamp(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


@route(
    api,
    "/channels/<id:channel_id>/calendar.ics",
    "GET",
    summary="iCalendar feed of a channel's slots (last week and the next four)",
    tag="schedules",
    responses={200: "string"},
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
        f"X-WR-CALNAME:{_ics_text(channel.name)}",
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
                f"SUMMARY:{_ics_text(channel.name)} ({len(titles)})",
                f"DESCRIPTION:{_ics_text(chr(10).join(titles))}",
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    body = "\r\n".join(_fold(x) for x in lines) + "\r\n"
    return Response(body, mimetype="text/calendar")
