"""API for station agents: the cached schedule (ETag, 304), renditions by hash, as-run, heartbeat.

Every answer carries the server's clock (X-Server-Time) so that the agent measures its offset.
An agent's credential reaches its own channel only; people's tokens are refused here (403).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Response, current_app, jsonify, request, send_file
from sqlalchemy import select

from audio.messages import N_, message
from content.db import utcnow
from content.media_models import AudioAsset
from scheduler.fleet import asrun, feed, health
from scheduler.models import Channel, ScheduledItem, Slot, StationAgent
from web.access import AGENT, require
from web.api import api
from web.api.spec import route, schema
from web.api.validate import json_body
from web.db import db
from web.media import safe_path
from web.problems import ApiProblem

SERVER_TIME = {
    "X-Server-Time": {
        "description": "the server's clock (ISO 8601, UTC)",
        "schema": {"type": "string"},
    }
}
ITEM = schema(
    "AgentItem",
    {
        "type": "object",
        "required": ["id", "position", "programme_id", "duration_ms", "offset_ms"],
        "properties": {
            "id": {"type": "integer"},
            "position": {"type": "integer"},
            "programme_id": {"type": "integer"},
            "title": {"type": "string"},
            "priority": {"type": "string", "enum": ["normal", "priority", "emergency"]},
            "duration_ms": {"type": "integer"},
            "offset_ms": {"type": "integer"},
            "sha256": {"type": "string", "nullable": True},
            "bytes": {"type": "integer"},
        },
    },
)
SCHEDULE = schema(
    "AgentSchedule",
    {
        "type": "object",
        "required": ["version", "server_time", "timezone", "slots"],
        "properties": {
            "version": {"type": "string"},
            "server_time": {"type": "string", "format": "date-time"},
            "agent_id": {"type": "integer"},
            "channel": {"type": "object"},
            "timezone": {"type": "string"},
            "from_date": {"type": "string", "format": "date"},
            "to_date": {"type": "string", "format": "date"},
            "horizon_days": {"type": "integer"},
            "poll_seconds": {"type": "integer"},
            "emergency_poll_seconds": {"type": "integer"},
            "max_clock_skew_seconds": {"type": "integer"},
            "slots": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "starts_at", "duration_seconds", "items"],
                    "properties": {
                        "id": {"type": "integer"},
                        "starts_at": {"type": "string", "format": "date-time"},
                        "local_date": {"type": "string", "format": "date"},
                        "duration_seconds": {"type": "integer"},
                        "items": {"type": "array", "items": ITEM},
                    },
                },
            },
        },
    },
)
EVENT = {
    "type": "object",
    "required": ["event_id", "item_id", "status", "started_at", "device_started_at"],
    "properties": {
        "event_id": {"type": "string", "minLength": 8, "maxLength": 64},
        "item_id": {"type": "integer"},
        "status": {"type": "string", "enum": ["aired", "partial", "not_aired"]},
        "started_at": {"type": "string", "format": "date-time"},
        "device_started_at": {"type": "string", "format": "date-time"},
        "seconds_played": {"type": "number", "minimum": 0},
        "sha256": {"type": "string", "nullable": True, "maxLength": 64},
        "clock_offset_seconds": {"type": "number"},
        "reason_code": {"type": "string", "nullable": True, "maxLength": 40},
        "reason_text": {"type": "string", "nullable": True, "maxLength": 300},
    },
}
ASRUN_BODY = {
    "type": "object",
    "required": ["events"],
    "properties": {"events": {"type": "array", "items": EVENT}},
}
ASRUN_RESULT = schema(
    "AsRunResults",
    {
        "type": "object",
        "required": ["results"],
        "properties": {
            "results": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["event_id", "result"],
                    "properties": {
                        "event_id": {"type": "string"},
                        "result": {"type": "string", "enum": ["accepted", "duplicate", "rejected"]},
                        "airing_id": {"type": "integer"},
                        "code": {"type": "string"},
                        "detail": {"type": "string"},
                        "skew_flagged": {"type": "boolean"},
                    },
                },
            }
        },
    },
)
HEARTBEAT_BODY = {
    "type": "object",
    "properties": {
        "version": {"type": "string", "maxLength": 40},
        "disk_free_bytes": {"type": "integer", "minimum": 0},
        "cache_files": {"type": "integer", "minimum": 0},
        "cache_bytes": {"type": "integer", "minimum": 0},
        "schedule_version": {"type": "string", "maxLength": 40},
        "ready_until": {"type": "string", "nullable": True, "format": "date-time"},
        "missing_items": {"type": "array", "items": {"type": "integer"}},
        "last_play_at": {"type": "string", "nullable": True, "format": "date-time"},
        "output": {"type": "string", "maxLength": 200},
        "output_ok": {"type": "boolean"},
        "clock_offset_seconds": {"type": "number"},
        "unsent_events": {"type": "integer", "minimum": 0},
    },
}
OK = {"type": "object", "required": ["ok"], "properties": {"ok": {"type": "boolean"}}}


def _agent() -> StationAgent:
    """The calling agent (still active), from its credential."""
    principal = require(AGENT)
    agent = db().get(StationAgent, principal.agent_id)
    if agent is None or agent.revoked_at is not None:
        raise ApiProblem(
            401, message(N_("The access token is unknown or was revoked")), "unauthenticated"
        )
    return agent


def _stamped(response: Response) -> Response:
    """The response with the server's clock, for the agent's offset."""
    response.headers["X-Server-Time"] = utcnow().isoformat()
    return response


@route(
    api,
    "/agent/schedule",
    "GET",
    summary="The agent's channel: published slots of today and the next horizon days",
    tag="agent",
    responses={200: SCHEDULE, 304: None},
    headers={200: SERVER_TIME, 304: SERVER_TIME},
)
def agent_schedule() -> Any:
    """The schedule, or 304 when If-None-Match names the current version (no schedule loaded)."""
    principal = require(AGENT)
    session = db()
    settings = current_app.config["LOA_SETTINGS"]
    channel_id = next(iter(principal.channel_ids))
    now = utcnow()
    version = feed.schedule_version(session, settings, channel_id, now)
    etag = f'"{version}"'
    if etag in request.if_none_match or version in request.if_none_match:
        response = Response(status=304)
        response.headers["ETag"] = etag
        return _stamped(response)
    channel = session.get(Channel, channel_id)
    if channel is None:
        raise ApiProblem(404, message(N_("Channel %(channel)s was not found in your area"),
                                      channel=channel_id), "not_found")  # fmt: skip
    payload = feed.schedule_payload(session, settings, channel, now)
    payload.update(version=version, server_time=now.isoformat(), agent_id=principal.agent_id)
    session.commit()  # rendition hashes computed for the first time are kept
    response = jsonify(payload)
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "no-cache"
    return _stamped(response)


def _rendition_in_scope(sha256: str, channel_id: int) -> AudioAsset | None:
    """The asset whose rendition has this hash, if a programme of the channel's schedule uses it."""
    scheduled = (
        select(ScheduledItem.programme_id)
        .join(Slot, Slot.id == ScheduledItem.slot_id)
        .where(Slot.channel_id == channel_id)
    )
    return db().scalar(
        select(AudioAsset)
        .where(AudioAsset.rendition_sha256 == sha256, AudioAsset.programme_id.in_(scheduled))
        .limit(1)
    )


@route(
    api,
    "/agent/renditions/<string:sha256>",
    "GET",
    summary="A broadcast rendition by its SHA-256 (ETag, Range; X-Accel-Redirect behind nginx)",
    tag="agent",
    content_type="audio/mpeg",
    responses={200: {"type": "string", "format": "binary"}, 206: None, 304: None, 416: None},
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
    body=ASRUN_BODY,
    responses={200: ASRUN_RESULT},
    headers={200: SERVER_TIME},
)
def agent_asrun() -> Any:
    """Store each event once: accepted, duplicate (already stored) or rejected with a code."""
    agent = _agent()
    body = json_body(ASRUN_BODY)
    session = db()
    settings = current_app.config["LOA_SETTINGS"]
    results = asrun.record_batch(session, settings, agent, body["events"])
    agent.last_seen_at = utcnow()
    session.commit()
    return _stamped(jsonify({"results": [r.as_json() for r in results]}))


@route(
    api,
    "/agent/heartbeat",
    "POST",
    summary="The agent's health: version, disk, cache, readiness, last play, audio output",
    tag="agent",
    body=HEARTBEAT_BODY,
    responses={200: OK},
    headers={200: SERVER_TIME},
)
def agent_heartbeat() -> Any:
    """Remember the agent's last report and when it was seen."""
    agent = _agent()
    body = json_body(HEARTBEAT_BODY)
    health.beat(agent, body, utcnow())
    db().commit()
    return _stamped(jsonify({"ok": True}))
