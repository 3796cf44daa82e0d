"""Planners' page of station agents: online or last seen, ready for tomorrow or what is missing,
and the items where a person and the device disagree."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from sqlalchemy import select

from content.db import utcnow
from scheduler.fleet.evidence import disagreements
from scheduler.fleet.health import fleet
from scheduler.models import ScheduledItem
from web.access import PLAN, require
from web.db import db
from web.views.home import login_required
from web.views.planner import bp


@bp.get("/agents")
def agents() -> Any:
    """Every agent of the planner's area with its readiness; disagreements below."""
    if (r := login_required()) is not None:
        return r
    principal = require(PLAN)
    session = db()
    settings = current_app.config["LOA_SETTINGS"]
    scope = principal.channel_scope(session)
    now = utcnow()
    stations = fleet(session, settings, scope, now)
    channel_ids = [h.channel.id for h in stations]
    differ = disagreements(session, channel_ids)
    wanted = [d.item_id for d in differ]
    query = select(ScheduledItem).where(ScheduledItem.id.in_(wanted))
    items = {i.id: i for i in session.scalars(query)}
    return render_template(
        "planner/agents.html", stations=stations, differ=differ, items=items, now=now,
        reasons=settings.not_aired_reasons,
    )  # fmt: skip
