"""The broadcaster's "my station": the week day by day, players, one-tap confirmation.

Built for a cheap phone on a weak link: one small compressed page, one script, a service worker
that keeps each station's page (exact URL) and a queue of confirmations made offline (sent
again, idempotently, on reconnect). The page states when it was made and for which day, so a
copy opened offline the next day knows which day is today.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from sqlalchemy import select

from audio.messages import N_
from content.db import utcnow
from content.models import Programme
from scheduler.emergency.airing import for_station
from scheduler.errors import NotFound
from scheduler.models import Channel
from scheduler.periods import Week
from scheduler.units.text import vi_sort_key
from web.access import CONFIRM, require, require_channel
from web.api.common import today
from web.assets import minify_js, version, versioned
from web.db import db
from web.media import programmes_with_audio
from web.station_page import opens_at_ms, station_days, unplanned_days, week_left
from web.views.home import login_required
from web.weeks import load_weeks

bp = Blueprint("station", __name__, url_prefix="/station")
# The files the service worker keeps for the page to open without a link.
SHELL = ("station.css", "queue.js", "station.js")
# Programmes offered for an unplanned airing: approved, in the station's languages, newest.
PROGRAMME_CHOICES = 120


@bp.before_request
def _signed_in() -> Any:
    """Anonymous visitors go to sign-in (the service worker script itself is public)."""
    if request.endpoint == "station.service_worker":
        return None
    return login_required()


def _channels() -> list[Channel]:
    """The stations the user confirms for, in Vietnamese order."""
    principal = require(CONFIRM)
    session = db()
    scope = principal.channel_scope(session)
    query = select(Channel).order_by(Channel.name)
    if scope is not None:
        query = query.where(Channel.id.in_(list(scope)))
    return sorted(session.scalars(query), key=lambda c: vi_sort_key(c.name))[:200]


def _programmes(channel: Channel, day: Any) -> list[Programme]:
    """What may be logged as an unplanned airing; capped so that the page stays small."""
    rows = db().scalars(
        select(Programme)
        .where(Programme.language.in_(channel.languages), Programme.approved_at.is_not(None))
        .order_by(Programme.id.desc())
        .limit(PROGRAMME_CHOICES * 2)
    )
    chosen = [p for p in rows if p.valid_on(day)][:PROGRAMME_CHOICES]
    return sorted(chosen, key=lambda p: vi_sort_key(p.title))


@bp.get("/")
def my_station() -> Any:
    """The week of one of the user's stations, today marked, what is left to confirm open."""
    channels = _channels()
    if not channels:
        raise NotFound(N_("No station is assigned to you yet."), code="station.none")
    wanted = request.args.get("channel", type=int)
    channel = require_channel(db(), wanted, CONFIRM) if wanted else channels[0]
    day = today()
    week = Week.of(day)
    view = load_weeks(db(), [channel.id], week)[channel.id]
    now = utcnow()
    days = station_days(view, day, now)
    settings = current_app.config["LOA_SETTINGS"]
    local_now = now.astimezone(settings.zone)
    offset = local_now.utcoffset()
    emergencies = for_station(db(), channel.id, now)
    return render_template(
        "station.html",
        emergencies=emergencies,
        emergency_audio=programmes_with_audio(db(), [d.programme_id for d in emergencies]),
        channel=channel,
        channels=channels,
        home_channel=channels[0].id,
        week=week,
        today=day,
        days=days,
        left=week_left(days),
        with_audio=programmes_with_audio(
            db(), [i.programme_id for s in view.slots for i in s.items]
        ),
        reasons=settings.not_aired_reasons,
        programmes=_programmes(channel, day),
        unplanned_days=unplanned_days(day),
        now_hhmm=f"{local_now:%H:%M}",
        rendered_ms=int(now.timestamp() * 1000),
        offset_minutes=int(offset.total_seconds() // 60) if offset else 0,
        opens_at=opens_at_ms,
    )


@lru_cache(maxsize=8)
def _worker_script(folder: str, shell: tuple[str, ...], queue: str, digest: str) -> str:
    """sw.js with the shell's versioned URLs written in, without comments (once per version)."""
    with open(f"{folder}/sw.js", encoding="utf-8") as fh:
        script = fh.read()
    script = script.replace("/*SHELL*/[]", json.dumps(list(shell))).replace("/*QUEUE*/", queue)
    return minify_js(script)


@bp.get("/sw.js")
def service_worker() -> Any:
    """The service worker, served under /station/ so that it may control the page.

    The shell's versioned URLs are written into it: when a file changes, the worker's bytes
    change, the browser installs it anew and it keeps a cache named after those versions.
    """
    shell = tuple(versioned(name) for name in SHELL)
    script = _worker_script(
        current_app.static_folder or "", shell, versioned("queue.js"), version("sw.js")
    )
    response = Response(script, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/station/"
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)
