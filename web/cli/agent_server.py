"""Server-side checks of `loa agent pair`: the acting user must be an admin or the planner."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from audio.messages import N_
from scheduler.areas import subtree_ids
from scheduler.models import Channel
from web.cli.context import LoaContext
from web.models import User


def acting_user_may_pair(loa: LoaContext, s: Session, username: str, channel_id: int) -> Channel:
    """The channel, if the user is an active admin or a planner whose area holds it."""
    user = s.scalar(select(User).where(User.username == username.lower()))
    if user is None or not user.active:
        raise loa.error(N_("There is no user '%(user)s'"), user=username)
    channel = s.get(Channel, channel_id)
    if channel is None:
        raise loa.error(N_("Channel %(channel)s does not exist"), channel=channel_id)
    allowed = user.role == "admin" or (
        user.role == "planner"
        and user.unit_id is not None
        and channel.unit_id in subtree_ids(s, user.unit_id)
    )
    if not allowed:
        raise loa.error(
            N_("Only an admin or a planner of the channel's area may pair its agent"),
        )
    return channel
