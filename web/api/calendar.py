"""API: a channel's slots as an iCalendar feed for calendar applications."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Response

from content.db import utcnow
from scheduler.periods import Week
from web.access import READ, require_channel
from web.api import api, ical
from web.api.common import today
from web.api.spec import route
from web.db import db
from web.weeks import load_weeks


@route(
    api,
    "/channels/<id:channel_id>/calendar.ics",
    "GET",
    summary="iCalendar feed of a channel's slots (last week and the next four)",
    tag="schedules",
    responses={200: "string"},
    content_type="text/calendar",
)
def calendar(channel_id: int) -> Any:
    """One VEVENT per slot with its programmes, for calendar applications."""
    session = db()
    channel = require_channel(session, channel_id, READ)
    start = Week.of(today()).shift(-1)
    now = ical.stamp(utcnow())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Loa//Lich phat song//VI",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{ical.text(channel.name)}",
    ]
    for offset in range(6):
        week = start.shift(offset)
        view = load_weeks(session, [channel_id], week, with_airings=False)[channel_id]
        for slot in view.slots:
            titles = [i.title for i in slot.items]
            end = slot.starts_at + dt.timedelta(minutes=slot.duration_minutes)
            lines += [
                "BEGIN:VEVENT",
                f"UID:loa-slot-{slot.id}@loa",
                f"DTSTAMP:{now}",
                f"DTSTART:{ical.stamp(slot.starts_at)}",
                f"DTEND:{ical.stamp(end)}",
                f"SUMMARY:{ical.text(channel.name)} ({len(titles)})",
                f"DESCRIPTION:{ical.text(chr(10).join(titles))}",
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    return Response(ical.serialise(lines), mimetype="text/calendar")
