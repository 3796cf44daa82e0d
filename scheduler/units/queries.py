"""Look units up: by code or name, by province subtree, by date, by accent-free search."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, selectinload

from audio.messages import N_
from scheduler.models.units import AdminUnit
from scheduler.units.records import UnitList, UnitsError, pad_code
from scheduler.units.text import fold, fold_key, split_type


def _name_keys(name: str, full_name: str | None) -> set[str]:
    """Forms a user may type for a province: "Thái Nguyên", "thai nguyen", "Tỉnh Thái Nguyên"."""
    keys = {fold_key(name)}
    if full_name:
        keys.add(fold_key(full_name))
    return keys


def _query_key(query: str) -> str:
    """A typed province name without its type prefix, folded."""
    return fold_key(split_type(query)[1])


def province_in_list(units: UnitList, query: str) -> str:
    """Code of the province of the list named or numbered by `query`; a clear error if none."""
    provinces = [r for r in units.records if r.level == "province"]
    code = pad_code(query, "province") if query.strip().isdigit() else None
    if code is not None:
        if any(p.code == code for p in provinces):
            return code
    else:
        key = fold_key(query)
        bare = _query_key(query)
        hits = [
            p.code
            for p in provinces
            if key in _name_keys(p.name, p.full_name) or bare == fold_key(p.name)
        ]
        if len(hits) == 1:
            return hits[0]
    known = ", ".join(f"{p.code} {p.name}" for p in sorted(provinces, key=lambda p: p.code))
    raise UnitsError(
        N_("Unknown province %(query)s in the %(structure)s list. Known: %(known)s"),
        code="units.province",
        query=repr(query),
        structure=units.structure,
        known=known,
    )


def _scope(structure: str | None, on: dt.date | None) -> list[ColumnElement[bool]]:
    """Filters: by date when given; else by structure when given; else units valid today."""
    conds: list[ColumnElement[bool]] = []
    if structure:
        conds.append(AdminUnit.structure == structure)
    if on is not None or not structure:
        day = on or dt.date.today()
        conds.append(AdminUnit.valid_from <= day)
        conds.append(or_(AdminUnit.valid_to.is_(None), AdminUnit.valid_to > day))
    return conds


def find_province(
    session: Session, query: str, structure: str | None = None, on: dt.date | None = None
) -> AdminUnit:
    """The province named or numbered by `query` among the stored units in scope."""
    conds = [AdminUnit.level == "province", *_scope(structure, on)]
    provinces = list(session.scalars(select(AdminUnit).where(*conds).order_by(AdminUnit.code)))
    code = pad_code(query, "province") if query.strip().isdigit() else None
    key, bare = fold_key(query), _query_key(query)
    hits = [
        p
        for p in provinces
        if p.code == code
        or (code is None and (key in _name_keys(p.name, p.full_name) or bare == fold_key(p.name)))
    ]
    if len(hits) == 1:
        return hits[0]
    where = f" ({structure})" if structure else ""
    if not provinces:
        raise UnitsError(
            N_("No administrative units are stored%(where)s: run `loa units import`"),
            code="units.none",
            where=where,
        )
    raise UnitsError(
        N_("Unknown province %(query)s%(where)s"),
        code="units.province",
        query=repr(query),
        where=where,
    )


def descendant_ids(session: Session, root: AdminUnit) -> set[int]:
    """Ids of a unit and everything under it."""
    ids = {root.id}
    frontier = [root.id]
    while frontier:
        stmt = select(AdminUnit.id).where(AdminUnit.parent_id.in_(frontier))
        frontier = list(session.scalars(stmt))
        ids.update(frontier)
    return ids


def list_units(
    session: Session,
    *,
    province: str | None = None,
    level: str | None = None,
    structure: str | None = None,
    on: dt.date | None = None,
    search: str | None = None,
) -> Sequence[AdminUnit]:
    """Units matching every given filter, ordered by code (provinces, districts, communes)."""
    conds = _scope(structure, on)
    if province:
        root = find_province(session, province, structure, on)
        conds.append(AdminUnit.id.in_(descendant_ids(session, root)))
    if level:
        conds.append(AdminUnit.level == level)
    if search and fold(search):
        conds.append(AdminUnit.search_name.contains(fold(search), autoescape=True))
    stmt = (
        select(AdminUnit)
        .where(*conds)
        .options(selectinload(AdminUnit.parent), selectinload(AdminUnit.successor))
        .order_by(
            AdminUnit.structure,
            AdminUnit.level != "province",
            AdminUnit.level != "district",
            AdminUnit.code,
        )
    )
    return session.scalars(stmt).all()


def find_unit(
    session: Session, code: str, level: str | None = None, on: dt.date | None = None
) -> AdminUnit:
    """The unit with a GSO code valid on a date (default today); a clear error if none."""
    conds = [AdminUnit.code == code, *_scope(None, on)]
    if level:
        conds.append(AdminUnit.level == level)
    hits = list(session.scalars(select(AdminUnit).where(*conds)))
    if len(hits) != 1:
        day = on or dt.date.today()
        raise UnitsError(
            N_("No unit has the code %(unit)s on %(day)s")
            if not hits
            else N_("Several units have the code %(unit)s on %(day)s"),
            code="units.code",
            unit=code,
            day=f"{day:%d/%m/%Y}",
        )
    return hits[0]
