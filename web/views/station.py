"""The broadcaster's "my station": today's and this week's slots, player, one-tap confirmation.

Built for a cheap phone on a weak link: one small page, one script, a service worker that keeps
the page and a queue of confirmations made offline (sent again, idempotently, on reconnect).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request, send_from_directory
from sqlalchemy import select

from audio.messages import N_, message
from content.db import utcnow
from content.models import Programme
from scheduler.airings import EARLY_GRACE
from scheduler.models import Channel
from scheduler.periods import Week
from scheduler.units.text import vi_sort_key
from web.access import CONFIRM, require, require_channel
from web.api.common import today
from web.db import db
from web.media import programmes_with_audio
from web.problems import ApiProblem
from web.views.home import login_required
from web.weeks import load_weeks

bp = Blueprint("station", __name__, url_prefix="/station")


@bp.before_request
def _signed_in() -> Any:
    """Anonymous visitors go to sign-in (the service worker script itself is public)."""
    if request.endpoint == "station.service_worker":
        return None
    return login_required()


@bp.get("/")
def my_station() -> Any:
    """Today first, then the rest of the week, for one of the user's channels."""
    if (r := login_required()) is not None:
        return r
    principal = require(CONFIRM)
    session = db()
    scope = principal.channel_scope(session)
    query = select(Channel).order_by(Channel.name)
    if scope is not None:
        query = query.where(Channel.id.in_(list(scope)))
    channels = sorted(session.scalars(query), key=lambda c: vi_sort_key(c.name))[:200]
    if not channels:
        raise ApiProblem(404, message(N_("No station is assigned to you")), "not_found")
    wanted = request.args.get("channel", type=int)
    channel = require_channel(session, wanted, CONFIRM) if wanted else channels[0]
    day = today()
    week = Week.of(day)
    view = load_weeks(session, [channel.id], week)[channel.id]
    item_ids = [i.programme_id for s in view.slots for i in s.items]
    with_audio = programmes_with_audio(session, item_ids)
    settings = current_app.config["LOA_SETTINGS"]
    # Programmes for an unplanned airing: approved, in the station's languages, newest first;
    # capped so that the page stays small on a phone whatever the size of the library.
    programmes = [
        p
        for p in session.scalars(
            select(Programme)
            .where(Programme.language.in_(channel.languages), Programme.approved_at.is_not(None))
            .order_by(Programme.id.desc())
            .limit(400)
        )
        if p.valid_on(day)
    ][:200]
    programmes.sort(key=lambda p: p.title)
    now = utcnow()
    return render_template(
        "station.html",
        channel=channel,
        channels=channels,
        view=view,
        week=week,
        today=day,
        later=[d for d in week.days() if d != day],
        with_audio=with_audio,
        reasons=settings.not_aired_reasons,
        programmes=programmes,
        open_before=now + EARLY_GRACE,
        now_local=now.astimezone(settings.zone).strftime("%Y-%m-%dT%H:%M"),
        zone_offset=now.astimezone(settings.zone).strftime("%z"),
    )


@bp.get("/sw.js")
def service_worker() -> Any:
    """The service worker, served under /station/ so that it may control the page."""
    response = send_from_directory(current_app.static_folder or "", "sw.js", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/station/"
    response.headers["Cache-Control"] = "no-cache"
    return response
