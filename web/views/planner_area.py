"""The area in one pass: every station's week with its shortfalls, then create, copy, publish.

The planner's start page lists every station of the area for a week: state, each rule's status
under basis planned and, while a rule is short, its cause. The pre-check names the stations
still below a minimum; publishing takes all drafts or the chosen ones in one action, and the
week's slots, a copy of the previous week and the automatic plan are one action each too.
Only actions that would not be refused are offered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from scheduler.models import Channel, ScheduledItem, Slot, SlotPattern, WeekSchedule
from scheduler.periods import Week
from scheduler.planner import area
from scheduler.planner.diagnose import RuleCheck, diagnose
from scheduler.units.text import vi_sort_key
from web import params
from web.access import PLAN, Principal, current, require
from web.db import db
from web.i18n import translate
from web.views.home import login_required
from web.views.planner_grid import check_text
from web.weeks import parse_week

bp = Blueprint("area", __name__, url_prefix="/plan/area")
bp.before_request(login_required)


@dataclass
class AreaWeek:
    """The stations of a planner's area in a week, their states and rule checks."""

    week: Week
    channels: list[Channel]
    states: dict[int, str]
    checks: dict[int, list[RuleCheck]]
    with_patterns: set[int] = field(default_factory=set)
    source_items: int = 0  # items in the previous week of these stations

    @property
    def short(self) -> list[Channel]:
        """Stations with a rule below its minimum this week (the pre-check)."""
        return [c for c in self.channels if any(k.short for k in self.checks[c.id])]

    def ids(self, *states: str) -> list[int]:
        """Stations whose week is in one of the states."""
        return [c.id for c in self.channels if self.states[c.id] in states]


def area_channels(principal: Principal, week: Week) -> list[Channel]:
    """The stations in the principal's scope active in the week, in a Vietnamese order."""
    session = db()
    query = select(Channel).where(
        Channel.active_from <= week.sunday,
        or_(Channel.active_to.is_(None), Channel.active_to >= week.monday),
    )
    scope = principal.channel_scope(session)
    if scope is not None:
        query = query.where(Channel.id.in_(list(scope)))
    return sorted(session.scalars(query), key=lambda c: (c.kind, vi_sort_key(c.name)))


def area_week(principal: Principal, week: Week) -> AreaWeek:
    """Everything the area page shows, read in bulk."""
    session = db()
    settings = current_app.config["LOA_SETTINGS"]
    channels = area_channels(principal, week)
    ids = [c.id for c in channels]
    found = AreaWeek(
        week, channels, area.states(session, week, ids), diagnose(session, settings, week, ids)
    )
    if ids:
        found.with_patterns = set(
            session.scalars(select(SlotPattern.channel_id).where(SlotPattern.channel_id.in_(ids)))
        )
        found.source_items = (
            session.scalar(
                select(func.count(ScheduledItem.id))
                .join(Slot, Slot.id == ScheduledItem.slot_id)
                .join(WeekSchedule, WeekSchedule.id == Slot.schedule_id)
                .where(
                    WeekSchedule.week_key == week.shift(-1).key, WeekSchedule.channel_id.in_(ids)
                )
            )
            or 0
        )
    return found


def area_page(principal: Principal, week: Week) -> Any:
    """The area page (the planner's start page)."""
    settings = current_app.config["LOA_SETTINGS"]
    found = area_week(principal, week)
    unpublished = found.ids("none", "draft")
    return render_template(
        "planner/overview.html",
        area=found,
        week=week,
        settings=settings,
        rules={r.id: r for r in settings.rules},
        check_text=check_text,
        can_create=any(c in found.with_patterns for c in found.ids("none")),
        can_copy=bool(unpublished) and found.source_items > 0,
        can_autoplan=bool(unpublished),
        drafts=found.ids("draft"),
    )


def _back(week: Week) -> Any:
    return redirect(url_for("planner.overview", week=str(week)), code=303)


def _actor() -> str:
    principal = current()
    assert principal is not None
    return principal.username


@bp.post("/create")
def create() -> Any:
    """Create the week's slots for every station of the area that has none."""
    principal = require(PLAN)
    week = parse_week(request.form.get("week", ""))
    settings = current_app.config["LOA_SETTINGS"]
    ids = [c.id for c in area_channels(principal, week)]
    result = area.create_weeks(db(), settings, week, ids, _actor())
    db().commit()
    flash(_("Week's slots created for %(n)s stations.", n=result.created), "ok")
    return _back(week)


@bp.post("/copy")
def copy() -> Any:
    """Copy the previous week into the empty slots of every unpublished week of the area."""
    principal = require(PLAN)
    week = parse_week(request.form.get("week", ""))
    settings = current_app.config["LOA_SETTINGS"]
    channels = area_channels(principal, week)
    result = area.copy_forward(
        db(), settings, week.shift(-1), week, [c.id for c in channels], _actor()
    )
    db().commit()
    flash(_("%(n)s programmes copied from the previous week.", n=result.copied), "ok")
    names = {c.id: c.name for c in channels}
    for cid, why in result.skipped[:10]:
        flash(f"{names.get(cid, cid)}: {translate(why)}", "error")
    if len(result.skipped) > 10:
        flash(_("…and %(n)s more not copied.", n=len(result.skipped) - 10), "error")
    return _back(week)


@bp.post("/publish")
def publish() -> Any:
    """Publish the chosen stations' drafts, or every draft of the area, in one action."""
    principal = require(PLAN)
    week = parse_week(request.form.get("week", ""))
    channels = {c.id: c for c in area_channels(principal, week)}
    if request.form.get("scope") == "all":
        ids = list(channels)
    else:
        raw = request.form.getlist("channel_id")
        ids = [i for x in raw if (i := params.to_id(x)) is not None and i in channels]
        if not ids:
            flash(_("Choose the stations to publish."), "error")
            return _back(week)
    result = area.publish(db(), week, ids, _actor())
    db().commit()
    flash(_("Published: %(n)s stations.", n=result.published), "ok")
    return _back(week)
