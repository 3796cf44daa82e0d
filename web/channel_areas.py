"""Which rule areas reach a channel: its unit's code and its ancestors' (the supervisor's pages).

The pages reach a rule's area through the channel's own unit and its parents, as the compliance
engine does with follow_merges=False.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.models import AdminUnit, Channel
from scheduler.rules import ChannelFacts


def unit_codes(session: Session, unit_ids: set[int]) -> dict[int, frozenset[str]]:
    """For each unit: its code and the codes of all its ancestors (a few queries, any depth)."""
    known: dict[int, tuple[str, int | None]] = {}
    todo = set(unit_ids)
    while todo:
        rows = session.execute(
            select(AdminUnit.id, AdminUnit.code, AdminUnit.parent_id).where(AdminUnit.id.in_(todo))
        ).all()
        todo = set()
        for uid, code, parent in rows:
            known[uid] = (code, parent)
            if parent is not None and parent not in known:
                todo.add(parent)
    out: dict[int, frozenset[str]] = {}
    for uid in unit_ids:
        codes: set[str] = set()
        cur: int | None = uid
        while cur is not None and cur in known:
            code, cur = known[cur]
            codes.add(code)
        out[uid] = frozenset(codes)
    return out


def channel_facts(channel: Channel, codes: frozenset[str]) -> ChannelFacts:
    """What the rules need of a channel."""
    return ChannelFacts(
        id=channel.id,
        kind=channel.kind,
        languages=frozenset(channel.languages),
        unit_codes=codes,
        active_from=channel.active_from,
        active_to=channel.active_to,
    )
