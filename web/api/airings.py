"""API: confirm scheduled items, log unplanned airings, read a channel's airing log."""

from __future__ import annotations

from typing import Annotated, Any

from flask import current_app, jsonify
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from audio.messages import N_, message
from scheduler import airings as ops
from scheduler.errors import LoaError
from scheduler.models import AIRING_STATUSES, ScheduledItem, Slot
from web.access import CONFIRM, READ, Principal, current, require, require_channel
from web.api import api
from web.api.bodies import json_body, query_args
from web.api.common import WeekQuery
from web.api.models import Airing, AwareTime, Id, In, LongText2000, OneOf, Text
from web.api.spec import route
from web.confirmation import confirm_and_commit
from web.db import db
from web.problems import ApiProblem
from web.weeks import sees_drafts


class Confirmation(In):
    """What happened to a scheduled item."""

    status: Annotated[str, OneOf(AIRING_STATUSES)]
    actual_start: AwareTime | None = None
    actual_duration_seconds: int | None = Field(None, ge=0, le=86400)
    reason_code: Text | None = Field(None, max_length=40)
    reason_text: LongText2000 | None = None


class Unplanned(In):
    """A programme that aired outside the schedule; client_ref makes a retry safe."""

    programme_id: Id
    started_at: AwareTime
    duration_seconds: int | None = Field(None, ge=0, le=86400)
    status: Annotated[str, OneOf(("aired", "partial"))] = "aired"
    client_ref: Text = Field(min_length=1, max_length=64)


class AiringList(BaseModel):
    """A channel's airing log of one week."""

    week: str
    items: list[Airing]


def _source() -> str:
    principal = current()
    return "api" if principal is not None and principal.via_token else "web"


def _not_found(item_id: int) -> ApiProblem:
    return ApiProblem(
        404,
        message(N_("Scheduled item %(item)s was not found in your area"), item=item_id),
        "not_found",
    )


def _item_in_scope(session: Session, principal: Principal, item_id: int) -> bool:
    channel_id = session.scalar(
        select(Slot.channel_id)
        .join(ScheduledItem, ScheduledItem.slot_id == Slot.id)
        .where(ScheduledItem.id == item_id)
    )
    return channel_id is not None and principal.covers_channel_id(session, channel_id)


@route(
    api,
    "/items/<id:item_id>/confirmation",
    "POST",
    summary="Confirm what happened to a scheduled item (idempotent)",
    tag="airings",
    body=Confirmation,
    responses={200: Airing, 201: Airing},
)
def confirm_item(item_id: int) -> Any:
    """Record aired / partial / not aired / cancelled; the same body twice gives one airing."""
    principal = require(CONFIRM)
    body = json_body(Confirmation)
    session = db()
    # The scope is checked on the item's channel before anything is written; anything outside
    # the caller's area is answered 404, errors included.
    try:
        airing, created = confirm_and_commit(
            session,
            current_app.config["LOA_SETTINGS"],
            item_id,
            body.status,
            principal.username,
            # A broadcaster confirms what was published: a draft week's item is unknown to them.
            allowed=lambda item: (
                (item.published or sees_drafts())
                and principal.covers_channel_id(session, item.channel_id)
            ),
            started_at=body.actual_start,
            duration_seconds=body.actual_duration_seconds,
            reason_code=body.reason_code,
            reason_text=body.reason_text,
            source=_source(),
        )
    except LoaError:
        session.rollback()
        if not _item_in_scope(session, principal, item_id):
            raise _not_found(item_id) from None
        raise
    return jsonify(Airing.dump(airing)), 201 if created else 200


@route(
    api,
    "/channels/<id:channel_id>/airings",
    "POST",
    summary="Log an unplanned airing (client_ref makes retries safe)",
    tag="airings",
    body=Unplanned,
    responses={200: Airing, 201: Airing},
)
def log_unplanned(channel_id: int) -> Any:
    """A programme aired outside the schedule; a retry with the same client_ref changes nothing."""
    principal = require(CONFIRM)
    body = json_body(Unplanned)
    session = db()
    require_channel(session, channel_id, CONFIRM)
    airing, created = ops.log_unplanned(
        session,
        current_app.config["LOA_SETTINGS"],
        channel_id,
        body.programme_id,
        principal.username,
        started_at=body.started_at,
        duration_seconds=body.duration_seconds,
        status=body.status,
        client_ref=body.client_ref,
        source=_source(),
    )
    payload = Airing.dump(airing)
    session.commit()
    return jsonify(payload), 201 if created else 200


@route(
    api,
    "/channels/<id:channel_id>/airings",
    "GET",
    summary="The airing log of a channel for one ISO week",
    tag="airings",
    query=WeekQuery,
    responses={200: AiringList},
)
def list_airings(channel_id: int) -> Any:
    """Airings of a week (default: this week), in time order."""
    session = db()
    require_channel(session, channel_id, READ)
    week = query_args(WeekQuery).chosen()
    rows = ops.airings_of_week(session, channel_id, week)
    return jsonify({"week": str(week), "items": Airing.dump_all(rows)})
