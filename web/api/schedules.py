"""API: edit a channel's week (materialise, add, move, remove, publish, copy) with If-Match."""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler import schedules as ops
from scheduler.models import ScheduledItem, Slot, WeekSchedule
from scheduler.periods import Week
from web.access import PLAN, current, require_channel
from web.api import api
from web.api.channels import ETAG_HEADER, WEEK, week_json
from web.api.common import parse_week, week_arg, week_param
from web.api.spec import header, route, schema
from web.api.validate import json_body
from web.db import db
from web.problems import ApiProblem
from web.weeks import load_weeks

_ETAG = re.compile(r'^(?:W/)?"s(\d+)-v(\d+)"$')
IF_MATCH = header("If-Match", "the ETag of the week you edited (412 when it changed since)")
ADD_BODY = {
    "type": "object",
    "required": ["slot_id", "programme_id"],
    "additionalProperties": False,
    "properties": {
        "slot_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
        "programme_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
        "position": {"type": "integer", "minimum": 0, "maximum": 1000},
    },
}
MOVE_BODY = {
    "type": "object",
    "required": ["position"],
    "additionalProperties": False,
    "properties": {"position": {"type": "integer", "minimum": 0, "maximum": 1000}},
}
COPY_BODY = {
    "type": "object",
    "required": ["from_week"],
    "additionalProperties": False,
    "properties": {"from_week": {"type": "string", "pattern": r"^\d{4}-W\d{1,2}$"}},
}
COPY_RESULT = schema(
    "CopyResult",
    {
        "type": "object",
        "required": ["copied", "skipped", "schedule"],
        "properties": {
            "copied": {"type": "integer"},
            "skipped": {"type": "array", "items": {"type": "string"}},
            "schedule": WEEK,
        },
    },
)


def expected_version(session: Session, schedule_id: int) -> int:
    """The version named by If-Match for this schedule, locking the row; 428/412 otherwise."""
    raw = request.headers.get("If-Match")
    if not raw:
        raise ApiProblem(
            428,
            "hãy gửi If-Match kèm ETag của tuần / send If-Match with the week's ETag",
            "precondition_required",
        )
    current_ = session.scalar(
        select(WeekSchedule).where(WeekSchedule.id == schedule_id).with_for_update()
    )
    assert current_ is not None
    if raw.strip() == "*":
        return current_.version
    m = _ETAG.match(raw.strip())
    if m is None or int(m.group(1)) != schedule_id or int(m.group(2)) != current_.version:
        raise ApiProblem(
            412,
            "lịch tuần đã thay đổi từ lúc bạn mở; hãy tải lại rồi sửa lại / "
            "the week changed since you loaded it; reload it and apply your change again",
            "version_conflict",
        )
    return int(m.group(2))


def _week_response(session: Session, channel_id: int, week: Week, status: int = 200) -> Any:
    session.flush()
    view = load_weeks(session, [channel_id], week)[channel_id]
    body = week_json(view)
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
            404,
            f"không tìm thấy mục lịch {item_id} / scheduled item {item_id} not found",
            "not_found",
        )
    slot = item.slot
    require_channel(session, slot.channel_id, PLAN)
    return item, slot, Week.from_key(slot.schedule.week_key)


@route(
    api,
    "/channels/<int:channel_id>/schedule",
    "POST",
    summary="Create the week's slots from the channel's slot patterns (idempotent)",
    tag="schedules",
    params=[week_param()],
    responses={200: WEEK},
    headers={200: ETAG_HEADER},
)
def materialise(channel_id: int) -> Any:
    """Make sure the week exists; answers the week with its ETag."""
    session = db()
    require_channel(session, channel_id, PLAN)
    week = week_arg()
    ops.materialise_week(session, current_app.config["LOA_SETTINGS"], channel_id, week, _actor())
    return _week_response(session, channel_id, week)


@route(
    api,
    "/channels/<int:channel_id>/schedule/items",
    "POST",
    summary="Place a programme in a slot of the week",
    tag="schedules",
    params=[IF_MATCH],
    body=ADD_BODY,
    responses={201: WEEK, 412: None, 428: None},
    headers={201: ETAG_HEADER},
)
def add_item(channel_id: int) -> Any:
    """Add an item; the week's ETag must match (If-Match)."""
    session = db()
    require_channel(session, channel_id, PLAN)
    body = json_body(ADD_BODY)
    slot = session.get(Slot, body["slot_id"])
    if slot is None or slot.channel_id != channel_id:
        raise ApiProblem(
            404,
            f"không tìm thấy khung giờ {body['slot_id']} trên kênh này / "
            f"slot {body['slot_id']} not found on this channel",
            "not_found",
        )
    version = expected_version(session, slot.schedule_id)
    ops.add_item(
        session,
        slot.id,
        body["programme_id"],
        _actor(),
        position=body.get("position"),
        expected_version=version,
    )
    return _week_response(session, channel_id, Week.from_key(slot.schedule.week_key), 201)


@route(
    api,
    "/items/<int:item_id>",
    "PATCH",
    summary="Move an item to another position in its slot",
    tag="schedules",
    params=[IF_MATCH],
    body=MOVE_BODY,
    responses={200: WEEK, 412: None, 428: None},
    headers={200: ETAG_HEADER},
)
def move_item(item_id: int) -> Any:
    """Reorder; the week's ETag must match (If-Match)."""
    session = db()
    item, slot, week = _item_in_scope(session, item_id)
    body = json_body(MOVE_BODY)
    version = expected_version(session, slot.schedule_id)
    ops.move_item(session, item.id, body["position"], _actor(), expected_version=version)
    return _week_response(session, slot.channel_id, week)


@route(
    api,
    "/items/<int:item_id>",
    "DELETE",
    summary="Take an item out of its slot",
    tag="schedules",
    params=[IF_MATCH],
    responses={200: WEEK, 409: None, 412: None, 428: None},
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
    "/channels/<int:channel_id>/schedule/publish",
    "POST",
    summary="Publish the week (broadcasters see it)",
    tag="schedules",
    params=[week_param(), IF_MATCH],
    responses={200: WEEK, 412: None, 428: None},
    headers={200: ETAG_HEADER},
)
def publish(channel_id: int) -> Any:
    """Publish a draft week; the week's ETag must match (If-Match)."""
    session = db()
    require_channel(session, channel_id, PLAN)
    week = week_arg()
    schedule = ops.get_week(session, channel_id, week)
    if schedule is None:
        raise ApiProblem(
            404,
            f"chưa có lịch phát tuần {week}; hãy tạo trước / "
            f"no schedule for {week}; create it first",
            "not_found",
        )
    version = expected_version(session, schedule.id)
    ops.publish_week(session, schedule.id, _actor(), expected_version=version)
    return _week_response(session, channel_id, week)


@route(
    api,
    "/channels/<int:channel_id>/schedule/copy",
    "POST",
    summary="Copy another week's items into the empty slots of this week",
    tag="schedules",
    params=[week_param()],
    body=COPY_BODY,
    responses={200: COPY_RESULT, 409: None},
)
def copy(channel_id: int) -> Any:
    """Copy a week; published weeks are never copied over."""
    session = db()
    require_channel(session, channel_id, PLAN)
    week = week_arg()
    source = parse_week(json_body(COPY_BODY)["from_week"])
    result = ops.copy_week(
        session, current_app.config["LOA_SETTINGS"], channel_id, source, week, _actor()
    )
    session.flush()
    view = load_weeks(session, [channel_id], week)[channel_id]
    body = {"copied": result.copied, "skipped": result.skipped, "schedule": week_json(view)}
    session.commit()
    response = jsonify(body)
    response.headers["ETag"] = view.etag
    return response
