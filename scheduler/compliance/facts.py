"""Compact facts about units and channels, read with a few plain SELECTs (no ORM objects)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.compliance.model import ChannelInfo, UnitInfo
from scheduler.errors import N_, NotFound
from scheduler.models import AdminUnit, Channel, ChannelLanguage


def load_units(session: Session, channel_ids: Collection[int] | None = None) -> dict[int, UnitInfo]:
    """Every unit above the village level, by id; for channel_ids, only those their units reach.

    Reached: the channels' units and, transitively, their parents and successors (all that
    roll-ups and rule areas look at), read a level at a time.
    """
    u = AdminUnit
    stmt = select(
        u.id, u.code, u.name, u.level, u.structure, u.parent_id, u.successor_id,
        u.valid_from, u.valid_to, u.full_name, u.unit_type,
    ).where(u.level != "village")  # fmt: skip
    if channel_ids is None:
        return {row[0]: UnitInfo(*row) for row in session.execute(stmt)}
    wanted = sorted(set(channel_ids))
    todo = set(session.scalars(select(Channel.unit_id).where(Channel.id.in_(wanted))))
    out: dict[int, UnitInfo] = {}
    asked: set[int] = set()
    while todo:
        asked |= todo
        for row in session.execute(stmt.where(u.id.in_(sorted(todo)))):
            out[row[0]] = UnitInfo(*row)
        nxt = {i for info in out.values() for i in (info.parent_id, info.successor_id)}
        todo = {i for i in nxt if i is not None} - asked
    return out


def find_roots(
    units: dict[int, UnitInfo], code: str, start: dt.date, end: dt.date
) -> tuple[int, ...]:
    """Units with this code that exist on some day of [start, end] (old and new structure)."""
    roots = tuple(
        sorted(uid for uid, u in units.items() if u.code == code and u.valid_between(start, end))
    )
    if not roots:
        raise NotFound(
            N_(
                "There is no administrative unit with the code '%(unit)s'"
                " between %(start)s and %(end)s"
            ),
            code="unit.not_found",
            unit=code,
            start=f"{start:%d/%m/%Y}",
            end=f"{end:%d/%m/%Y}",
        )
    return roots


def area_ids(units: dict[int, UnitInfo], roots: Iterable[int]) -> frozenset[int]:
    """The roots, everything under them, and every unit merged into one of those (by successor)."""
    children: dict[int, list[int]] = defaultdict(list)
    merged_into: dict[int, list[int]] = defaultdict(list)
    for u in units.values():
        if u.parent_id is not None:
            children[u.parent_id].append(u.id)
        if u.successor_id is not None:
            merged_into[u.successor_id].append(u.id)
    area: set[int] = set()
    stack = list(roots)
    while stack:
        uid = stack.pop()
        if uid in area:
            continue
        area.add(uid)
        stack.extend(children.get(uid, ()))
        # A merged unit joins the area on its own, not with its subtree: its children
        # join through their own successor links.
        for old in merged_into.get(uid, ()):
            if old not in area:
                area.add(old)
                stack.extend(o for o in merged_into.get(old, ()) if o not in area)
    return frozenset(area)


def counted_units(
    units: dict[int, UnitInfo], unit_id: int, memo: dict[int, frozenset[int]] | None = None
) -> frozenset[int]:
    """A unit, its ancestors, and its successors with their ancestors (roll-up targets)."""
    memo = {} if memo is None else memo
    found = memo.get(unit_id)
    if found is not None:
        return found
    memo[unit_id] = frozenset({unit_id})  # guards against a cycle in bad data
    out = {unit_id}
    info = units.get(unit_id)
    if info is not None:
        for nxt in (info.parent_id, info.successor_id):
            if nxt is not None:
                out |= counted_units(units, nxt, memo)
    result = frozenset(out)
    memo[unit_id] = result
    return result


def ancestor_units(units: dict[int, UnitInfo], unit_id: int) -> frozenset[int]:
    """A unit and its ancestors, merges not followed (what a rule's area reaches without them)."""
    out: set[int] = set()
    cur: int | None = unit_id
    while cur is not None and cur not in out:  # `not in out` guards against a cycle
        out.add(cur)
        info = units.get(cur)
        cur = info.parent_id if info is not None else None
    return frozenset(out)


def load_channels(
    session: Session,
    units: dict[int, UnitInfo],
    area: frozenset[int] | None,
    kinds: Iterable[str] | None = None,
    channel_ids: Iterable[int] | None = None,
) -> tuple[dict[int, ChannelInfo], int]:
    """Channels in the area (all when None) as plain facts, and how many channels there are."""
    c = Channel
    stmt = select(c.id, c.name, c.kind, c.unit_id, c.active_from, c.active_to)
    if kinds is not None:
        stmt = stmt.where(c.kind.in_(list(kinds)))
    lang_stmt = select(ChannelLanguage.channel_id, ChannelLanguage.language)
    if channel_ids is not None:  # a page's few channels: read only those, count the rest
        wanted = sorted(set(channel_ids))
        total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        stmt = stmt.where(c.id.in_(wanted))
        lang_stmt = lang_stmt.where(ChannelLanguage.channel_id.in_(wanted))
    everything = session.execute(stmt).all()
    if channel_ids is None:
        total = len(everything)
    rows = [r for r in everything if area is None or r[3] in area]
    langs: dict[int, set[str]] = defaultdict(set)
    for cid, lang in session.execute(lang_stmt):
        langs[cid].add(lang)
    memo: dict[int, frozenset[int]] = {}
    out: dict[int, ChannelInfo] = {}
    for cid, name, kind, unit_id, active_from, active_to in rows:
        unit = units.get(unit_id)
        out[cid] = ChannelInfo(
            id=cid,
            name=name,
            kind=kind,
            unit_id=unit_id,
            unit_code=unit.code if unit else "",
            unit_name=unit.name if unit else "",
            languages=frozenset(langs.get(cid, ())),
            active_from=active_from,
            active_to=active_to,
            unit_ids=counted_units(units, unit_id, memo),
        )
    return out, total
