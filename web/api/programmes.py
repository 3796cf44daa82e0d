"""API: the programme library."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlalchemy import select

from content.models import Programme as ProgrammeRow
from web.access import READ, require
from web.api import api
from web.api.bodies import query_args
from web.api.common import paged
from web.api.models import Out, Page, Paging
from web.api.spec import route
from web.db import db


class Programme(Out):
    """A programme of the library as the API lists it."""

    id: int
    code: str | None
    title: str
    programme_type: str
    language: str
    duration_seconds: int
    topics: list[str]
    priority: str
    approved: bool = Field(validation_alias="is_approved")


class ProgrammeQuery(Paging):
    """Programmes of a language, paged."""

    language: str | None = Field(None, max_length=16, description="language code")


@route(
    api,
    "/programmes",
    "GET",
    summary="The programme library",
    tag="programmes",
    query=ProgrammeQuery,
    responses={200: Page[Programme]},
)
def list_programmes() -> Any:
    """Programmes, paged (the library is shared by every area)."""
    require(READ)
    args = query_args(ProgrammeQuery)
    q = select(ProgrammeRow)
    if args.language:
        q = q.where(ProgrammeRow.language == args.language)
    return paged(db(), q, Programme, args, ProgrammeRow.id)
