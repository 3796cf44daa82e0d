"""`loa agent ...`: pair a station's agent on the server; run, sync and inspect it at the station.

The station side (run, sync, status) imports neither Flask nor the server's models: this module
imports only click at the top, and each command imports what it needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from web.cli.context import LoaContext


def _server_context() -> LoaContext:
    """The server's CLI context (config, database), built from the top-level options."""
    from web.cli.context import LoaContext

    options = click.get_current_context().find_root().obj
    return LoaContext(options.config_path, options.language)


@click.group("agent")
def agent_group() -> None:
    """Station agent (máy phát tự động): pair it on the server, run it at the station."""


@agent_group.command("pair")
@click.option("--channel", "channel_id", type=int, required=True, help="Channel (đài) id.")
@click.option("--server", required=True, help="The server's address as the station reaches it.")
@click.option(
    "-o", "--output", "output", type=click.Path(dir_okay=False), required=True,
    help="Where to write the agent's config file (agent.toml).",
)  # fmt: skip
@click.option("--user", "username", required=True, help="Admin, or a planner of the channel.")
@click.option("--name", default="", help="What the device is (default: the channel's name).")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
def pair(channel_id: int, server: str, output: str, username: str, name: str, force: bool) -> None:
    """Create an agent credential for one channel and write the agent's config (shown once)."""
    from audio.messages import N_
    from content.text import clean_optional
    from scheduler.errors import LoaError
    from scheduler.fleet import credentials
    from web.cli.agent_server import acting_user_may_pair

    loa = _server_context()
    if not server.startswith(("http://", "https://")):
        raise loa.error(N_("The server address must start with http:// or https://"))
    target = Path(output)
    if target.exists() and not force:
        raise loa.error(N_("%(path)s exists; use --force to overwrite it"), path=output)
    try:
        label = clean_optional(name, field=N_("name"))
        with loa.session() as s:
            channel = acting_user_may_pair(loa, s, username, channel_id)
            agent, token = credentials.pair(s, channel.id, label or channel.name, username)
            text = credentials.agent_config(server, token, channel.id, agent.id)
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(target.suffix + ".tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.chmod(0o600)
            tmp.replace(target)
            loa.echo(
                N_("Agent %(agent)s paired with channel %(channel)s; its config is in %(path)s"),
                agent=agent.id,
                channel=channel.name,
                path=output,
            )
    except LoaError as exc:
        raise loa.refuse(exc) from exc


@agent_group.command("revoke")
@click.argument("agent_id", type=int)
@click.option("--user", "username", default="cli", show_default=True, help="Who revokes it.")
def revoke(agent_id: int, username: str) -> None:
    """Revoke an agent's credential: the device is refused from its next request on."""
    from audio.messages import N_
    from scheduler.errors import LoaError
    from scheduler.fleet import credentials

    loa = _server_context()
    try:
        with loa.session() as s:
            credentials.revoke(s, agent_id, username)
            loa.echo(N_("Agent %(agent)s revoked"), agent=agent_id)
    except LoaError as exc:
        raise loa.refuse(exc) from exc


@agent_group.command("list")
def list_agents() -> None:
    """The paired agents: channel, last seen, revoked or not."""
    from scheduler.fleet import credentials

    loa = _server_context()
    with loa.read_session() as s:
        for a in credentials.agents_of(s, None):
            seen = f"{a.last_seen_at:%Y-%m-%d %H:%M}" if a.last_seen_at else "-"
            state = "revoked" if a.revoked_at else "active"
            click.echo(f"{a.id}\t{a.channel_id}\t{state}\t{seen}\t{a.name}")


def register(group: click.Group) -> None:
    """Attach the agent commands."""
    group.add_command(agent_group)
