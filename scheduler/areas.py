"""Areas: a unit and everything below it, and the channels that belong to them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from scheduler.errors import N_, NotFound
from scheduler.models import AdminUnit, Channel


def find_unit(session: Session, code: str, on: dt.date | None = None) -> AdminUnit:
    """The unit with this GSO code (valid on the date if given, else the newest); else NotFound."""
    query = select(AdminUnit).where(AdminUnit.code == code)
    if on is not None:
        query = query.where(
            AdminUnit.valid_from <= on, or_(AdminUnit.valid_to.is_(None), AdminUnit.valid_to > on)
        )
    units = list(session.scalars(query.order_by(AdminUnit.valid_from.desc())))
    if not units:
        if on is None:
            raise NotFound(
                N_("There is no administrative unit with the code '%(unit)s'"),
                code="unit.not_found",
                unit=code,
            )
        raise NotFound(
            N_("There is no administrative unit with the code '%(unit)s' on %(day)s"),
            code="unit.not_found",
            unit=code,
            day=f"{on:%d/%m/%Y}",
        )
    # Prefer the highest level when a province and a commune share a code ("01" vs "00001").
    order = {"province": 0, "district": 1, "commune": 2, "village": 3}
    return sorted(units, key=lambda u: (order.get(u.level, 9), -u.valid_from.toordinal()))[0]


def subtree_ids(session: Session, unit_id: int) -> list[int]:
    """Ids of the unit and all its descendants (recursive query, any depth)."""
    tree = select(AdminUnit.id).where(AdminUnit.id == unit_id).cte("tree", recursive=True)
    tree = tree.union_all(select(AdminUnit.id).where(AdminUnit.parent_id == tree.c.id))
    return list(session.scalars(select(tree.c.id)))


def channels_in_area(
    session: Session, unit_code: str | None, kinds: list[str] | None = None
) -> list[Channel]:
    """Channels whose unit lies in the area (all channels when unit_code is None)."""
    query = select(Channel).order_by(Channel.id)
    if unit_code is not None:
        unit = find_unit(session, unit_code)
        query = query.where(Channel.unit_id.in_(subtree_ids(session, unit.id)))
    if kinds:
        query = query.where(Channel.kind.in_(kinds))
    return list(session.scalars(query))
