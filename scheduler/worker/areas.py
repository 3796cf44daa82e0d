"""Group channels by their top-level area (province), for per-area notices and digests."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.models import AdminUnit, Channel


def top_unit_ids(session: Session) -> dict[int, int]:
    """Map every unit id to the id of its top-level ancestor."""
    parents = {uid: pid for uid, pid in session.execute(select(AdminUnit.id, AdminUnit.parent_id))}
    top: dict[int, int] = {}
    for uid in parents:
        seen: list[int] = []
        cur: int | None = uid
        while cur is not None and cur not in top and cur not in seen:
            seen.append(cur)
            parent = parents.get(cur)
            if parent is None:
                top[cur] = cur
                break
            cur = parent
        root = top.get(cur, cur) if cur is not None else uid
        for u in seen:
            top[u] = root
    return top


def channels_by_area(session: Session, day: dt.date) -> dict[AdminUnit, list[Channel]]:
    """Channels active on day, grouped by the top-level unit they belong to."""
    top = top_unit_ids(session)
    grouped: dict[int, list[Channel]] = defaultdict(list)
    for channel in session.scalars(select(Channel).order_by(Channel.id)):
        if channel.active_on(day):
            grouped[top.get(channel.unit_id, channel.unit_id)].append(channel)
    units = {u.id: u for u in session.scalars(select(AdminUnit).where(AdminUnit.id.in_(grouped)))}
    return {units[uid]: chans for uid, chans in grouped.items() if uid in units}
