"""Admin: pair a station's agent (its config shown once) and revoke agents."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request
from flask_babel import gettext as _

from audio.messages import N_
from content.text import InvalidText, clean_optional
from scheduler.errors import LoaError
from scheduler.fleet import credentials
from web.db import db
from web.views.admin import _actor, _channel, _done, _refused, bp


@bp.post("/channels/<int:channel_id>/agents")
def pair_agent(channel_id: int) -> Any:
    """A new agent credential for the channel: its config file is shown on this page, once."""
    ch = _channel(channel_id)
    server = request.form.get("server", "").strip() or request.host_url
    try:
        name = clean_optional(request.form.get("name"), field=N_("name")) or ch.name
    except InvalidText as exc:
        return _refused(exc, "admin.channel", channel_id=channel_id)
    agent, token = credentials.pair(db(), ch.id, name, _actor())
    config = credentials.agent_config(server, token, ch.id, agent.id)
    db().commit()
    current_app.extensions["loa_tokens"].clear()
    return render_template("admin/agent_paired.html", channel=ch, agent=agent, config=config)


@bp.post("/agents/<int:agent_id>/revoke")
def revoke_agent(agent_id: int) -> Any:
    """Revoke an agent: refused from its next request on (cached credentials forgotten)."""
    try:
        agent = credentials.revoke(db(), agent_id, _actor())
    except LoaError as exc:
        return _refused(exc, "admin.channels")
    current_app.extensions["loa_tokens"].clear()
    return _done(_("Agent revoked."), "admin.channel", channel_id=agent.channel_id)
