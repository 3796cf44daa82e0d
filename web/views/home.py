"""The start page: the channels in the user's area and this week's schedule of each."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from sqlalchemy import select

from scheduler.models import Channel
from scheduler.units.text import vi_sort_key
from web.access import READ, current, require
from web.api.common import today
from web.db import db
from web.weeks import load_weeks, week_arg

bp = Blueprint("home", __name__)


def login_required() -> Any | None:
    """A redirect to the sign-in page when nobody is signed in."""
    if current() is None:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    return None


@bp.get("/")
def index() -> Any:
    """Where each role starts."""
    if (r := login_required()) is not None:
        return r
    principal = current()
    assert principal is not None
    start = {
        "broadcaster": "station.my_station",
        "planner": "planner.overview",
        "supervisor": "supervisor.overview",
        "admin": "home.channels",
    }
    return redirect(url_for(start[principal.role]))


@bp.get("/channels")
def channels() -> Any:
    """Channels in the user's area with this week's slots and programmes."""
    if (r := login_required()) is not None:
        return r
    principal = require(READ)
    session = db()
    week = week_arg()
    query = select(Channel).order_by(Channel.kind, Channel.name)
    scope = principal.channel_scope(session)
    if scope is not None:
        query = query.where(Channel.id.in_(list(scope)))
    rows = sorted(session.scalars(query), key=lambda c: (c.kind, vi_sort_key(c.name)))[:500]
    weeks = load_weeks(session, [c.id for c in rows], week)
    return render_template(
        "channels.html",
        channels=rows,
        weeks=weeks,
        week=week,
        today=today(),
        settings=current_app.config["LOA_SETTINGS"],
    )
