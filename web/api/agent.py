"""API for station agents: the cached schedule (ETag, 304), renditions by hash, as-run, heartbeat.

Every answer carries the server's clock (X-Server-Time) so that the agent measures its offset.
An agent's credential reaches its own channel only; people's tokens are refused here (403).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from flask import Response, current_app, jsonify, request, send_file
from pydantic import BaseModel, Field
from sqlalchemy import or_, select

from audio.messages import N_, message
from content.db import utcnow
from content.media_models import AudioAsset
from scheduler.emergency.feed import in_scope_programmes
from scheduler.fleet import asrun, feed, health
from scheduler.models import PLAYOUT_STATUSES, Channel, ScheduledItem, Slot, StationAgent
from web.access import AGENT, require
from web.agent_poll import board_of
from web.api import api
from web.api.bodies import json_body
from web.api.models import AwareTime, Id, In, LongText300, OneOf, Text
from web.api.spec import route
from web.db import db
from web.media import safe_path
from web.problems import ApiProblem

SERVER_TIME = {
    "X-Server-Time": {
        "description": "the server's clock (ISO 8601, UTC)",
        "schema": {"type": "string"},
    }
}


class AgentItem(BaseModel):
    """A programme to play in a slot, at its offset, with the hash of its audio."""

    id: int
    position: int
    programme_id: int
    title: str
    priority: Annotated[str, OneOf(("normal", "priority", "emergency"))]
    duration_ms: int
    offset_ms: int
    sha256: str | None
    bytes: int


class AgentSlot(BaseModel):
    """A published slot of the agent's window."""

    id: int
    starts_at: str = Field(json_schema_extra={"format": "date-time"})
    local_date: str = Field(json_schema_extra={"format": "date"})
    duration_seconds: int
    items: list[AgentItem]


class AgentChannel(BaseModel):
    """The agent's channel."""

    id: int
    name: str


class AgentSchedule(BaseModel):
    """The agent's window of published slots, with the settings it plays by."""

    version: str
    server_time: str = Field(json_schema_extra={"format": "date-time"})
    agent_id: int
    channel: AgentChannel
    timezone: str
    from_date: str = Field(json_schema_extra={"format": "date"})
    to_date: str = Field(json_schema_extra={"format": "date"})
    horizon_days: int
    poll_seconds: int
    emergency_poll_seconds: int
    max_clock_skew_seconds: int
    slots: list[AgentSlot]


class AsRunEvent(In):
    """What the device played (or did not), as it logged it."""

    event_id: Text = Field(min_length=8, max_length=64)
    item_id: Id
    status: Annotated[str, OneOf(PLAYOUT_STATUSES)]
    started_at: AwareTime
    device_started_at: AwareTime
    seconds_played: float | None = Field(None, ge=0, le=10**7)
    sha256: Text | None = Field(None, max_length=64)
    clock_offset_seconds: float | None = Field(None, ge=-(10**9), le=10**9)
    reason_code: Text | None = Field(None, max_length=40)
    reason_text: LongText300 | None = None


class AsRun(In):
    """A batch of as-run events."""

    events: list[AsRunEvent] = Field(max_length=10000)


class AsRunResult(BaseModel):
    """What became of one event."""

    event_id: str
    result: Annotated[str, OneOf(("accepted", "duplicate", "rejected"))]
    airing_id: int | None = None
    code: str | None = None
    detail: str | None = None
    skew_flagged: bool | None = None


class AsRunResults(BaseModel):
    """What became of each event of the batch."""

    results: list[AsRunResult]


class Heartbeat(In):
    """The agent's health as it reports it."""

    version: Text | None = Field(None, max_length=40)
    disk_free_bytes: int | None = Field(None, ge=0, le=2**62)
    cache_files: int | None = Field(None, ge=0, le=2**62)
    cache_bytes: int | None = Field(None, ge=0, le=2**62)
    schedule_version: Text | None = Field(None, max_length=40)
    ready_until: AwareTime | None = None
    missing_items: list[int] | None = Field(None, max_length=10000)
    last_play_at: AwareTime | None = None
    output: Text | None = Field(None, max_length=200)
    output_ok: bool | None = None
    clock_offset_seconds: float | None = Field(None, ge=-(10**9), le=10**9)
    unsent_events: int | None = Field(None, ge=0, le=2**62)


class Ok(BaseModel):
    """Done."""

    ok: bool


def calling_agent() -> StationAgent:
    """The calling agent (still active), from its credential."""
    principal = require(AGENT)
    agent = db().get(StationAgent, principal.agent_id)
    if agent is None or agent.revoked_at is not None:
        raise ApiProblem(
            401, message(N_("The access token is unknown or was revoked")), "unauthenticated"
        )
    return agent


def stamped(response: Response) -> Response:
    """The response with the server's clock, for the agent's offset."""
    response.headers["X-Server-Time"] = utcnow().isoformat()
    return response


@route(
    api,
    "/agent/schedule",
    "GET",
    summary="The agent's channel: published slots of today and the next horizon days",
    tag="agent",
    responses={200: AgentSchedule, 304: None},
    headers={200: SERVER_TIME, 304: SERVER_TIME},
)
def agent_schedule() -> Any:
    """The schedule, or 304 when If-None-Match names the current version (no schedule loaded)."""
    principal = require(AGENT)
    settings = current_app.config["LOA_SETTINGS"]
    channel_id = next(iter(principal.channel_ids))
    now = utcnow()
    version = board_of(current_app).version(db, settings, channel_id, now)
    etag = f'"{version}"'
    if etag in request.if_none_match or version in request.if_none_match:
        response = Response(status=304)
        response.headers["ETag"] = etag
        return stamped(response)
    session = db()
    channel = session.get(Channel, channel_id)
    if channel is None:
        raise ApiProblem(404, message(N_("Channel %(channel)s was not found in your area"),
                                      channel=channel_id), "not_found")  # fmt: skip
    new_hashes: dict[int, str] = {}
    payload = feed.schedule_payload(session, settings, channel, now, new_hashes)
    payload.update(version=version, server_time=now.isoformat(), agent_id=principal.agent_id)
    if new_hashes:  # renditions stored before their hash was kept: a short writing transaction
        with current_app.extensions["loa_sessions"]() as writer:
            feed.store_rendition_hashes(writer, new_hashes)
            writer.commit()
    response = jsonify(AgentSchedule.model_validate(payload).model_dump(mode="json"))
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "no-cache"
    return stamped(response)


def _rendition_in_scope(sha256: str, channel_id: int) -> AudioAsset | None:
    """The asset whose rendition has this hash, if the channel's schedule or one of its live
    emergency deliveries uses its programme."""
    scheduled = (
        select(ScheduledItem.programme_id)
        .join(Slot, Slot.id == ScheduledItem.slot_id)
        .where(Slot.channel_id == channel_id)
    )
    urgent = in_scope_programmes(channel_id, utcnow())
    return db().scalar(
        select(AudioAsset)
        .where(
            AudioAsset.rendition_sha256 == sha256,
            or_(AudioAsset.programme_id.in_(scheduled), AudioAsset.programme_id.in_(urgent)),
        )
        .limit(1)
    )


@route(
    api,
    "/agent/renditions/<sha256>",
    "GET",
    summary="A broadcast rendition by its SHA-256 (ETag, Range; X-Accel-Redirect behind nginx)",
    tag="agent",
    content_type="audio/mpeg",
    responses={200: "string", 206: None, 304: None, 416: None},
)
def agent_rendition(sha256: str) -> Any:
    """The file, if a programme scheduled on the agent's channel has it; 404 otherwise."""
    principal = require(AGENT)
    channel_id = next(iter(principal.channel_ids))
    asset = None
    if len(sha256) == 64 and all(c in "0123456789abcdef" for c in sha256):
        asset = _rendition_in_scope(sha256, channel_id)
    settings = current_app.config["LOA_SETTINGS"]
    path = None
    if asset is not None:
        path = safe_path(settings.resolve_path(settings.media.folder), asset.rendition_path)
    if asset is None or path is None:
        raise ApiProblem(404, message(N_("No audio with this hash for your station")),
                         "not_found")  # fmt: skip
    prefix = settings.agent.accel_redirect_prefix
    if prefix:
        response = Response(status=200, mimetype="audio/mpeg")
        response.headers["X-Accel-Redirect"] = prefix + asset.rendition_path
        response.headers["ETag"] = f'"{sha256}"'
        response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
        return response
    response = send_file(
        Path(path), mimetype="audio/mpeg", conditional=True, etag=sha256, max_age=31536000
    )
    return response


@route(
    api,
    "/agent/asrun",
    "POST",
    summary="Upload a batch of as-run events (idempotent by event_id); they become airings",
    tag="agent",
    body=AsRun,
    responses={200: AsRunResults},
    headers={200: SERVER_TIME},
)
def agent_asrun() -> Any:
    """Store each event once: accepted, duplicate (already stored) or rejected with a code."""
    agent = calling_agent()
    events = json_body(AsRun).model_dump(mode="json", exclude_unset=True)["events"]
    session = db()
    settings = current_app.config["LOA_SETTINGS"]
    results = asrun.record_batch(session, settings, agent, events)
    agent.last_seen_at = utcnow()
    session.commit()
    return stamped(jsonify({"results": [r.as_json() for r in results]}))


@route(
    api,
    "/agent/heartbeat",
    "POST",
    summary="The agent's health: version, disk, cache, readiness, last play, audio output",
    tag="agent",
    body=Heartbeat,
    responses={200: Ok},
    headers={200: SERVER_TIME},
)
def agent_heartbeat() -> Any:
    """Remember the agent's last report and when it was seen."""
    agent = calling_agent()
    report = json_body(Heartbeat).model_dump(mode="json", exclude_unset=True)
    health.beat(agent, report, utcnow())
    db().commit()
    return stamped(jsonify({"ok": True}))
