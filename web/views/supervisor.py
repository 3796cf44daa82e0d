"""Supervisor pages: shares at minimum and target, the commune x week heat map, drill-down,
deadlines and the heat map's CSV, for a chosen period and area (read-only)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import get_translations
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audio.messages import N_
from content.db import utcnow
from scheduler import airings as airing_ops
from scheduler.areas import subtree_ids
from scheduler.compliance.export_flat import csv_bytes, number
from scheduler.compliance.labels import Reader, capital, period_name, status_name, week_name
from scheduler.config import Rule, Settings
from scheduler.errors import Invalid, NotFound
from scheduler.fleet.evidence import evidence_for
from scheduler.models import AdminUnit, Channel
from scheduler.periods import Period, PeriodError, Week
from scheduler.units.text import vi_sort_key
from web.access import SUPERVISE, Principal, require, require_channel
from web.api.common import today
from web.db import db
from web.i18n import lang
from web.supervision import (
    PICKER_KINDS,
    Cell,
    coming_deadlines,
    counted_rules,
    period_choices,
    weekly_matrices,
    weekly_matrix,
)
from web.views.home import login_required
from web.weeks import load_weeks, parse_week

bp = Blueprint("supervisor", __name__, url_prefix="/supervise")
bp.before_request(login_required)  # pages: anonymous visitors go to sign-in

MAX_WEEKS = 60


def reader() -> Reader:
    """Exports and words in the page's language."""
    return Reader(lang(), get_translations().gettext)


def _iso_day(raw: str) -> str:
    """A typed dd/mm/yyyy date as ISO (the period parser's form); other text unchanged."""
    raw = raw.strip()
    try:
        return dt.datetime.strptime(raw, "%d/%m/%Y").date().isoformat()
    except ValueError:
        return raw


def chosen_period() -> Period:
    """The period asked for: a code from the picker, or a date range (from, to)."""
    if request.args.get("kind") == "range" or (
        "period" not in request.args and request.args.get("from")
    ):
        first, last = request.args.get("from", ""), request.args.get("to", "")
        try:
            period = Period.parse(f"{_iso_day(first)}..{_iso_day(last)}")
        except PeriodError as exc:
            raise Invalid(
                N_("Give the date range as two dates, the end not before the start."),
                code="period.range",
            ) from exc
    else:
        raw = request.args.get("period", "").strip()
        if not raw:
            d = today()
            raw = f"{d.year}-Q{(d.month - 1) // 3 + 1}"
        try:
            period = Period.parse(raw)
        except PeriodError as exc:
            raise Invalid(
                N_("'%(period)s' is not a period: choose one from the list, or a date range."),
                code="period.invalid",
                period=raw[:40],
            ) from exc
    if len(period.weeks()) > MAX_WEEKS:
        raise Invalid(N_("Choose a period of at most a year."), code="period.too_long")
    return period


def weekly_rules(settings: Settings) -> list[Rule]:
    """The weekly rules (the heat map shows one at a time)."""
    return [r for r in settings.rules if r.period == "week"]


def _rule(settings: Settings) -> Rule:
    rules = weekly_rules(settings)
    wanted = request.args.get("rule")
    for r in rules:
        if r.id == wanted:
            return r
    if wanted or not rules:
        raise Invalid(
            N_("There is no weekly rule '%(rule)s'."), code="rule.unknown", rule=(wanted or "")[:80]
        )
    return rules[0]


def _week_statuses(
    session: Session, settings: Settings, ch: Channel, wk: Week
) -> list[tuple[Rule, Cell]]:
    """Each weekly rule covering the channel, counted for that week (basis aired): why it is red."""
    matrices = weekly_matrices(
        session, settings, weekly_rules(settings), Period.parse(str(wk)), [ch], utcnow()
    )
    return [(m.rule, m.cell(ch.id, wk)) for m in matrices if m.weeks and m.channels]


def chosen_area(principal: Principal) -> AdminUnit | None:
    """The area asked for (within the user's subtree), else the user's own unit."""
    session = db()
    wanted = request.args.get("unit", type=int)
    if wanted is not None:
        unit = session.get(AdminUnit, wanted)
        if unit is None or not principal.covers_unit(session, unit.id):
            raise NotFound(N_("This area is not yours."), code="unit.out_of_scope")
        return unit
    return session.get(AdminUnit, principal.unit_id) if principal.unit_id else None


def _area_choices(principal: Principal) -> list[AdminUnit]:
    """Areas to choose from: the user's unit and the units just below it (admins: provinces)."""
    session = db()
    if principal.unit_id is None:
        query = select(AdminUnit).where(AdminUnit.level == "province", AdminUnit.valid_to.is_(None))
        return sorted(session.scalars(query), key=lambda u: vi_sort_key(u.name))
    root = session.get(AdminUnit, principal.unit_id)
    children = session.scalars(
        select(AdminUnit)
        .where(AdminUnit.parent_id == principal.unit_id, AdminUnit.level != "village")
        .order_by(AdminUnit.name)
    )
    return ([root] if root else []) + sorted(children, key=lambda u: vi_sort_key(u.name))


def _channels(principal: Principal, area: AdminUnit | None) -> list[Channel]:
    session = db()
    query = select(Channel).order_by(Channel.name)
    if area is not None:
        query = query.where(Channel.unit_id.in_(subtree_ids(session, area.id)))
    scope = principal.channel_scope(session)
    if scope is not None:
        query = query.where(Channel.id.in_(list(scope)))
    return sorted(session.scalars(query), key=lambda c: vi_sort_key(c.name))


def _matrix() -> tuple[Any, ...]:
    principal = require(SUPERVISE)
    settings = current_app.config["LOA_SETTINGS"]
    period, rule = chosen_period(), _rule(settings)
    area = chosen_area(principal)
    channels = _channels(principal, area)
    matrix = weekly_matrix(db(), settings, rule, period, channels, utcnow())
    return settings, period, rule, area, matrix, channels


def _first_year(channels: list[Channel]) -> int:
    """The year the area's first station started (the picker offers no earlier period)."""
    if not channels:
        return today().year
    first = db().scalar(
        select(func.min(Channel.active_from)).where(Channel.id.in_([c.id for c in channels]))
    )
    return first.year if first else today().year


@bp.get("")
def overview() -> Any:
    """Shares per week, the heat map, deadlines, the period picker and the exports."""
    if (r := login_required()) is not None:
        return r
    settings, period, rule, area, matrix, channels = _matrix()
    words = reader()
    return render_template(
        "supervisor/overview.html",
        areas=_area_choices(require(SUPERVISE)),
        settings=settings,
        period=period,
        period_text=capital(period_name(period, words)),
        period_words=lambda p: capital(period_name(p, words)),
        choices=period_choices(
            today(), _first_year(channels), period, lambda p: capital(period_name(p, words))
        ),  # fmt: skip
        kinds=PICKER_KINDS,
        rule=rule,
        rules=weekly_rules(settings),
        area=area,
        matrix=matrix,
        deadlines=coming_deadlines(settings, today()),
        args=request.args.to_dict(),
    )


def _cell_text(cell: Cell, words: Reader) -> str:
    status = status_name(cell.status, words)
    if cell.status == "running" and cell.so_far:
        status = f"{status}: {status_name(cell.so_far, words).lower()}"
    return f"{number(cell.value, words)} ({status.lower()})"


@bp.get("/export.csv")
def export_csv() -> Any:
    """The heat map as CSV in the page's language: one row per station, one column per week."""
    if (r := login_required()) is not None:
        return r
    _settings, period, rule, area, matrix, _ = _matrix()
    t = reader()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [t(N_("Station code")), t(N_("Station")), t(N_("Unit code")), t(N_("Unit"))]
        + [capital(week_name(w, t)) for w in matrix.weeks]
        + [t(N_("Weeks met")), t(N_("Weeks passed"))]
    )
    for c in matrix.channels:
        met, passed = matrix.weeks_met(c.id)
        cells = [_cell_text(matrix.cell(c.id, w), t) for w in matrix.weeks]
        writer.writerow([c.id, c.name, c.unit.code, c.unit.name, *cells, met, passed])
    name = f"loa-{rule.id}-{period.label}-{area.code if area else 'all'}.csv"
    return Response(
        csv_bytes(out.getvalue()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/channel/<int:channel_id>")
def channel(channel_id: int) -> Any:
    """One channel's weeks over the period (drill-down from the heat map)."""
    if (r := login_required()) is not None:
        return r
    require(SUPERVISE)
    session = db()
    ch = require_channel(session, channel_id, SUPERVISE)
    settings = current_app.config["LOA_SETTINGS"]
    period, rule = chosen_period(), _rule(settings)
    matrix = weekly_matrix(session, settings, rule, period, [ch], utcnow())
    return render_template(
        "supervisor/channel.html",
        channel=ch,
        period=period,
        period_text=capital(period_name(period, reader())),
        rule=rule,
        matrix=matrix,
    )


@bp.get("/channel/<int:channel_id>/week/<week>")
def channel_week(channel_id: int, week: str) -> Any:
    """A channel's week: each item with what aired (partial minutes) and the rules it counted."""
    if (r := login_required()) is not None:
        return r
    require(SUPERVISE)
    session = db()
    ch = require_channel(session, channel_id, SUPERVISE)
    wk: Week = parse_week(week)
    settings = current_app.config["LOA_SETTINGS"]
    view = load_weeks(session, [channel_id], wk)[channel_id]
    airings = airing_ops.airings_of_week(session, channel_id, wk)
    statuses = _week_statuses(session, settings, ch, wk)
    counted = counted_rules(session, settings, [rule for rule, _ in statuses], ch, airings)
    return render_template(
        "supervisor/week.html",
        channel=ch,
        week=wk,
        view=view,
        statuses=statuses,
        rule_numbers={rule.id: i for i, (rule, _) in enumerate(statuses, start=1)},
        by_item={a.scheduled_item_id: a for a in airings if a.scheduled_item_id is not None},
        evidence=evidence_for(session, [i.id for sl in view.slots for i in sl.items]),
        counted=counted,
        unplanned=[a for a in airings if a.scheduled_item_id is None],
        reasons=settings.not_aired_reasons,
        now=utcnow(),
        period=request.args.get("period", ""),
    )
