"""Planner pages: the week overview of the area with rule status, and one channel's week grid."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from audio.messages import N_, message
from scheduler import schedules as ops
from scheduler.errors import LoaError, VersionConflict
from scheduler.models import ScheduledItem, Slot
from scheduler.periods import Week
from scheduler.planner import area, plan_week
from web import params
from web.access import PLAN, current, require, require_channel
from web.db import db
from web.i18n import lang, translate
from web.problems import ApiProblem
from web.views.home import login_required
from web.views.planner_area import area_channels, area_page
from web.views.planner_grid import LibraryQuery, library_context, week_context
from web.weeks import parse_week, week_arg

bp = Blueprint("planner", __name__, url_prefix="/plan")
bp.before_request(login_required)  # pages: anonymous visitors go to sign-in


@bp.get("")
def overview() -> Any:
    """The area's week: every station's state and rule status with causes; area actions."""
    if (r := login_required()) is not None:
        return r
    return area_page(require(PLAN), week_arg())


@bp.get("/<id:channel_id>")
def grid(channel_id: int) -> Any:
    """The week grid (7 days x the station's slots) beside the library panel."""
    if (r := login_required()) is not None:
        return r
    session = db()
    channel = require_channel(session, channel_id, PLAN)
    week = week_arg()
    context = {**week_context(channel, week), **library_context(channel, week, LibraryQuery())}
    return render_template("planner/grid.html", **context)


def _back(channel_id: int, week: Week) -> Any:
    return redirect(url_for("planner.grid", channel_id=channel_id, week=str(week)), code=303)


def _version() -> int | None:
    return params.to_int(request.form.get("version", ""), 0, params.ID_MAX)


def _run(channel_id: int, week: Week, action: Any, done: str) -> Any:
    """Run one edit in the request's transaction; explain refusals instead of failing."""
    session = db()
    try:
        action()
        session.commit()
        flash(done, "ok")
    except VersionConflict:
        session.rollback()
        flash(
            _("Someone changed this week meanwhile. Here it is again; redo your change."), "error"
        )
    except LoaError as exc:
        session.rollback()
        flash(_("Not done: %(why)s", why=translate(exc)), "error")
    return _back(channel_id, week)


def _actor() -> str:
    principal = current()
    assert principal is not None
    return principal.username


@bp.post("/<id:channel_id>/create")
def create(channel_id: int) -> Any:
    """Create the week's slots from the channel's patterns."""
    session = db()
    require_channel(session, channel_id, PLAN)
    week = parse_week(request.form.get("week", ""))
    settings = current_app.config["LOA_SETTINGS"]
    return _run(
        channel_id,
        week,
        lambda: ops.materialise_week(session, settings, channel_id, week, _actor()),
        _("Week created."),
    )


@bp.post("/<id:channel_id>/add")
def add(channel_id: int) -> Any:
    """Add a programme to a slot."""
    session = db()
    require_channel(session, channel_id, PLAN)
    week = parse_week(request.form.get("week", ""))
    slot_id = params.form_id("slot_id")
    programme_id = params.form_id("programme_id")
    slot = session.get(Slot, slot_id) if slot_id else None
    if slot is None or slot.channel_id != channel_id or programme_id is None:
        flash(_("Choose a slot and a programme."), "error")
        return _back(channel_id, week)
    return _run(
        channel_id,
        week,
        lambda: ops.add_item(session, slot.id, programme_id, _actor(), expected_version=_version()),
        _("Programme added."),
    )


def _item(channel_id: int) -> ScheduledItem:
    session = db()
    require_channel(session, channel_id, PLAN)
    item = session.get(ScheduledItem, params.form_id("item_id") or 0)
    if item is None or item.slot.channel_id != channel_id:
        raise ApiProblem(404, message(N_("This scheduled item was not found")), "item.not_found")
    return item


@bp.post("/<id:channel_id>/remove")
def remove(channel_id: int) -> Any:
    """Remove an item."""
    item = _item(channel_id)
    week = Week.from_key(item.slot.schedule.week_key)
    return _run(
        channel_id,
        week,
        lambda: ops.remove_item(db(), item.id, _actor(), expected_version=_version()),
        _("Programme removed."),
    )


@bp.post("/<id:channel_id>/move")
def move(channel_id: int) -> Any:
    """Move an item up or down within its slot."""
    item = _item(channel_id)
    week = Week.from_key(item.slot.schedule.week_key)
    step = -1 if request.form.get("direction") == "up" else 1
    return _run(
        channel_id,
        week,
        lambda: ops.move_item(
            db(), item.id, max(0, item.position + step), _actor(), expected_version=_version()
        ),
        _("Order changed."),
    )


@bp.post("/<id:channel_id>/publish")
def publish(channel_id: int) -> Any:
    """Publish the week."""
    session = db()
    require_channel(session, channel_id, PLAN)
    week = parse_week(request.form.get("week", ""))
    schedule = ops.get_week(session, channel_id, week)
    if schedule is None:
        flash(_("Create the week first."), "error")
        return _back(channel_id, week)
    return _run(
        channel_id,
        week,
        lambda: ops.publish_week(session, schedule.id, _actor(), expected_version=_version()),
        _("Week published."),
    )


@bp.post("/<id:channel_id>/copy")
def copy(channel_id: int) -> Any:
    """Copy the previous week (or a chosen one) into this week's empty slots."""
    session = db()
    require_channel(session, channel_id, PLAN)
    week = parse_week(request.form.get("week", ""))
    source = parse_week(request.form.get("from_week") or str(week.shift(-1)))
    settings = current_app.config["LOA_SETTINGS"]
    result: dict[str, Any] = {}

    def action() -> None:
        out = ops.copy_week(session, settings, channel_id, source, week, _actor())
        result["n"] = out.copied

    response = _run(channel_id, week, action, _("Week copied."))
    if "n" in result:
        flash(_("%(n)s programmes copied.", n=result["n"]), "ok")
    return response


@bp.post("/<id:channel_id>/autoplan")
def autoplan(channel_id: int) -> Any:
    """Fill the week with the planner and say what it could not meet (planner installed)."""
    session = db()
    channel = require_channel(session, channel_id, PLAN)
    week = parse_week(request.form.get("week", ""))
    if _plan(week, channel.unit.code, [channel_id]):
        session.commit()
    return _back(channel_id, week)


@bp.post("/autoplan")
def autoplan_area() -> Any:
    """Plan every channel of the user's area for the week (planner installed)."""
    principal = require(PLAN)
    session = db()
    week = parse_week(request.form.get("week", ""))
    unit_code = None
    if principal.unit_id is not None:
        from scheduler.models import AdminUnit

        unit = session.get(AdminUnit, principal.unit_id)
        unit_code = unit.code if unit else None
    elif principal.role != "admin":
        raise ApiProblem(403, message(N_("No area is assigned to you")), "forbidden")
    # Published weeks are left alone (amend them station by station): plan the others.
    ids = [c.id for c in area_channels(principal, week)]
    open_ids = [
        cid for cid, state in area.states(session, week, ids).items() if state != "published"
    ]
    if not open_ids:
        flash(_("Every station's week is already published."), "error")
    elif _plan(week, unit_code, open_ids):
        session.commit()
    return redirect(url_for("planner.overview", week=str(week)), code=303)


def _plan(week: Week, unit_code: str | None, channel_ids: list[int] | None) -> bool:
    """Run plan_week; flash what it did and its shortfalls. False when nothing was done."""
    settings = current_app.config["LOA_SETTINGS"]
    try:
        result = plan_week(db(), settings, week, unit_code, channel_ids=channel_ids, user=_actor())
    except LoaError as exc:
        db().rollback()
        flash(_("Not done: %(why)s", why=translate(exc)), "error")
        return False
    flash(_("Week planned automatically: %(n)s programmes added.", n=result.items_added), "ok")
    for shortfall in result.shortfalls[:20]:
        name = result.channel_names.get(shortfall.channel_id, str(shortfall.channel_id))
        flash(f"{name}: {shortfall.in_language(lang())}", "error")
    if len(result.shortfalls) > 20:
        flash(_("…and %(n)s more shortfalls.", n=len(result.shortfalls) - 20), "error")
    notes = result.notes()
    for note in notes[:10]:
        name = result.channel_names.get(note.channel_id, str(note.channel_id))
        flash(f"{name}: {translate(note.message())}", "note")
    if len(notes) > 10:
        flash(_("…and %(n)s more notes.", n=len(notes) - 10), "note")
    return True


# The station agents' page: a route on this blueprint, in its own module.
import web.views.fleet  # noqa: E402, F401
