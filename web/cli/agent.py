"""`loa agent ...`: pair a station's agent on the server; run, sync and inspect it at the station.

The station side (run, sync, status) imports neither Flask nor the server's models: this module
imports only click at the top, and each command imports what it needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from scheduler.agent.config import AgentConfig
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


def _say(msgid: str, /, **params: object) -> None:
    """Print a catalogue message in the command's language (--lang, else Vietnamese)."""
    click.echo(_render(msgid, **params))


def _render(msgid: str, /, **params: object) -> str:
    from audio.messages import message
    from web.catalogue import render_in

    options = click.get_current_context().find_root().obj
    return render_in(message(msgid, **params), getattr(options, "language", None) or "vi")


def _station_config(config: str, output: str | None = None) -> AgentConfig:
    """The agent's config, or a clear error (exit 1)."""
    from scheduler.agent.config import AgentError, load_agent_config
    from web.catalogue import render_in

    try:
        return load_agent_config(config, output)
    except AgentError as exc:
        options = click.get_current_context().find_root().obj
        raise click.ClickException(
            render_in(exc, getattr(options, "language", None) or "vi")
        ) from exc


CONFIG_OPTION = click.option(
    "--config", "config", type=click.Path(dir_okay=False), required=True,
    help="The agent's config file (agent.toml, written by `loa agent pair`).",
)  # fmt: skip


@agent_group.command("run")
@CONFIG_OPTION
@click.option("--output", default=None, help="null, wav:FOLDER or device:NAME (default: config).")
def run(config: str, output: str | None) -> None:
    """Run the agent: keep the cache in sync, play every slot on time, report what aired."""
    import logging
    import signal
    import threading

    from scheduler.agent.runner import Agent

    cfg = _station_config(config, output)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    agent = Agent(cfg)
    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.set())
    agent.start()
    from audio.messages import N_

    _say(N_("The station agent is running (output: %(output)s)"), output=cfg.output)
    stopping.wait()
    agent.stop()


@agent_group.command("sync")
@CONFIG_OPTION
def sync(config: str) -> None:
    """Sync once (schedule and audio), upload the as-run log, then exit."""
    from audio.messages import N_
    from scheduler.agent.runner import Agent

    agent = Agent(_station_config(config))
    try:
        report = agent.syncer.sync()
        sent = agent.upload()
    finally:
        agent.store.close()
    if report.status == 0:
        raise click.ClickException(
            _render(N_("The server could not be reached: %(reason)s"), reason=report.error or "")
        )
    _say(
        N_("Schedule %(state)s; %(files)s file(s) fetched, %(removed)s removed, %(bytes)s bytes; "
           "%(sent)s as-run entries sent"),
        state=_render(N_("changed") if report.status == 200 else N_("unchanged")),
        files=report.downloaded, removed=report.removed, bytes=report.bytes, sent=sent,
    )  # fmt: skip
    if report.failed:
        raise click.ClickException(
            _render(
                N_("%(count)s file(s) could not be fetched: %(reason)s"),
                count=len(report.failed),
                reason=report.error or "",
            )  # fmt: skip
        )


@agent_group.command("status")
@CONFIG_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status(config: str, as_json: bool) -> None:
    """The cache, the next slots, what is missing, unsent entries, emergency broadcasts."""
    import json

    from scheduler.agent.status import agent_status

    facts = agent_status(_station_config(config))
    if as_json:
        click.echo(json.dumps(facts, ensure_ascii=False, indent=1))
        return
    from audio.messages import N_

    _say(N_("Cache: %(files)s file(s), %(bytes)s bytes; clock offset %(offset)s s"),
         files=facts["cache_files"], bytes=facts["cache_bytes"],
         offset=facts["clock_offset_seconds"])  # fmt: skip
    for slot in facts["next_slots"]:
        _say(N_("Slot %(start)s: %(items)s item(s), %(missing)s missing"),
             start=slot["local_start"], items=slot["items"], missing=slot["missing"])  # fmt: skip
    _say(N_("Missing in the next 24 hours: %(count)s item(s)"), count=len(facts["missing_items"]))
    _say(N_("As-run entries not yet sent: %(count)s"), count=facts["unsent_events"])
    states = {
        "pending": N_("audio not fetched yet"), "ready": N_("ready to air"),
        "playing": N_("on air"), "aired": N_("aired"), "failed": N_("failed"),
        "dropped": N_("not to air (cancelled or aired elsewhere)"),
    }  # fmt: skip
    for e in facts["emergencies"]:
        _say(N_("Emergency %(id)s “%(title)s” due %(due)s: %(state)s"), id=e["delivery_id"],
             title=e["title"], due=e["local_due"], state=_render(states[e["state"]]))  # fmt: skip
    _say(N_("Emergency reports not yet sent: %(count)s"), count=facts["unsent_emergency_reports"])


def register(group: click.Group) -> None:
    """Attach the agent commands."""
    group.add_command(agent_group)
