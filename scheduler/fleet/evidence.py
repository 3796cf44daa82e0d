"""Who vouches for an airing: a person, the device, or both; and where they disagree.

The airing log holds one statement per item (the latest, a person's or the device's); the
device's own statements stay in playout_records, so a person never erases what the machine
played, and the machine never overwrites what a person said.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.models import Airing, PlayoutRecord

PEOPLE_SOURCES = ("web", "api", "cli", "import", "demo")


@dataclass(frozen=True)
class Evidence:
    """The statements about one scheduled item."""

    item_id: int
    person_status: str | None  # what a person said (None: no person spoke)
    device_status: str | None  # what the device played (None: no agent report)
    device_seconds: float | None
    person: str | None = None

    @property
    def vouched_by(self) -> str:
        """'both', 'device', 'person' or 'none'."""
        if self.person_status and self.device_status:
            return "both"
        return "device" if self.device_status else "person" if self.person_status else "none"

    @property
    def disagree(self) -> bool:
        """True when a person and the device said different things."""
        return bool(self.person_status and self.device_status) and (
            self.person_status != self.device_status
        )


def evidence_for(session: Session, item_ids: list[int]) -> dict[int, Evidence]:
    """The person's and the device's statements for each of these items that has any."""
    if not item_ids:
        return {}
    wanted = set(item_ids)
    people: dict[int, tuple[str, str]] = {}
    for item_id, status, source, who in session.execute(
        select(Airing.scheduled_item_id, Airing.status, Airing.source, Airing.confirmed_by).where(
            Airing.scheduled_item_id.in_(wanted)
        )
    ):
        if source in PEOPLE_SOURCES and item_id is not None:  # never None: matched by IN
            people[item_id] = (status, who)
    device: dict[int, tuple[str, float]] = {}
    rows = session.execute(
        select(PlayoutRecord.scheduled_item_id, PlayoutRecord.status, PlayoutRecord.seconds_played)
        .where(PlayoutRecord.scheduled_item_id.in_(wanted))
        .order_by(PlayoutRecord.id)
    )
    for item_id, status, seconds in rows:
        if item_id is not None:  # never None: matched by IN
            device[item_id] = (status, seconds)  # the latest report wins
    out: dict[int, Evidence] = {}
    for item_id in wanted & (people.keys() | device.keys()):
        p = people.get(item_id)
        d = device.get(item_id)
        out[item_id] = Evidence(
            item_id,
            person_status=p[0] if p else None,
            device_status=d[0] if d else None,
            device_seconds=d[1] if d else None,
            person=p[1] if p else None,
        )
    return out


def disagreements(session: Session, channel_ids: list[int], limit: int = 200) -> list[Evidence]:
    """Items of these channels where a person and the device disagree, newest first."""
    if not channel_ids:
        return []
    rows = session.execute(
        select(PlayoutRecord.scheduled_item_id)
        .join(Airing, Airing.scheduled_item_id == PlayoutRecord.scheduled_item_id)
        .where(
            PlayoutRecord.channel_id.in_(channel_ids),
            Airing.source.in_(PEOPLE_SOURCES),
            Airing.status != PlayoutRecord.status,
        )
        .order_by(PlayoutRecord.started_at.desc())
        .limit(limit)
    ).all()
    ids = [r[0] for r in rows if r[0] is not None]  # never None: joined on equality
    found = evidence_for(session, ids)
    return [found[i] for i in ids if i in found and found[i].disagree]


def device_share(session: Session, channel_ids: list[int], week_keys: list[int]) -> tuple[int, int]:
    """(airings the device backs, airings that count as aired) for these channels and weeks.

    An airing counts as aired when its status is aired or partial; the device backs it when
    the agent's own statement about the item says it played (aired or partial).
    """
    if not channel_ids or not week_keys:
        return 0, 0
    rows = session.execute(
        select(Airing.scheduled_item_id, Airing.source).where(
            Airing.channel_id.in_(channel_ids),
            Airing.week_key.in_(week_keys),
            Airing.status.in_(("aired", "partial")),
        )
    ).all()
    items = [r[0] for r in rows if r[0] is not None]
    played = set()
    if items:
        played = set(
            session.scalars(
                select(PlayoutRecord.scheduled_item_id).where(
                    PlayoutRecord.scheduled_item_id.in_(items),
                    PlayoutRecord.status.in_(("aired", "partial")),
                )
            )
        )
    backed = sum(1 for item_id, source in rows if source == "playout" or item_id in played)
    return backed, len(rows)
