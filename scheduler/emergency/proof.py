"""Proof of air: every station of a broadcast's area, its state, when, by whom, how late.

One query over the deliveries of one occurrence (columns only, no objects), so that the page for
a whole country's 3,321 communes stays fast; grouped by the station's commune (its unit).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audio.messages import N_
from scheduler.emergency.models import DELIVERY_STATES, EmergencyBroadcast, EmergencyDelivery
from scheduler.models import AdminUnit, Channel
from scheduler.units.text import vi_sort_key

STATE_NAMES = {
    "waiting": N_("Waiting"),
    "delivered": N_("Delivered to the device"),
    "playing": N_("Playing"),
    "aired": N_("Aired"),
    "failed": N_("Failed"),
    "no_answer": N_("No answer"),
    "cancelled": N_("Cancelled"),
}
BROADCAST_STATE_NAMES = {
    "awaiting_approval": N_("Awaiting approval"),
    "active": N_("Active"),
    "cancelled": N_("Cancelled"),
}
VIA_NAMES = {"agent": N_("device"), "person": N_("person")}


@dataclass(frozen=True)
class StationRow:
    """One station's airing of the occurrence."""

    delivery_id: int
    channel_id: int
    channel: str
    kind: str
    unit: str
    unit_code: str
    state: str
    due_at: dt.datetime
    delivered_at: dt.datetime | None
    aired_at: dt.datetime | None
    aired_by: str | None
    aired_via: str | None
    seconds: int | None
    failure_reason: str | None
    escalated: bool
    minutes_to_air: float | None  # from the occurrence being due (issue or repeat) to airing
    within_deadline: bool

    def as_json(self) -> dict[str, Any]:
        """The row as the JSON status gives it."""
        iso = lambda v: v.isoformat() if v else None  # noqa: E731
        return {
            "delivery_id": self.delivery_id, "channel_id": self.channel_id,
            "channel": self.channel, "kind": self.kind, "unit": self.unit,
            "unit_code": self.unit_code, "state": self.state,
            "delivered_at": iso(self.delivered_at), "aired_at": iso(self.aired_at),
            "aired_by": self.aired_by, "aired_via": self.aired_via, "seconds": self.seconds,
            "failure_reason": self.failure_reason, "escalated": self.escalated,
            "minutes_to_air": self.minutes_to_air, "within_deadline": self.within_deadline,
        }  # fmt: skip


@dataclass
class Proof:
    """The broadcast, one occurrence's rows, their counts and the share aired in time."""

    broadcast: EmergencyBroadcast
    occurrence: int
    occurrences: int
    due_at: dt.datetime | None
    deadline: dt.datetime | None
    rows: list[StationRow] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """Stations in each state (every state present, zeros included)."""
        seen = Counter(r.state for r in self.rows)
        return {s: seen.get(s, 0) for s in DELIVERY_STATES}

    @property
    def aired_by_agent(self) -> int:
        """Stations whose device reported the airing."""
        return sum(1 for r in self.rows if r.state == "aired" and r.aired_via == "agent")

    @property
    def within_deadline(self) -> int:
        """Stations that aired by the deadline."""
        return sum(1 for r in self.rows if r.within_deadline)

    @property
    def share_within_deadline(self) -> float | None:
        """Share of the stations that aired by the deadline (None without stations)."""
        return self.within_deadline / len(self.rows) if self.rows else None

    def groups(self) -> list[tuple[str, list[StationRow]]]:
        """Rows grouped by commune (the station's unit), in the rows' order."""
        out: dict[str, list[StationRow]] = {}
        for r in self.rows:
            out.setdefault(r.unit, []).append(r)
        return list(out.items())

    def as_json(self) -> dict[str, Any]:
        """The status document of the API and `loa emergency status --format json`."""
        b = self.broadcast
        iso = lambda v: v.isoformat() if v else None  # noqa: E731
        return {
            "id": b.id, "title": b.title, "state": b.state, "version": b.version,
            "programme_id": b.programme_id, "unit_id": b.unit_id,
            "deadline_minutes": b.deadline_minutes, "issued_by": b.issued_by,
            "issued_at": iso(b.issued_at), "effective_at": iso(b.effective_at),
            "approved_by": b.approved_by, "expires_at": iso(b.expires_at),
            "cancelled_at": iso(b.cancelled_at), "reason": b.reason,
            "occurrence": self.occurrence, "occurrences": self.occurrences,
            "due_at": iso(self.due_at), "deadline": iso(self.deadline),
            "stations": len(self.rows), "counts": self.counts,
            "aired_by_agent": self.aired_by_agent, "within_deadline": self.within_deadline,
            "share_within_deadline": self.share_within_deadline,
            "items": [r.as_json() for r in self.rows],
        }  # fmt: skip


def _sort_key(row: StationRow) -> tuple[Any, Any]:
    return (vi_sort_key(row.unit), vi_sort_key(row.channel))


def proof(session: Session, broadcast: EmergencyBroadcast, occurrence: int = 0) -> Proof:
    """The proof of air of one occurrence (0 = the first airing)."""
    d = EmergencyDelivery
    count = session.scalar(select(func.max(d.occurrence)).where(d.broadcast_id == broadcast.id))
    rows = session.execute(
        select(d.id, d.channel_id, Channel.name, Channel.kind, AdminUnit.name, AdminUnit.code,
               d.state, d.due_at, d.delivered_at, d.aired_at, d.aired_by, d.aired_via,
               d.seconds, d.failure_reason, d.escalated_at)
        .join(Channel, Channel.id == d.channel_id)
        .join(AdminUnit, AdminUnit.id == Channel.unit_id)
        .where(d.broadcast_id == broadcast.id, d.occurrence == occurrence)
    ).all()  # fmt: skip
    out = Proof(broadcast, occurrence, (count + 1) if count is not None else 0, None, None)
    limit = dt.timedelta(minutes=broadcast.deadline_minutes)
    for r in rows:
        due = r[7]
        aired = r[9]
        minutes = round((aired - due).total_seconds() / 60, 1) if aired else None
        out.rows.append(
            StationRow(
                r[0], r[1], r[2], r[3], r[4], r[5], r[6], due, r[8], aired, r[10], r[11],
                r[12], r[13], r[14] is not None, minutes,
                aired is not None and r[6] == "aired" and aired <= due + limit,
            )
        )  # fmt: skip
    out.rows.sort(key=_sort_key)
    if out.rows:
        out.due_at = out.rows[0].due_at
        out.deadline = out.due_at + limit
    return out


def tallies(session: Session, broadcast_ids: list[int]) -> dict[int, dict[str, int]]:
    """First-airing counts per broadcast: stations, aired (for lists of broadcasts)."""
    if not broadcast_ids:
        return {}
    d = EmergencyDelivery
    rows = session.execute(
        select(d.broadcast_id, d.state, func.count())
        .where(d.broadcast_id.in_(broadcast_ids), d.occurrence == 0)
        .group_by(d.broadcast_id, d.state)
    ).all()
    out: dict[int, dict[str, int]] = {i: {"stations": 0, "aired": 0} for i in broadcast_ids}
    for bid, state, n in rows:
        out[bid]["stations"] += n
        if state == "aired":
            out[bid]["aired"] += n
    return out


@dataclass(frozen=True)
class PeriodLine:
    """One emergency broadcast of a reporting period, counted over the report's stations."""

    broadcast_id: int
    effective_at: dt.datetime
    title: str
    state: str
    stations: int
    aired: int
    within_deadline: int


def period_lines(
    session: Session, channel_ids: list[int] | None, start: dt.datetime, end: dt.datetime
) -> list[PeriodLine]:
    """Emergency broadcasts that went out in [start, end), first airings over these stations.

    Counted apart from the coverage rules: the periodic report lists them in a table of their own.
    """
    d, b = EmergencyDelivery, EmergencyBroadcast
    query = (
        select(b.id, b.effective_at, b.title, b.state, b.deadline_minutes, d.state, d.due_at,
               d.aired_at)
        .join(d, d.broadcast_id == b.id)
        .where(b.effective_at >= start, b.effective_at < end, d.occurrence == 0)
    )  # fmt: skip
    if channel_ids is not None:
        query = query.where(d.channel_id.in_(channel_ids))
    lines: dict[int, list[Any]] = {}
    for bid, at, title, state, minutes, dstate, due, aired in session.execute(query):
        line = lines.setdefault(bid, [at, title, state, 0, 0, 0])
        line[3] += 1
        if dstate == "aired":
            line[4] += 1
            if aired is not None and aired <= due + dt.timedelta(minutes=minutes):
                line[5] += 1
    return sorted((PeriodLine(bid, *v) for bid, v in lines.items()), key=lambda x: x.effective_at)
