"""The worker's watch over emergency broadcasts: tell stations, remind, escalate, close.

Each pass (job `emergency_watch`, every few seconds) is idempotent: a station is told once
(notified_at), reminded once after `[emergency].remind_after_minutes` without an airing,
escalated once at half the deadline (the station again, and the planners of its area); at the
deadline the supervisors of the broadcast's area get the list of stations that have not aired
(one notice per occurrence); at the expiry what never aired becomes "no answer".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from audio.messages import N_, message, render_in
from content.db import rowcount
from scheduler.config import Settings
from scheduler.emergency.models import EmergencyBroadcast, EmergencyDelivery
from scheduler.models import Channel
from scheduler.notify.service import notify
from scheduler.notify.texts import Message

NOT_AIRED = ("waiting", "delivered", "playing", "failed")
TEXTS: dict[str, tuple[str, str]] = {
    "issued": (
        N_("EMERGENCY: air at once – %(title)s"),
        N_(
            "Emergency broadcast “%(title)s” for %(channel)s: air it at once, within"
            " %(minutes)s minutes (by %(deadline)s), then confirm it on the station page:"
            " %(link)s"
        ),
    ),
    "reminder": (
        N_("Reminder, emergency not confirmed: %(title)s – %(channel)s"),
        N_(
            "%(channel)s has not confirmed the emergency broadcast “%(title)s” yet. Air it"
            " now and confirm it on the station page (deadline %(deadline)s): %(link)s"
        ),
    ),
    "escalated": (
        N_("Emergency late at half the deadline: %(title)s – %(channel)s"),
        N_(
            "Half the deadline has passed and %(channel)s has not aired the emergency"
            " broadcast “%(title)s” (deadline %(deadline)s). Please make sure it airs: %(link)s"
        ),
    ),
    "deadline": (
        N_("Emergency deadline passed: %(count)s station(s) have not aired %(title)s"),
        N_(
            "The deadline %(deadline)s of the emergency broadcast “%(title)s” has passed;"
            " %(count)s of %(total)s station(s) have not aired it:\n%(lines)s\nProof of air:"
            " %(link)s"
        ),
    ),
}


def render(key: str, **values: Any) -> Message:
    """A notice in both languages."""
    subject, body = TEXTS[key]
    return Message(
        subject_vi=render_in(message(subject, **values), "vi"),
        body_vi=render_in(message(body, **values), "vi"),
        subject_en=render_in(message(subject, **values), "en"),
        body_en=render_in(message(body, **values), "en"),
    )


def _hhmm(at: dt.datetime, settings: Settings) -> str:
    return f"{at.astimezone(settings.zone):%H:%M %d/%m/%Y}"


def _open_rows(session: Session, now: dt.datetime) -> list[tuple[EmergencyDelivery, Any]]:
    """Not-aired deliveries of active, unexpired broadcasts that are due."""
    query = (
        select(EmergencyDelivery, EmergencyBroadcast)
        .join(EmergencyBroadcast, EmergencyBroadcast.id == EmergencyDelivery.broadcast_id)
        .where(
            EmergencyBroadcast.state == "active",
            EmergencyBroadcast.expires_at > now,
            EmergencyDelivery.state.in_(NOT_AIRED),
            EmergencyDelivery.due_at <= now,
        )
    )
    return [(d, b) for d, b in session.execute(query).all()]


def _tell(
    session: Session,
    settings: Settings,
    kind: str,
    d: EmergencyDelivery,
    b: EmergencyBroadcast,
    channel: Channel,
    now: dt.datetime,
    role: str = "broadcaster",
) -> None:
    values = {
        "title": b.title,
        "channel": channel.name,
        "minutes": b.deadline_minutes,
        "deadline": _hhmm(b.deadline_of(d.due_at), settings),
        "link": f"/station/?channel={channel.id}",
    }
    data = {"broadcast_id": b.id, "delivery_id": d.id, "occurrence": d.occurrence,
            "channel_id": channel.id, "programme_id": d.programme_id}  # fmt: skip
    station = role == "broadcaster"  # the station itself; others see their unit's
    notify(
        session, settings, event=f"emergency.{kind}", role=role, now=now, data=data,
        dedupe_key=f"emergency:{kind}:{role}:{d.id}", message=render(kind, **values),
        channel_id=channel.id if station else None, unit_id=None if station else channel.unit_id,
    )  # fmt: skip


def _deadline_lists(session: Session, settings: Settings, now: dt.datetime) -> int:
    """One notice per broadcast occurrence whose deadline passed: the stations not aired."""
    sent = 0
    active = session.scalars(
        select(EmergencyBroadcast).where(
            EmergencyBroadcast.state == "active",
            EmergencyBroadcast.effective_at.is_not(None),
            EmergencyBroadcast.expires_at > now - dt.timedelta(days=1),
        )
    )
    for b in active:
        rows = session.execute(
            select(EmergencyDelivery.occurrence, EmergencyDelivery.due_at,
                   EmergencyDelivery.state, Channel.name)
            .join(Channel, Channel.id == EmergencyDelivery.channel_id)
            .where(EmergencyDelivery.broadcast_id == b.id,
                   EmergencyDelivery.due_at <= now - dt.timedelta(minutes=b.deadline_minutes))
            .order_by(EmergencyDelivery.occurrence, Channel.name)
        ).all()  # fmt: skip
        by_occurrence: dict[int, list[Any]] = {}
        for row in rows:
            by_occurrence.setdefault(row.occurrence, []).append(row)
        for occurrence, group in by_occurrence.items():
            late = [r.name for r in group if r.state in NOT_AIRED + ("no_answer",)]
            if not late:
                continue
            deadline = b.deadline_of(group[0].due_at)
            text = render(
                "deadline", title=b.title, deadline=_hhmm(deadline, settings), count=len(late),
                total=len(group), lines="\n".join(f"- {n}" for n in late[:200]),
                link=f"/emergency/{b.id}",
            )  # fmt: skip
            note = notify(
                session, settings, event="emergency.deadline", role="supervisor", now=now,
                dedupe_key=f"emergency:deadline:{b.id}:{occurrence}", message=text,
                unit_id=b.unit_id, data={"broadcast_id": b.id, "occurrence": occurrence,
                                         "not_aired": len(late), "stations": len(group)},
            )  # fmt: skip
            sent += note is not None
    return sent


def watch(session: Session, settings: Settings, now: dt.datetime) -> Counter[str]:
    """One pass: tell, remind, escalate, list at the deadline, close what expired."""
    counts: Counter[str] = Counter()
    remind_after = dt.timedelta(minutes=settings.emergency.remind_after_minutes)
    channels: dict[int, Channel] = {}
    for d, b in _open_rows(session, now):
        channel = channels.get(d.channel_id) or session.get(Channel, d.channel_id)
        assert channel is not None
        channels[channel.id] = channel
        half = d.due_at + dt.timedelta(minutes=b.deadline_minutes / 2)
        if d.notified_at is None:
            _tell(session, settings, "issued", d, b, channel, now)
            d.notified_at = now
            counts["issued"] += 1
        # Past half the deadline (a worker down meanwhile): escalated in the same pass.
        if d.state != "playing" and now >= half and d.escalated_at is None:
            _tell(session, settings, "escalated", d, b, channel, now)
            _tell(session, settings, "escalated", d, b, channel, now, role="planner")
            d.escalated_at = now
            counts["escalated"] += 1
        elif (
            d.state != "playing"
            and d.reminded_at is None
            and d.escalated_at is None
            and now >= d.notified_at + remind_after
        ):
            _tell(session, settings, "reminder", d, b, channel, now)
            d.reminded_at = now
            counts["reminded"] += 1
    counts["deadline_lists"] = _deadline_lists(session, settings, now)
    expired = rowcount(
        session.execute(
            update(EmergencyDelivery)
            .where(
                EmergencyDelivery.state.in_(("waiting", "delivered")),
                EmergencyDelivery.broadcast_id.in_(
                    select(EmergencyBroadcast.id).where(EmergencyBroadcast.expires_at <= now)
                ),
            )
            .values(state="no_answer", updated_at=now)
        )
    )
    counts["no_answer"] = int(expired or 0)
    session.flush()
    return counts


def summary(counts: Counter[str]) -> str:
    """The job's one-line result."""
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
