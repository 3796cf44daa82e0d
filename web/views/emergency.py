"""Emergency broadcast pages: a station's one-tap confirmation, the proof of air."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, url_for

from content.db import utcnow
from scheduler.emergency import airing
from web.access import CONFIRM, require, require_channel
from web.db import db
from web.views.home import login_required

bp = Blueprint("emergency", __name__, url_prefix="/emergency")


@bp.before_request
def _signed_in() -> Any:
    """Anonymous visitors go to sign-in."""
    return login_required()


@bp.post("/deliveries/<int:delivery_id>/aired")
def confirm_aired(delivery_id: int) -> Any:
    """The broadcaster taps "aired": the station's delivery is aired, by this person, now."""
    principal = require(CONFIRM)
    session = db()
    d = airing.delivery(session, delivery_id)
    require_channel(session, d.channel_id, CONFIRM)
    airing.confirm_by_person(session, d.id, principal.username, utcnow())
    session.commit()
    return redirect(url_for("station.my_station", channel=d.channel_id))
