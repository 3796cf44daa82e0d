"""The whole area in one pass: create the week's slots, copy a week forward, publish, for many.

Bulk counterparts of scheduler.schedules (one statement per step, not one per station), for the
planner's area page. Published weeks are left alone by create and copy; publish takes drafts.
Operations flush, never commit; the request owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from audio.messages import Message
from scheduler.config import Settings
from scheduler.models import WeekSchedule
from scheduler.periods import Week
from scheduler.planner import copy, load, write


@dataclass
class AreaResult:
    """What an area action did: schedules created, items copied, weeks published, skips."""

    created: int = 0
    copied: int = 0
    published: int = 0
    skipped: list[tuple[int, Message]] = field(default_factory=list)  # channel id, why


def states(session: Session, week: Week, channel_ids: list[int]) -> dict[int, str]:
    """Each channel's schedule state for the week: draft, published or none."""
    out = dict.fromkeys(channel_ids, "none")
    for part in load._chunks(sorted(channel_ids)):
        for cid, state in session.execute(
            select(WeekSchedule.channel_id, WeekSchedule.state).where(
                WeekSchedule.week_key == week.key, WeekSchedule.channel_id.in_(part)
            )
        ):
            out[cid] = state
    return out


def create_weeks(
    session: Session, settings: Settings, week: Week, channel_ids: list[int], actor: str
) -> AreaResult:
    """Create the week's slots from the patterns for every channel that has none yet."""
    created = write.materialise_missing(session, settings, week, channel_ids, actor)
    return AreaResult(created=created)


def copy_forward(
    session: Session,
    settings: Settings,
    source: Week,
    target: Week,
    channel_ids: list[int],
    actor: str,
) -> AreaResult:
    """Copy the source week into the matching empty slots of every unpublished target week."""
    now = states(session, target, channel_ids)
    open_ids = [cid for cid, state in now.items() if state != "published"]
    result = AreaResult()
    if not open_ids:
        return result
    result.created = write.materialise_missing(session, settings, target, open_ids, actor)
    channels = load.channel_facts(session, open_ids)
    programmes = load.programme_facts(session)
    result.copied, result.skipped = copy.copy_forward(
        session, settings, source, target, {c.id: c.languages for c in channels}, programmes, actor
    )
    session.flush()
    session.expire_all()  # the bulk statements bypassed the ORM's loaded objects
    return result


def publish(session: Session, week: Week, channel_ids: list[int], actor: str) -> AreaResult:
    """Publish the draft weeks of the channels (audited, versions bumped)."""
    result = AreaResult(published=write.publish(session, week, channel_ids, actor))
    session.flush()
    session.expire_all()
    return result
