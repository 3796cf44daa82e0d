"""API: channels in the caller's area and their week schedules (with ETag)."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from pydantic import AliasPath, Field
from sqlalchemy import select

from scheduler.models import Channel as ChannelRow
from web.access import READ, require, require_channel
from web.api import api
from web.api.bodies import query_args
from web.api.common import WeekQuery, paged
from web.api.models import Day, Instant, Out, Page, Paging, WeekName
from web.api.spec import route
from web.db import db
from web.weeks import load_weeks


class Channel(Out):
    """A station's channel as the API shows it."""

    id: int
    code: str | None
    name: str
    kind: str
    unit_id: int
    unit_code: str = Field(validation_alias=AliasPath("unit", "code"))
    unit_name: str = Field(validation_alias=AliasPath("unit", "name"))
    languages: list[str]
    active_from: Day
    active_to: Day | None


class ScheduledItem(Out):
    """A programme placed in a slot, with what became of it."""

    id: int
    position: int
    programme_id: int
    title: str
    programme_type: str
    language: str
    duration_seconds: int
    topics: list[str]
    pinned: bool
    airing_status: str | None


class Slot(Out):
    """A concrete airtime with its items."""

    id: int
    starts_at: Instant
    local_date: Day
    duration_minutes: int
    items: list[ScheduledItem]


class WeekSchedule(Out):
    """One channel's week: state, version (its ETag) and slots."""

    channel_id: int
    week: WeekName
    schedule_id: int | None
    state: str = Field(json_schema_extra={"enum": ["none", "draft", "published"]})
    version: int
    slots: list[Slot]


ETAG_HEADER = {"ETag": {"description": "version of the week", "schema": {"type": "string"}}}


class ChannelQuery(Paging):
    """Channels of one kind, paged."""

    kind: str | None = Field(None, max_length=40, description="only channels of this kind")


@route(api, "/channels", "GET", summary="Channels in your area", tag="channels",
       query=ChannelQuery, responses={200: Page[Channel]})  # fmt: skip
def list_channels() -> Any:
    """The channels the caller may see, paged."""
    principal = require(READ)
    args = query_args(ChannelQuery)
    session = db()
    query_ = select(ChannelRow)
    scope = principal.channel_scope(session)
    if scope is not None:
        query_ = query_.where(ChannelRow.id.in_(list(scope)))
    if args.kind:
        query_ = query_.where(ChannelRow.kind == args.kind)
    return paged(session, query_, Channel, args, ChannelRow.id)


@route(api, "/channels/<id:channel_id>", "GET", summary="One channel", tag="channels",
       responses={200: Channel})  # fmt: skip
def get_channel(channel_id: int) -> Any:
    """A channel in the caller's area."""
    return jsonify(Channel.dump(require_channel(db(), channel_id, READ)))


@route(
    api,
    "/channels/<id:channel_id>/schedule",
    "GET",
    summary="A channel's schedule for one ISO week, with its ETag",
    tag="schedules",
    query=WeekQuery,
    responses={200: WeekSchedule},
    headers={200: ETAG_HEADER},
)
def get_week(channel_id: int) -> Any:
    """The week's slots and items; send the ETag back as If-Match when editing."""
    session = db()
    require_channel(session, channel_id, READ)
    week = query_args(WeekQuery).chosen()
    view = load_weeks(session, [channel_id], week)[channel_id]
    response = jsonify(WeekSchedule.dump(view))
    response.headers["ETag"] = view.etag
    return response
