"""Who is acting and where: roles, scopes (unit subtree or channels), and the checks views call."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import g
from sqlalchemy import select
from sqlalchemy.orm import Session

from audio.messages import N_, message
from scheduler.areas import subtree_ids
from scheduler.models import Channel
from web.problems import ApiProblem

# What each role may do; scope narrows it to a unit subtree or to channels.
READ = "read"  # see channels, schedules, airings, compliance
PLAN = "plan"  # edit and publish schedules
CONFIRM = "confirm"  # confirm airings, log unplanned ones
ADMIN = "admin"  # users, units, channels, patterns
SUPERVISE = "supervise"  # compliance of an area, reports, exports
AGENT = "agent"  # a station agent: its own channel's schedule, audio, as-run log and health
ROLE_ACTIONS = {
    "admin": {READ, PLAN, CONFIRM, ADMIN, SUPERVISE},
    "planner": {READ, PLAN, SUPERVISE},
    "broadcaster": {READ, CONFIRM},
    "supervisor": {READ, SUPERVISE},
    "agent": {AGENT},
}
CHANNEL_BOUND = ("broadcaster", "agent")  # roles scoped to a list of channels


@dataclass
class Principal:
    """The signed-in user (or token owner) with the scope their role is limited to."""

    user_id: int
    username: str
    display_name: str
    role: str
    unit_id: int | None = None
    channel_ids: frozenset[int] = frozenset()
    via_token: bool = False
    agent_id: int | None = None
    _unit_ids: frozenset[int] | None = field(default=None, repr=False)

    def may(self, action: str) -> bool:
        """True when the role allows the action somewhere."""
        return action in ROLE_ACTIONS.get(self.role, set())

    def unit_ids(self, session: Session) -> frozenset[int] | None:
        """Units in scope (None = everywhere, for admins)."""
        if self.role == "admin":
            return None
        if self.role in CHANNEL_BOUND:
            return frozenset()
        if self._unit_ids is None:
            ids = subtree_ids(session, self.unit_id) if self.unit_id is not None else []
            self._unit_ids = frozenset(ids)
        return self._unit_ids

    def channel_scope(self, session: Session) -> frozenset[int] | None:
        """Channel ids in scope (None = all channels)."""
        if self.role == "admin":
            return None
        if self.role in CHANNEL_BOUND:
            return self.channel_ids
        units = self.unit_ids(session) or frozenset()
        if not units:
            return frozenset()
        query = select(Channel.id).where(Channel.unit_id.in_(units))
        return frozenset(session.scalars(query))

    def covers_channel(self, session: Session, channel: Channel) -> bool:
        """True when the channel lies in this principal's scope."""
        if self.role == "admin":
            return True
        if self.role in CHANNEL_BOUND:
            return channel.id in self.channel_ids
        units = self.unit_ids(session) or frozenset()
        return channel.unit_id in units

    def covers_channel_id(self, session: Session, channel_id: int) -> bool:
        """Like covers_channel, without loading the channel for admins and broadcasters."""
        if self.role == "admin":
            return True
        if self.role in CHANNEL_BOUND:
            return channel_id in self.channel_ids
        channel = session.get(Channel, channel_id)
        return channel is not None and self.covers_channel(session, channel)

    def covers_unit(self, session: Session, unit_id: int) -> bool:
        """True when the unit lies in the principal's subtree (admins: everywhere)."""
        units = self.unit_ids(session)
        return units is None or unit_id in units


def current() -> Principal | None:
    """The principal of this request, if signed in."""
    principal: Principal | None = g.get("principal")  # flask.g holds Any
    return principal


def require(action: str) -> Principal:
    """The principal, who must be signed in and whose role allows the action (else 401/403)."""
    principal = current()
    if principal is None:
        raise ApiProblem(
            401, message(N_("Sign in, or send an access (bearer) token")), "unauthenticated"
        )
    if not principal.may(action):
        raise ApiProblem(
            403,
            message(N_("The role '%(role)s' may not do this"), role=principal.role),
            "forbidden",
        )
    return principal


def require_channel(session: Session, channel_id: int, action: str) -> Channel:
    """The channel, if it exists and the principal may act on it; 404 hides out-of-scope ones."""
    principal = require(action)
    channel = session.get(Channel, channel_id)
    if channel is None or not principal.covers_channel(session, channel):
        raise ApiProblem(
            404,
            message(N_("Channel %(channel)s was not found in your area"), channel=channel_id),
            "not_found",
        )
    return channel
