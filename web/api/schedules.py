"""API: edit a channel's week (materialise, add, move, remove, publish, copy) with If-Match."""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, jsonify, request
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from audio.messages import N_, message
from scheduler import schedules as ops
from scheduler.models import ScheduledItem, Slot
from scheduler.models import WeekSchedule as ScheduleRow
from scheduler.periods import Week
from web.access import PLAN, current, require_channel
from web.api import api
from web.api.bodies import json_body, query_args
from web.api.channels import ETAG_HEADER, WeekSchedule
from web.api.common import WeekQuery
from web.api.models import Id, In, WeekName
from web.api.spec import header, route
from web.db import db
from web.problems import ApiProblem
from web.weeks import load_weeks

# A week's ETag: schedule id and version, each at most 18 digits (a longer one never matches).
_ETAG = re.compile(r'^(?:W/)?"s(\d{1,18})-v(\d{1,18})"$')
IF_MATCH = header("If-Match", "the ETag of the week you edited (412 when it changed since)")


class AddItem(In):
    """A programme to place in a slot."""

    slot_id: Id
    programme_id: Id
    position: int | None = Field(None, ge=0, le=1000)


class MoveItem(In):
    """The new position of an item in its slot."""

    position: int = Field(ge=0, le=1000)


class CopyWeek(In):
    """The week to copy from."""

    from_week: WeekName


class CopyResult(BaseModel):
    """What a copy did, and the week as it now stands."""

    copied: int
    skipped: list[str]
    schedule: WeekSchedule


def expected_version(session: Session, schedule_id: int) -> int:
    """The version named by If-Match for this schedule, locking the row; 428/412 otherwise."""
    raw = request.headers.get("If-Match")
    if not raw:
        raise ApiProblem(
            428, message(N_("Send If-Match with the week's ETag")), "precondition_required"
        )
    current_ = session.scalar(
        select(ScheduleRow).where(ScheduleRow.id == schedule_id).with_for_update()
    )
    assert current_ is not None
    if raw.strip() == "*":
        return current_.version
    m = _ETAG.match(raw.strip())
    if m is None or int(m.group(1)) != schedule_id or int(m.group(2)) != current_.version:
        raise ApiProblem(
            412,
            message(
                N_("The week changed since you loaded it; reload it and apply your change again")
            ),
            "version_conflict",
        )
    return int(m.group(2))


def _week_response(session: Session, channel_id: int, week: Week, status: int = 200) -> Any:
    session.flush()
    view = load_weeks(session, [channel_id], week)[channel_id]
    body = WeekSchedule.dump(view)
    session.commit()
    response = jsonify(body)
    response.status_code = status
    response.headers["ETag"] = view.etag
    return response


def _actor() -> str:
    principal = current()
    assert principal is not None
    return principal.username


def _item_in_scope(session: Session, item_id: int) -> tuple[ScheduledItem, Slot, Week]:
    item = session.get(ScheduledItem, item_id)
    if item is None:
        raise ApiProblem(
            404, message(N_("Scheduled item %(item)s was not found"), item=item_id), "not_found"
        )
    slot = item.slot
    require_channel(session, slot.channel_id, PLAN)
    return item, slot, Week.from_key(slot.schedule.week_key)


@route(
    api,
    "/channels/<id:channel_id>/schedule",
    "POST",
    summary="Create the week's slots from the channel's slot patterns (idempotent)",
    tag="schedules",
    query=WeekQuery,
    responses={200: WeekSchedule},
    headers={200: ETAG_HEADER},
)
def materialise(channel_id: int) -> Any:
    """Make sure the week exists; answers the week with its ETag."""
    session = db()
    require_channel(session, channel_id, PLAN)
    week = query_args(WeekQuery).chosen()
    ops.materialise_week(session, current_app.config["LOA_SETTINGS"], channel_id, week, _actor())
    return _week_response(session, channel_id, week)


@route(
    api,
    "/channels/<id:channel_id>/schedule/items",
    "POST",
    summary="Place a programme in a slot of the week",
    tag="schedules",
    params=[IF_MATCH],
    body=AddItem,
    responses={201: WeekSchedule, 412: None, 428: None},
    headers={201: ETAG_HEADER},
)
def add_item(channel_id: int) -> Any:
    """Add an item; the week's ETag must match (If-Match)."""
    session = db()
    require_channel(session, channel_id, PLAN)
    body = json_body(AddItem)
    slot = session.get(Slot, body.slot_id)
    if slot is None or slot.channel_id != channel_id:
        raise ApiProblem(
            404,
            message(N_("Slot %(slot)s was not found on this channel"), slot=body.slot_id),
            "not_found",
        )
    version = expected_version(session, slot.schedule_id)
    ops.add_item(
        session,
        slot.id,
        body.programme_id,
        _actor(),
        position=body.position,
        expected_version=version,
    )
    return _week_response(session, channel_id, Week.from_key(slot.schedule.week_key), 201)


@route(
    api,
    "/items/<id:item_id>",
    "PATCH",
    summary="Move an item to another position in its slot",
    tag="schedules",
    params=[IF_MATCH],
    body=MoveItem,
    responses={200: WeekSchedule, 412: None, 428: None},
    headers={200: ETAG_HEADER},
)
def move_item(item_id: int) -> Any:
    """Reorder; the week's ETag must match (If-Match)."""
    session = db()
    item, slot, week = _item_in_scope(session, item_id)
    body = json_body(MoveItem)
    version = expected_version(session, slot.schedule_id)
    ops.move_item(session, item.id, body.position, _actor(), expected_version=version)
    return _week_response(session, slot.channel_id, week)


@route(
    api,
    "/items/<id:item_id>",
    "DELETE",
    summary="Take an item out of its slot",
    tag="schedules",
    params=[IF_MATCH],
    responses={200: WeekSchedule, 409: None, 412: None, 428: None},
    headers={200: ETAG_HEADER},
)
def remove_item(item_id: int) -> Any:
    """Remove; refused once the item's airing was confirmed."""
    session = db()
    item, slot, week = _item_in_scope(session, item_id)
    version = expected_version(session, slot.schedule_id)
    channel_id = slot.channel_id
    ops.remove_item(session, item.id, _actor(), expected_version=version)
    return _week_response(session, channel_id, week)


@route(
    api,
    "/channels/<id:channel_id>/schedule/publish",
    "POST",
    summary="Publish the week (broadcasters see it)",
    tag="schedules",
    query=WeekQuery,
    params=[IF_MATCH],
    responses={200: WeekSchedule, 412: None, 428: None},
    headers={200: ETAG_HEADER},
)
def publish(channel_id: int) -> Any:
    """Publish a draft week; the week's ETag must match (If-Match)."""
    session = db()
    require_channel(session, channel_id, PLAN)
    week = query_args(WeekQuery).chosen()
    schedule = ops.get_week(session, channel_id, week)
    if schedule is None:
        raise ApiProblem(
            404,
            message(N_("There is no schedule for week %(week)s yet; create it first"), week=week),
            "not_found",
        )
    version = expected_version(session, schedule.id)
    ops.publish_week(session, schedule.id, _actor(), expected_version=version)
    return _week_response(session, channel_id, week)


@route(
    api,
    "/channels/<id:channel_id>/schedule/copy",
    "POST",
    summary="Copy another week's items into the empty slots of this week",
    tag="schedules",
    query=WeekQuery,
    body=CopyWeek,
    responses={200: CopyResult, 409: None},
)
def copy(channel_id: int) -> Any:
    """Copy a week; published weeks are never copied over."""
    session = db()
    require_channel(session, channel_id, PLAN)
    week = query_args(WeekQuery).chosen()
    source = json_body(CopyWeek).from_week
    result = ops.copy_week(
        session, current_app.config["LOA_SETTINGS"], channel_id, source, week, _actor()
    )
    session.flush()
    view = load_weeks(session, [channel_id], week)[channel_id]
    body = {
        "copied": result.copied,
        "skipped": result.skipped,
        "schedule": WeekSchedule.dump(view),
    }
    session.commit()
    response = jsonify(body)
    response.headers["ETag"] = view.etag
    return response
