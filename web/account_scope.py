"""A user's role and scope, changed by an admin: the area of a planner or supervisor, the
stations of a broadcaster; stations and units found by name (accents optional) or code."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from audio.messages import N_
from content import audit
from scheduler.errors import Invalid, NotFound
from scheduler.models import AdminUnit, Channel
from scheduler.roles import ROLES
from scheduler.units.text import fold, vi_sort_key
from web.models import User, UserChannel
from web.params import to_id

SEARCH_LIMIT = 30
SCOPED_BY_UNIT = ("planner", "supervisor")


def search_stations(session: Session, query: str, limit: int = SEARCH_LIMIT) -> list[Channel]:
    """Stations whose name, or whose unit's name or code, holds the words of the query."""
    words = fold(query).split()
    if not words:
        return []
    rows = session.execute(
        select(Channel, AdminUnit.search_name, AdminUnit.code).join(
            AdminUnit, AdminUnit.id == Channel.unit_id
        )
    ).all()
    found = [
        channel
        for channel, unit_name, code in rows
        if all(w in f"{fold(channel.name)} {unit_name} {code}" for w in words)
    ]
    return sorted(found, key=lambda c: vi_sort_key(c.name))[:limit]


def search_units(session: Session, query: str, limit: int = SEARCH_LIMIT) -> list[AdminUnit]:
    """Current units whose name holds the words of the query (or whose code it is)."""
    words = fold(query).split()
    if not words:
        return []
    order = {"province": 0, "district": 1, "commune": 2, "village": 3}
    longest = max(words, key=len)
    rows = session.scalars(
        select(AdminUnit)
        .where(AdminUnit.valid_to.is_(None))
        .where(
            or_(
                AdminUnit.code == query.strip(),
                AdminUnit.search_name.contains(longest, autoescape=True),
            )
        )
        .limit(2000)
    )
    found = [u for u in rows if u.code == query.strip() or all(w in u.search_name for w in words)]
    return sorted(found, key=lambda u: (order.get(u.level, 9), vi_sort_key(u.name)))[:limit]


def resolve_unit(session: Session, text: str) -> AdminUnit:
    """The unit named by a code, or by a name that only one current unit has."""
    found = search_units(session, text, limit=6)
    exact = [u for u in found if u.code == text.strip() or fold(u.name) == fold(text)]
    if len(exact) == 1:
        return exact[0]
    if len(found) == 1:
        return found[0]
    if not found:
        unknown = N_("No administrative unit matches “%(text)s”.")
        raise NotFound(unknown, code="user.unit.unknown", text=text)
    raise Invalid(
        N_("“%(text)s” matches several units (%(names)s); give the code."),
        code="user.unit.ambiguous",
        text=text,
        names=", ".join(f"{u.name} ({u.code})" for u in found[:5]),
    )


def resolve_stations(session: Session, text: str) -> list[int]:
    """Stations given as ids or names, separated by commas; each name must be unambiguous."""
    ids: list[int] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if part.isdigit():  # an id (a number outside 1..ID_MAX or in other digits is no station)
            if (station_id := to_id(part)) is None:
                raise NotFound(
                    N_("No station matches “%(text)s”."), code="user.station.unknown", text=part
                )
            ids.append(station_id)
            continue
        found = search_stations(session, part, limit=6)
        exact = [c for c in found if fold(c.name) == fold(part)]
        pick = exact if len(exact) == 1 else found
        if len(pick) == 1:
            ids.append(pick[0].id)
        elif not pick:
            unknown = N_("No station matches “%(text)s”.")
            raise NotFound(unknown, code="user.station.unknown", text=part)
        else:
            raise Invalid(
                N_("“%(text)s” matches several stations (%(names)s); be more precise."),
                code="user.station.ambiguous",
                text=part,
                names=", ".join(c.name for c in pick[:5]),
            )
    return ids


def _snapshot(user: User) -> dict[str, object]:
    return {"role": user.role, "unit_id": user.unit_id, "channels": user.channel_ids}


def update_scope(
    session: Session,
    user: User,
    actor: str,
    *,
    role: str,
    unit_id: int | None,
    channel_ids: Sequence[int],
) -> None:
    """Set the role and its scope (flushes, audited); the previous scope is replaced."""
    if role not in ROLES:
        raise Invalid(
            N_("Unknown role “%(role)s”; use one of %(roles)s."),
            code="user.role", role=role, roles=", ".join(ROLES),
        )  # fmt: skip
    if user.username == actor and user.role == "admin" and role != "admin":
        own = N_("You cannot take away your own administrator role.")
        raise Invalid(own, code="user.role.self")
    unit = session.get(AdminUnit, unit_id) if unit_id is not None else None
    if role in SCOPED_BY_UNIT and unit is None:
        raise Invalid(
            N_("A planner or supervisor needs the administrative unit they work for."),
            code="user.unit",
        )
    ids = sorted(set(channel_ids)) if role == "broadcaster" else []
    if role == "broadcaster" and not ids:
        raise Invalid(N_("A broadcaster needs at least one station."), code="user.stations")
    known = set(session.scalars(select(Channel.id).where(Channel.id.in_(ids)))) if ids else set()
    if missing := [i for i in ids if i not in known]:
        raise NotFound(
            N_("No station with id %(ids)s."),
            code="user.stations.unknown", ids=", ".join(map(str, missing)),
        )  # fmt: skip
    before = _snapshot(user)
    user.role = role
    user.unit_id = unit.id if unit is not None and role in SCOPED_BY_UNIT else None
    keep = {link.channel_id: link for link in user.channel_links}
    user.channel_links = [keep.get(i) or UserChannel(channel_id=i) for i in ids]
    user.auth_version += 1  # tokens act with the new scope at once, in every process
    session.flush()
    after = _snapshot(user)
    audit.record(session, actor, "user.scope", "user", user.id, before=before, after=after)
