"""API for station agents: their channel's emergency deliveries (ETag, 304) and step reports.

Polled every `[agent].emergency_poll_seconds` by every agent: the no-change answer comes from a
per-process board of versions (web/agent_poll.py answers it even before Flask). A report moves a
delivery along waiting -> delivered -> playing -> aired (or failed); replays are no-ops; a
cancelled delivery answers 409 (`emergency.delivery.cancelled`): the agent must not air it.
"""

from __future__ import annotations

from typing import Annotated, Any

from flask import Response, current_app, jsonify, request
from pydantic import BaseModel, Field

from audio.messages import N_, message
from content.db import utcnow
from scheduler.emergency import airing
from scheduler.emergency.feed import deliveries_payload
from scheduler.emergency.models import DELIVERY_STATES, EmergencyDelivery
from scheduler.fleet import feed
from web.access import AGENT, require
from web.agent_poll import emergency_board_of
from web.api import api
from web.api.agent import SERVER_TIME, calling_agent, stamped
from web.api.bodies import json_body
from web.api.models import AwareTime, In, LongText300, OneOf
from web.api.spec import route
from web.db import db
from web.problems import ApiProblem

Moment = Annotated[str, Field(json_schema_extra={"format": "date-time"})]


class EmergencyAudio(BaseModel):
    """The rendition to fetch through /agent/renditions/<sha256> before anything else."""

    id: int
    sha256: str | None
    bytes: int
    duration_ms: int


class AgentDelivery(BaseModel):
    """One occurrence of a broadcast for this station: air it when due, before the deadline."""

    id: int
    broadcast_id: int
    title: str
    occurrence: int
    due_at: Moment
    deadline: Moment
    expires_at: Moment
    state: Annotated[str, OneOf(DELIVERY_STATES)]
    version: int
    programme: EmergencyAudio


class AgentEmergencies(BaseModel):
    """The channel's live deliveries (cancelled ones included, to drop)."""

    version: str
    server_time: Moment
    deliveries: list[AgentDelivery]


class StepIn(In):
    """What the agent did with a delivery, on the server's clock."""

    state: Annotated[str, OneOf(tuple(airing.AGENT_STEPS))]
    at: AwareTime
    seconds: float | None = Field(None, ge=0, le=10**6)
    reason: LongText300 | None = None


class StepOut(BaseModel):
    """The delivery's state after the report."""

    id: int
    state: Annotated[str, OneOf(DELIVERY_STATES)]


def _channel() -> int:
    return next(iter(require(AGENT).channel_ids))


@route(
    api,
    "/agent/emergency",
    "GET",
    summary="The agent's emergency deliveries: to air (with the audio's hash) or cancelled",
    tag="agent",
    responses={200: AgentEmergencies, 304: None},
    headers={200: SERVER_TIME, 304: SERVER_TIME},
)
def agent_emergency() -> Any:
    """The live deliveries, or 304 when If-None-Match names the current version."""
    channel_id = _channel()
    now = utcnow()
    version = emergency_board_of(current_app).version(db, channel_id, now)
    etag = f'"{version}"'
    if etag in request.if_none_match or version in request.if_none_match:
        response = Response(status=304)
        response.headers["ETag"] = etag
        return stamped(response)
    settings = current_app.config["LOA_SETTINGS"]
    new_hashes: dict[int, str] = {}
    rows = deliveries_payload(db(), settings, channel_id, now, new_hashes)
    if new_hashes:  # renditions stored before their hash was kept
        with current_app.extensions["loa_sessions"]() as writer:
            feed.store_rendition_hashes(writer, new_hashes)
            writer.commit()
    payload = {"version": version, "server_time": now.isoformat(), "deliveries": rows}
    response = jsonify(AgentEmergencies.model_validate(payload).model_dump(mode="json"))
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "no-cache"
    return stamped(response)


@route(
    api,
    "/agent/emergency/<id:delivery_id>",
    "POST",
    summary="Report a step of a delivery: delivered, playing, aired (seconds) or failed (reason)",
    tag="agent",
    body=StepIn,
    responses={200: StepOut, 404: None, 409: None},
    headers={200: SERVER_TIME},
)
def agent_emergency_step(delivery_id: int) -> Any:
    """Idempotent; 409 when the broadcast was cancelled (do not air), 404 for another station."""
    agent = calling_agent()
    body = json_body(StepIn)
    session = db()
    found = session.get(EmergencyDelivery, delivery_id)
    if found is None or found.channel_id != agent.channel_id:
        raise ApiProblem(404, message(N_("Emergency delivery %(id)s was not found."),
                                      id=delivery_id), "not_found")  # fmt: skip
    now = utcnow()
    seconds = None if body.seconds is None else round(body.seconds)
    d = airing.report_by_agent(session, delivery_id, body.state, agent.name, now, body.at,
                               seconds, body.reason)  # fmt: skip
    agent.last_seen_at = now
    state = d.state
    session.commit()
    return stamped(jsonify({"id": delivery_id, "state": state}))
