"""API: the administrative units of the caller's area."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import select

from scheduler.models import AdminUnit
from web.access import READ, require
from web.api import api
from web.api.bodies import query_args
from web.api.common import paged
from web.api.models import Day, Id, OneOf, Out, Page, Paging
from web.api.spec import route
from web.db import db

LEVELS = ("province", "district", "commune", "village")


class Unit(Out):
    """An administrative unit."""

    id: int
    code: str
    name: str
    level: str
    structure: str
    parent_id: int | None
    valid_from: Day
    valid_to: Day | None


class UnitQuery(Paging):
    """Units under a parent, of a level, paged."""

    parent: Id | None = Field(None, description="parent unit id")
    level: Annotated[str, OneOf(LEVELS)] | None = Field(None, description="level")


@route(
    api,
    "/units",
    "GET",
    summary="Administrative units in your area (children of a unit with `parent`)",
    tag="units",
    query=UnitQuery,
    responses={200: Page[Unit]},
)
def list_units() -> Any:
    """Units the caller may see (admins: all; others: their subtree)."""
    principal = require(READ)
    args = query_args(UnitQuery)
    session = db()
    q = select(AdminUnit)
    scope = principal.unit_ids(session)
    if scope is not None:
        q = q.where(AdminUnit.id.in_(list(scope)))
    if args.parent is not None:
        q = q.where(AdminUnit.parent_id == args.parent)
    if args.level:
        q = q.where(AdminUnit.level == args.level)
    return paged(session, q, Unit, args, AdminUnit.code, AdminUnit.id)
