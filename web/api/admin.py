"""API: slot patterns and loudspeaker clusters of a channel, users (admin), the feed inbox."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from flask import jsonify
from pydantic import AliasPath, Field, PlainSerializer, WithJsonSchema
from sqlalchemy import select

from content import inbox
from scheduler.models import LoudspeakerCluster as ClusterRow
from scheduler.models import SlotPattern as PatternRow
from web.access import ADMIN, PLAN, READ, require, require_channel
from web.api import api
from web.api.bodies import query_args
from web.api.common import paged
from web.api.models import Day, Instant, Out, Page, Paging
from web.api.spec import route
from web.db import db
from web.models import User as UserRow

# A time of day as HH:MM.
HourMinute = Annotated[
    dt.time,
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str),
    WithJsonSchema({"type": "string", "example": "06:00"}),
]


class SlotPattern(Out):
    """A recurring airtime of a channel."""

    id: int
    name: str | None
    weekdays: str
    start_time: HourMinute
    duration_minutes: int
    valid_from: Day
    valid_to: Day | None


class LoudspeakerCluster(Out):
    """A cluster of loudspeakers (cụm loa) of a channel."""

    id: int
    name: str
    speakers: int
    village_unit_id: int | None


class User(Out):
    """An account as the API shows it (never its password hash)."""

    id: int
    username: str
    display_name: str
    role: str
    unit_id: int | None
    channel_ids: list[int]
    active: bool


class FeedItem(Out):
    """An item of the feed inbox."""

    id: int
    source_id: int
    source_name: str = Field(validation_alias=AliasPath("source", "name"))
    title: str
    link: str | None
    text: str
    published_at: Instant | None
    status: str


@route(api, "/channels/<id:channel_id>/patterns", "GET", summary="A channel's slot patterns",
       tag="channels", responses={200: list[SlotPattern]})  # fmt: skip
def list_patterns(channel_id: int) -> Any:
    """Recurring airtimes of the channel."""
    session = db()
    require_channel(session, channel_id, READ)
    rows = session.scalars(
        select(PatternRow).where(PatternRow.channel_id == channel_id).order_by(PatternRow.id)
    )
    return jsonify(SlotPattern.dump_all(rows))


@route(api, "/channels/<id:channel_id>/clusters", "GET", summary="A channel's clusters (cụm loa)",
       tag="channels", responses={200: list[LoudspeakerCluster]})  # fmt: skip
def list_clusters(channel_id: int) -> Any:
    """Cụm loa of the channel."""
    session = db()
    require_channel(session, channel_id, READ)
    rows = session.scalars(
        select(ClusterRow).where(ClusterRow.channel_id == channel_id).order_by(ClusterRow.id)
    )
    return jsonify(LoudspeakerCluster.dump_all(rows))


@route(api, "/users", "GET", summary="Users with role and scope (admin)", tag="users",
       query=Paging, responses={200: Page[User]})  # fmt: skip
def list_users() -> Any:
    """Every account, paged."""
    require(ADMIN)
    return paged(db(), select(UserRow), User, query_args(Paging), UserRow.id)


@route(api, "/feed-items", "GET", summary="New items of the feed inbox (planners)", tag="library",
       responses={200: list[FeedItem]})  # fmt: skip
def list_feed_items() -> Any:
    """The newest 100 undecided feed items."""
    require(PLAN)
    return jsonify(FeedItem.dump_all(inbox.list_items(db(), "new", limit=100)))
