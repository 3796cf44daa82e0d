"""The week grid's live parts: the week fragment, edits guarded by If-Match, the library panel.

The page's script (static/planner.js) drags programmes from the library into slots, moves items
within and between slots, and takes them out; each edit is one POST carrying the week's ETag in
If-Match and answers the re-rendered week (fill of every slot, rule status with causes, the
allowed actions) with its new ETag. A stale ETag gets 412 with the week as it now is, so a
second planner never overwrites the first one's change without seeing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy import func, select

from audio.messages import N_
from content.text import clean_text
from scheduler import schedule_moves
from scheduler import schedules as ops
from scheduler.errors import LoaError, NotFound
from scheduler.library_search import DURATIONS, LibraryQuery, search
from scheduler.models import Channel, ScheduledItem, Slot, WeekSchedule
from scheduler.periods import Week
from scheduler.planner.diagnose import RuleCheck, cause_message, diagnose
from web import params
from web.access import PLAN, current, require_channel
from web.api.common import today
from web.db import db
from web.i18n import lang, translate
from web.views.home import login_required
from web.weeks import WeekView, load_weeks, week_arg

bp = Blueprint("grid", __name__, url_prefix="/plan")
bp.before_request(login_required)
_ETAG = re.compile(r'^(?:W/)?"s(\d{1,18})-v(\d{1,18})"$')


@dataclass(frozen=True)
class Allowed:
    """The actions the week offers now: only those that would not be refused."""

    create: bool
    copy: bool
    autoplan: bool
    publish: bool
    edit: bool


def allowed(session: Any, channel: Channel, view: WeekView) -> Allowed:
    """What may be done to the week as it stands."""
    state = view.state
    empty = any(not s.items for s in view.slots)
    previous = 0
    if state != "published" and (state == "none" or empty):
        previous = session.scalar(
            select(func.count(ScheduledItem.id))
            .join(Slot, Slot.id == ScheduledItem.slot_id)
            .join(WeekSchedule, WeekSchedule.id == Slot.schedule_id)
            .where(
                WeekSchedule.channel_id == channel.id,
                WeekSchedule.week_key == view.week.shift(-1).key,
            )
        )
    return Allowed(
        create=state == "none" and bool(channel.patterns),
        copy=bool(previous),
        autoplan=state != "published" and (state == "draft" or bool(channel.patterns)),
        publish=state == "draft" and bool(view.slots),
        edit=state != "none" and bool(view.slots),
    )


def check_text(check: RuleCheck) -> str:
    """Why a rule is short, in the page's language."""
    if check.shortfall is not None:
        return check.shortfall.in_language(lang())
    message = cause_message(check)
    return translate(message) if message is not None else ""


def week_context(channel: Channel, week: Week) -> dict[str, Any]:
    """Everything the week fragment shows, read fresh."""
    session = db()
    settings = current_app.config["LOA_SETTINGS"]
    view = load_weeks(session, [channel.id], week)[channel.id]
    checks = diagnose(session, settings, week, [channel.id])[channel.id]
    zone = settings.zone
    times = sorted({s.starts_at.astimezone(zone).time() for s in view.slots})
    cells = {(s.local_date, s.starts_at.astimezone(zone).time()): s for s in view.slots}
    return {
        "channel": channel,
        "view": view,
        "week": week,
        "checks": checks,
        "rules": {r.id: r for r in settings.rules},
        "times": times,
        "cells": cells,
        "allowed": allowed(session, channel, view),
        "today": today(),
        "check_text": check_text,
    }


def _week_response(channel: Channel, week: Week, status: int = 200, **extra: Any) -> Response:
    context = week_context(channel, week)
    html = render_template("planner/_week.html", **context)
    etag = context["view"].etag
    response = jsonify({"etag": etag, "html": html, **extra})
    response.status_code = status
    response.headers["ETag"] = etag
    return response


@bp.get("/<id:channel_id>/week")
def week_fragment(channel_id: int) -> Any:
    """The week as the grid shows it (HTML fragment in JSON, with its ETag)."""
    channel = require_channel(db(), channel_id, PLAN)
    return _week_response(channel, week_arg())


def _refuse(status: int, code: str, message: str) -> Response:
    response = jsonify({"code": code, "message": message})
    response.status_code = status
    return response


def _expected(schedule_id: int) -> int | Response:
    """The version If-Match names (the row locked), or the refusal to answer."""
    raw = (request.headers.get("If-Match") or "").strip()
    if not raw:
        message = _("Reload the page: the week's version is missing.")
        return _refuse(428, "precondition_required", message)
    current_ = db().scalar(
        select(WeekSchedule).where(WeekSchedule.id == schedule_id).with_for_update()
    )
    assert current_ is not None
    if raw == "*":  # any version, as RFC 9110 has it (scripts; the page sends its ETag)
        return current_.version
    m = _ETAG.match(raw)
    if m is None or int(m.group(1)) != schedule_id or int(m.group(2)) != current_.version:
        return -1
    return int(m.group(2))


def _field(data: dict[str, Any], name: str) -> int | None:
    raw = data.get(name)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw if 0 <= raw <= params.ID_MAX else None
    return params.to_int(raw, 0, params.ID_MAX)


@bp.post("/<id:channel_id>/edit")
def edit(channel_id: int) -> Any:  # noqa: C901 - three edit operations share the checks
    """One edit of the week: add (programme into slot), move (item to slot, position), remove."""
    session = db()
    channel = require_channel(session, channel_id, PLAN)
    data = params.json_or_none()
    if not isinstance(data, dict):
        data = request.form.to_dict()
    op = data.get("op")
    slot_id, item_id = _field(data, "slot_id"), _field(data, "item_id")
    programme_id, position = _field(data, "programme_id"), _field(data, "position")
    item = session.get(ScheduledItem, item_id) if item_id else None
    slot = session.get(Slot, slot_id) if slot_id else None
    if (item is not None and item.slot.channel_id != channel_id) or (
        slot is not None and slot.channel_id != channel_id
    ):
        item = slot = None
    schedule_slot = item.slot if item is not None else slot
    if op not in ("add", "move", "remove") or schedule_slot is None:
        return _refuse(422, "edit.incomplete", _("Choose a slot and a programme."))
    week = Week.from_key(schedule_slot.schedule.week_key)
    version = _expected(schedule_slot.schedule_id)
    if isinstance(version, Response):
        return version
    if version < 0:
        session.rollback()
        return _week_response(
            channel, week, 412, code="version_conflict",
            message=_("Someone changed this week meanwhile. Here it is again; redo your change."),
        )  # fmt: skip
    principal = current()
    assert principal is not None  # require_channel let a signed-in planner through
    actor = principal.username
    try:
        if op == "add":
            if slot is None or programme_id is None:
                return _refuse(422, "edit.incomplete", _("Choose a slot and a programme."))
            ops.add_item(session, slot.id, programme_id, actor, position=position,
                         expected_version=version)  # fmt: skip
            done = _("Programme added.")
        elif op == "move":
            if item is None or slot is None:
                return _refuse(422, "edit.incomplete", _("Choose a slot and a programme."))
            schedule_moves.move_to_slot(session, item.id, slot.id, position, actor, version)
            done = _("Programme moved.")
        else:
            if item is None:
                return _refuse(422, "edit.incomplete", _("Choose a slot and a programme."))
            ops.remove_item(session, item.id, actor, expected_version=version)
            done = _("Programme removed.")
    except NotFound as exc:
        session.rollback()
        return _refuse(404, exc.code, translate(exc))
    except LoaError as exc:
        session.rollback()
        return _refuse(exc.http_status, exc.code, _("Not done: %(why)s", why=translate(exc)))
    session.commit()
    return _week_response(channel, week, message=done)


def library_query() -> LibraryQuery:
    """The panel's filters from the query string (text cleaned at the door)."""
    args = request.args
    text = clean_text(args.get("q", "")[:200], field=N_("the search text"))
    fresh = args.get("fresh", "")
    page = args.get("page", "1")
    return LibraryQuery(
        text=text,
        topic=args.get("topic") or None,
        programme_type=args.get("type") or None,
        language=args.get("language") or None,
        duration=args.get("duration") if args.get("duration") in DURATIONS else None,
        fits=args.get("fits") == "1",
        fresh_weeks=params.to_int(fresh, 0, 52),
        page=params.to_int(page, 1, 100_000) or 1,
    )


def library_context(channel: Channel, week: Week, query: LibraryQuery) -> dict[str, Any]:
    """The panel's results for the station's week."""
    settings = current_app.config["LOA_SETTINGS"]
    found = search(db(), channel, week, query, settings.planning.no_repeat_weeks)
    return {"channel": channel, "week": week, "found": found, "query": query, "settings": settings}


@bp.get("/<id:channel_id>/library")
def library(channel_id: int) -> Any:
    """The library panel's results (HTML fragment): what this station may air this week."""
    session = db()
    channel = require_channel(session, channel_id, PLAN)
    week = week_arg()
    try:
        query = library_query()
    except LoaError as exc:
        return _refuse(422, exc.code, translate(exc))
    return render_template("planner/_library.html", **library_context(channel, week, query))
