"""API: slot patterns and loudspeaker clusters of a channel, users (admin), the feed inbox."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from sqlalchemy import select

from content import inbox
from scheduler.models import LoudspeakerCluster, SlotPattern
from web.access import ADMIN, PLAN, READ, require, require_channel
from web.api import api
from web.api.common import iso, page_params, page_schema, paged_json
from web.api.spec import route, schema
from web.db import db
from web.models import User

PATTERN = schema(
    "SlotPattern",
    {
        "type": "object",
        "required": ["id", "weekdays", "start_time", "duration_minutes", "valid_from"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string", "nullable": True},
            "weekdays": {"type": "string"},
            "start_time": {"type": "string"},
            "duration_minutes": {"type": "integer"},
            "valid_from": {"type": "string", "format": "date"},
            "valid_to": {"type": "string", "format": "date", "nullable": True},
        },
    },
)
CLUSTER = schema(
    "LoudspeakerCluster",
    {
        "type": "object",
        "required": ["id", "name", "speakers"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "speakers": {"type": "integer"},
            "village_unit_id": {"type": "integer", "nullable": True},
        },
    },
)
USER = schema(
    "User",
    {
        "type": "object",
        "required": ["id", "username", "role", "active"],
        "properties": {
            "id": {"type": "integer"},
            "username": {"type": "string"},
            "display_name": {"type": "string"},
            "role": {"type": "string"},
            "unit_id": {"type": "integer", "nullable": True},
            "channel_ids": {"type": "array", "items": {"type": "integer"}},
            "active": {"type": "boolean"},
        },
    },
)
FEED_ITEM = schema(
    "FeedItem",
    {
        "type": "object",
        "required": ["id", "source_id", "title", "status"],
        "properties": {
            "id": {"type": "integer"},
            "source_id": {"type": "integer"},
            "source_name": {"type": "string"},
            "title": {"type": "string"},
            "link": {"type": "string", "nullable": True},
            "text": {"type": "string"},
            "published_at": {"type": "string", "format": "date-time", "nullable": True},
            "status": {"type": "string"},
        },
    },
)


@route(api, "/channels/<int:channel_id>/patterns", "GET", summary="A channel's slot patterns",
       tag="channels", responses={200: {"type": "array", "items": PATTERN}})  # fmt: skip
def list_patterns(channel_id: int) -> Any:
    """Recurring airtimes of the channel."""
    session = db()
    require_channel(session, channel_id, READ)
    rows = session.scalars(
        select(SlotPattern).where(SlotPattern.channel_id == channel_id).order_by(SlotPattern.id)
    )
    return jsonify(
        [
            {
                "id": p.id,
                "name": p.name,
                "weekdays": p.weekdays,
                "start_time": p.start_time.strftime("%H:%M"),
                "duration_minutes": p.duration_minutes,
                "valid_from": iso(p.valid_from),
                "valid_to": iso(p.valid_to),
            }
            for p in rows
        ]
    )


@route(api, "/channels/<int:channel_id>/clusters", "GET", summary="A channel's clusters (cụm loa)",
       tag="channels", responses={200: {"type": "array", "items": CLUSTER}})  # fmt: skip
def list_clusters(channel_id: int) -> Any:
    """Cụm loa of the channel."""
    session = db()
    require_channel(session, channel_id, READ)
    rows = session.scalars(
        select(LoudspeakerCluster)
        .where(LoudspeakerCluster.channel_id == channel_id)
        .order_by(LoudspeakerCluster.id)
    )
    return jsonify(
        [
            {
                "id": c.id,
                "name": c.name,
                "speakers": c.speakers,
                "village_unit_id": c.village_unit_id,
            }
            for c in rows
        ]
    )


@route(api, "/users", "GET", summary="Users with role and scope (admin)", tag="users",
       params=page_params(), responses={200: page_schema(USER)})  # fmt: skip
def list_users() -> Any:
    """Every account, paged."""
    require(ADMIN)
    return paged_json(db(), select(User), _user_json, User.id)


def _user_json(u: User) -> dict[str, Any]:
    """An account as the API shows it (never its password hash)."""
    return {
        "id": u.id,
        "username": u.username,
        "display_name": u.display_name,
        "role": u.role,
        "unit_id": u.unit_id,
        "channel_ids": u.channel_ids,
        "active": u.active,
    }


@route(api, "/feed-items", "GET", summary="New items of the feed inbox (planners)", tag="library",
       responses={200: {"type": "array", "items": FEED_ITEM}})  # fmt: skip
def list_feed_items() -> Any:
    """The newest 100 undecided feed items."""
    require(PLAN)
    return jsonify(
        [
            {
                "id": it.id,
                "source_id": it.source_id,
                "source_name": it.source.name,
                "title": it.title,
                "link": it.link,
                "text": it.text,
                "published_at": iso(it.published_at),
                "status": it.status,
            }
            for it in inbox.list_items(db(), "new", limit=100)
        ]
    )
