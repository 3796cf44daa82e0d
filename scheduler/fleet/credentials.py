"""Agent credentials: one channel each, the secret shown once and only its hash kept."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from content import audit
from content.db import utcnow
from scheduler.errors import N_, InvalidState, NotFound
from scheduler.models import Channel, StationAgent

TOKEN_PREFIX = "loa_agent_"


def token_digest(token: str) -> str:
    """SHA-256 of an agent token: what is stored and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()


def pair(session: Session, channel_id: int, name: str, actor: str) -> tuple[StationAgent, str]:
    """A new credential for the channel's agent; the plain token is returned once, never stored."""
    channel = session.get(Channel, channel_id)
    if channel is None:
        raise NotFound(
            N_("Channel %(channel)s does not exist"), code="channel.not_found", channel=channel_id
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    agent = StationAgent(
        channel_id=channel.id, name=name[:120], digest=token_digest(token), created_by=actor
    )
    session.add(agent)
    session.flush()
    audit.record(
        session, actor, "agent.pair", "station_agent", agent.id,
        after={"channel_id": channel.id, "name": agent.name},
    )  # fmt: skip
    return agent, token


def revoke(session: Session, agent_id: int, actor: str) -> StationAgent:
    """Revoke an agent's credential: its next request is refused."""
    agent = session.get(StationAgent, agent_id)
    if agent is None:
        raise NotFound(
            N_("Station agent %(agent)s does not exist"), code="agent.not_found", agent=agent_id
        )
    if agent.revoked_at is not None:
        raise InvalidState(
            N_("Station agent %(agent)s is already revoked"), code="agent.revoked", agent=agent_id
        )
    agent.revoked_at = utcnow()
    agent.revoked_by = actor
    session.flush()
    audit.record(session, actor, "agent.revoke", "station_agent", agent.id)
    return agent


def agent_by_token(session: Session, token: str) -> StationAgent | None:
    """The active agent holding this token, or None."""
    return session.scalar(
        select(StationAgent).where(
            StationAgent.digest == token_digest(token), StationAgent.revoked_at.is_(None)
        )
    )


def agents_of(session: Session, channel_ids: frozenset[int] | None) -> list[StationAgent]:
    """Agents of these channels (None: all), newest first."""
    query = select(StationAgent).order_by(StationAgent.channel_id, StationAgent.id.desc())
    if channel_ids is not None:
        if not channel_ids:
            return []
        query = query.where(StationAgent.channel_id.in_(channel_ids))
    return list(session.scalars(query))


def agent_config(server: str, token: str, channel_id: int, agent_id: int) -> str:
    """The agent's TOML config file: where the server is and the credential to show it."""
    return (
        "# Loa station agent (loa agent run --config this-file). Keep it secret: it holds the\n"
        "# agent's credential. Revoke it on the server (Quản trị, Máy phát) if it leaks.\n"
        "[agent]\n"
        f'server = "{server.rstrip("/")}"\n'
        f'token = "{token}"\n'
        f"channel_id = {channel_id}\n"
        f"agent_id = {agent_id}\n"
        "# Cache folder (audio and the local SQLite); relative paths are relative to this file.\n"
        'cache_dir = "loa-agent-cache"\n'
        '# Where to play: "null", "wav:FOLDER" or "device:NAME" (ALSA device, e.g. "default").\n'
        'output = "device:default"\n'
        '# After an emergency broadcast: "resume" the slot it interrupted or "leave" it.\n'
        'after_emergency = "resume"\n'
    )
