"""API: weekly compliance of an area, per channel and week of a period."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify
from pydantic import BaseModel, Field
from sqlalchemy import select

from audio.messages import N_, message
from content.db import utcnow
from scheduler.areas import subtree_ids
from scheduler.models import AdminUnit, Channel
from scheduler.periods import Period
from web.access import SUPERVISE, require
from web.api import api
from web.api.bodies import query_args
from web.api.models import Id, Query
from web.api.spec import route
from web.db import db
from web.problems import ApiProblem
from web.supervision import Matrix, weekly_matrix


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
