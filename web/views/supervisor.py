"""Supervisor pages: shares at minimum and target, the commune x week heat map, drill-down,
deadlines and exports, for a chosen period and area (read-only)."""

from __future__ import annotations

import csv
import importlib
import io
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, send_file
from sqlalchemy import select
from sqlalchemy.orm import Session

from audio.messages import N_, message
from content.db import utcnow
from scheduler import airings as airing_ops
from scheduler.config import Rule, Settings
from scheduler.models import AdminUnit, Channel
from scheduler.periods import Period, Week
from scheduler.units.text import vi_sort_key
from web.access import SUPERVISE, Principal, require, require_channel
from web.api.common import today
from web.db import db
from web.problems import ApiProblem
from web.supervision import Cell, coming_deadlines, weekly_matrices, weekly_matrix
from web.views.home import login_required
from web.weeks import load_weeks, parse_week

bp = Blueprint("supervisor", __name__, url_prefix="/supervise")
bp.before_request(login_required)  # pages: anonymous visitors go to sign-in


def _period() -> Period:
    raw = request.args.get("period")
    if not raw:
        d = today()
        raw = f"{d.year}-Q{(d.month - 1) // 3 + 1}"
    period = Period.parse(raw)  # a PeriodError is a refusal the page shows in its language
    if len(period.weeks()) > 60:
        raise ApiProblem(422, message(N_("Choose a period of at most a year")), "period")
    return period


def _rules(settings: Settings) -> list[Rule]:
    return [r for r in settings.rules if r.period == "week"]


def _rule(settings: Settings) -> Rule:
    rules = _rules(settings)
    wanted = request.args.get("rule")
    for r in rules:
        if r.id == wanted:
            return r
    if wanted:
        raise ApiProblem(422, message(N_("Unknown weekly rule '%(rule)s'"), rule=wanted), "rule")
    return rules[0]


def _week_statuses(
    session: Session, settings: Settings, ch: Channel, wk: Week
) -> list[tuple[Rule, Cell]]:
    """Each weekly rule covering the channel, counted for that week (basis aired): why it is red."""
    matrices = weekly_matrices(
        session, settings, _rules(settings), Period.parse(str(wk)), [ch], utcnow()
    )
    return [(m.rule, m.cell(ch.id, wk)) for m in matrices if m.weeks and m.channels]


def _area(principal: Principal) -> AdminUnit | None:
    """The area asked for (within the user's subtree), else the user's own unit."""
    session = db()
    wanted = request.args.get("unit", type=int)
    if wanted is not None:
        unit = session.get(AdminUnit, wanted)
        if unit is None or not principal.covers_unit(session, unit.id):
            raise ApiProblem(404, message(N_("This area is not within your scope")), "not_found")
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
    from scheduler.areas import subtree_ids

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
    period, rule = _period(), _rule(settings)
    area = _area(principal)
    channels = _channels(principal, area)
    matrix = weekly_matrix(db(), settings, rule, period, channels, utcnow())
    return settings, period, rule, area, matrix


@bp.get("")
def overview() -> Any:
    """Shares per week, the heat map, deadlines and export links."""
    if (r := login_required()) is not None:
        return r
    settings, period, rule, area, matrix = _matrix()
    return render_template(
        "supervisor/overview.html",
        areas=_area_choices(require(SUPERVISE)),
        reports=report_exports() is not None,
        current_week=Week.of(today()),
        settings=settings,
        period=period,
        rule=rule,
        rules=_rules(settings),
        area=area,
        matrix=matrix,
        deadlines=coming_deadlines(settings, today()),
        args=request.args.to_dict(),
    )


@bp.get("/export.csv")
def export_csv() -> Any:
    """The heat map as CSV (one row per channel, one column per week, plus weeks met)."""
    if (r := login_required()) is not None:
        return r
    _settings, period, rule, area, matrix = _matrix()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["channel_id", "channel", "unit_code", "unit"]
        + [str(w) for w in matrix.weeks]
        + ["weeks_met", "weeks_applicable"]
    )
    for c in matrix.channels:
        met, applicable = matrix.weeks_met(c.id)
        cells = [
            f"{matrix.cell(c.id, w).value:g} {matrix.cell(c.id, w).status}" for w in matrix.weeks
        ]
        writer.writerow([c.id, c.name, c.unit.code, c.unit.name, *cells, met, applicable])
    name = f"loa-{rule.id}-{period.label}-{area.code if area else 'all'}.csv"
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


REPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def report_exports() -> Any | None:
    """The compliance layer's periodic report and its XLSX/DOCX writers, once they exist."""
    try:
        reports = importlib.import_module("scheduler.compliance.reports")
        xlsx = importlib.import_module("scheduler.compliance.export_xlsx")
        docx = importlib.import_module("scheduler.compliance.export_docx")
    except ImportError:
        return None
    return reports, xlsx, docx


@bp.get("/report.<fmt>")
def export_report(fmt: str) -> Any:
    """The periodic report of the area and period as XLSX or DOCX (compliance layer)."""
    principal = require(SUPERVISE)
    modules = report_exports()
    if fmt not in REPORT_TYPES or modules is None:
        raise ApiProblem(404, message(N_("This export is not available")), "not_found")
    reports, xlsx, docx = modules
    settings = current_app.config["LOA_SETTINGS"]
    period = _period()
    area = _area(principal)
    report = reports.build_report(db(), settings, period, area.code if area else None)
    buf = io.BytesIO()
    if fmt == "xlsx":
        xlsx.report_workbook(report, settings).save(buf)
    else:
        docx.report_document(report, settings).save(buf)
    buf.seek(0)
    name = f"bao-cao-{period.label}-{area.code if area else 'toan-quoc'}.{fmt}"
    return send_file(buf, mimetype=REPORT_TYPES[fmt], as_attachment=True, download_name=name)


@bp.get("/channel/<int:channel_id>")
def channel(channel_id: int) -> Any:
    """One channel's weeks over the period (drill-down from the heat map)."""
    if (r := login_required()) is not None:
        return r
    require(SUPERVISE)
    session = db()
    ch = require_channel(session, channel_id, SUPERVISE)
    settings = current_app.config["LOA_SETTINGS"]
    period, rule = _period(), _rule(settings)
    matrix = weekly_matrix(session, settings, rule, period, [ch], utcnow())
    return render_template(
        "supervisor/channel.html", channel=ch, period=period, rule=rule, matrix=matrix
    )


@bp.get("/channel/<int:channel_id>/week/<week>")
def channel_week(channel_id: int, week: str) -> Any:
    """A channel's week: each scheduled item with what aired, reasons, and unplanned airings."""
    if (r := login_required()) is not None:
        return r
    require(SUPERVISE)
    session = db()
    ch = require_channel(session, channel_id, SUPERVISE)
    wk: Week = parse_week(week)
    settings = current_app.config["LOA_SETTINGS"]
    view = load_weeks(session, [channel_id], wk)[channel_id]
    airings = airing_ops.airings_of_week(session, channel_id, wk)
    return render_template(
        "supervisor/week.html",
        channel=ch,
        week=wk,
        view=view,
        statuses=_week_statuses(session, settings, ch, wk),
        unplanned=[a for a in airings if a.scheduled_item_id is None],
        reasons=settings.not_aired_reasons,
        now=utcnow(),
        period=request.args.get("period", ""),
    )
