"""`loa emergency create|status|cancel|approve`: emergency broadcasts from the command line.

Without --user the command acts as the operator ("cli", every area: whoever runs it holds the
database anyway); with --user NAME it acts as that account, whose role and area are checked as
on the web.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from audio.messages import N_, message
from content.db import utcnow
from scheduler.areas import find_unit
from scheduler.emergency import issue as ops
from scheduler.emergency.proof import BROADCAST_STATE_NAMES, STATE_NAMES, VIA_NAMES, Proof, proof
from scheduler.emergency.targets import (
    Repeats,
    parse_times,
    parse_until,
    programme_from_audio,
    programme_from_speech,
)
from scheduler.errors import LoaError
from web.cli.context import LoaContext, pass_loa
from web.emergency_access import issuer_of_user
from web.models import User

OPERATOR = ops.Issuer("cli", "admin", None)


def _issuer(loa: LoaContext, session: Session, username: str | None) -> ops.Issuer:
    if username is None:
        return OPERATOR
    user = session.scalar(select(User).where(User.username == username, User.active))
    if user is None:
        raise loa.error(N_("No active account named %(name)s."), name=username)
    return issuer_of_user(session, user)


@click.group("emergency")
def emergency_group() -> None:
    """Emergency broadcasts (phát tin khẩn): issue, follow the proof of air, cancel."""


@emergency_group.command("create")
@click.option("--unit", "unit_code", required=True, help="GSO code of the area (tỉnh, xã...).")
@click.option("--programme", "programme_id", type=int, help="An approved programme with audio.")
@click.option("--audio", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="An audio file to broadcast (validated and normalised).")  # fmt: skip
@click.option("--text-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A text to read aloud offline ([speech]).")  # fmt: skip
@click.option("--within", "minutes", type=int, required=True, help="Air within N minutes.")
@click.option("--repeat", help="Repeat at local times, e.g. 06:00,11:00,17:00.")
@click.option("--every", type=int, help="Repeat every N minutes (with --until).")
@click.option("--until", help="Last repeat: local HH:MM (next one) or a date-time.")
@click.option("--expires", help="Expiry (local HH:MM or a date-time); default [emergency].")
@click.option("--title", help="Title (default: the programme's).")
@click.option("--reason", help="Why it is issued.")
@click.option("--kind", "kinds", multiple=True, help="Only channels of this kind (repeatable).")
@click.option("--channel", "channel_ids", type=int, multiple=True, help="Only these channels.")
@click.option("--user", "username", help="Act as this account (role and area checked).")
@click.option("--json", "as_json", is_flag=True, help="Print the status document as JSON.")
@pass_loa
def create(loa: LoaContext, unit_code: str, programme_id: int | None, audio: Path | None,
           text_file: Path | None, minutes: int, repeat: str | None, every: int | None,
           until: str | None, expires: str | None, title: str | None, reason: str | None,
           kinds: tuple[str, ...], channel_ids: tuple[int, ...], username: str | None,
           as_json: bool) -> None:  # fmt: skip
    """Issue an emergency broadcast to every station of an area."""
    sources = [x for x in (programme_id, audio, text_file) if x is not None]
    if len(sources) != 1:
        raise loa.error(N_("Give exactly one of --programme, --audio or --text-file."))
    if repeat and (every or until):
        raise loa.error(N_("Use --repeat or --every with --until, not both."))
    if bool(every) != bool(until):
        raise loa.error(N_("--every and --until go together."))
    settings = loa.settings
    now = utcnow()
    try:
        with loa.session() as session:
            who = _issuer(loa, session, username)
            unit = find_unit(session, unit_code)
            if audio is not None:
                programme_id = programme_from_audio(
                    session, settings, audio, title or audio.stem, who.name, audio.name
                ).id
            elif text_file is not None:
                text = text_file.read_text(encoding="utf-8")
                programme_id = programme_from_speech(
                    session, settings, text, title or text.strip()[:80], who.name
                ).id
            assert programme_id is not None
            zone = settings.zone
            req = ops.Request(
                programme_id=programme_id, unit_id=unit.id, deadline_minutes=minutes,
                title=title, reason=reason, channel_kinds=kinds, channel_ids=channel_ids,
                repeats=Repeats(parse_times(repeat.split(",")) if repeat else (), every,
                                parse_until(until, now, zone) if until else None),
                expires_at=parse_until(expires, now, zone) if expires else None,
            )  # fmt: skip
            b = ops.issue(session, settings, req, who, now)
            found = proof(session, b)
            _show(loa, found, as_json, rows=False)
    except LoaError as exc:
        raise loa.refuse(exc) from exc


def _show(loa: LoaContext, p: Proof, as_json: bool, rows: bool = True) -> None:
    if as_json:
        click.echo(json.dumps(p.as_json(), ensure_ascii=False, indent=2))
        return
    b = p.broadcast
    share = f"{p.share_within_deadline:.1%}" if p.share_within_deadline is not None else "–"
    loa.echo(
        N_("Emergency broadcast %(id)s “%(title)s” (%(state)s): %(aired)s of %(stations)s"
           " station(s) aired, %(agent)s by the device; %(share)s within the deadline."),
        id=b.id, title=b.title, state=message(BROADCAST_STATE_NAMES[b.state]),
        aired=p.counts["aired"], stations=len(p.rows), agent=p.aired_by_agent, share=share,
    )  # fmt: skip
    if not rows:
        return
    zone = loa.settings.zone
    for unit, group in p.groups():
        click.echo(unit)
        for r in group:
            state = loa.text(message(STATE_NAMES[r.state]))
            when = f"{r.aired_at.astimezone(zone):%H:%M:%S}" if r.aired_at else ""
            by = (
                f"{r.aired_by} ({loa.text(message(VIA_NAMES[r.aired_via]))})"
                if r.aired_by and r.aired_via
                else ""
            )
            late = f"{r.minutes_to_air:g}′" if r.minutes_to_air is not None else ""
            click.echo(f"  {r.channel:<40} {state:<24} {when:<9} {by:<30} {late}")


@emergency_group.command("status")
@click.argument("broadcast_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)  # fmt: skip
@click.option("--occurrence", type=int, default=0, show_default=True, help="0 = first airing.")
@pass_loa
def status(loa: LoaContext, broadcast_id: int, fmt: str, occurrence: int) -> None:
    """Proof of air: every station, its state, when and by whom it aired."""
    try:
        with loa.read_session() as session:
            b = ops.get(session, broadcast_id)
            _show(loa, proof(session, b, max(0, occurrence)), fmt == "json")
    except LoaError as exc:
        raise loa.refuse(exc) from exc


@emergency_group.command("cancel")
@click.argument("broadcast_id", type=int)
@click.option("--reason", help="Why it is cancelled.")
@click.option("--user", "username", help="Act as this account (role and area checked).")
@pass_loa
def cancel(loa: LoaContext, broadcast_id: int, reason: str | None, username: str | None) -> None:
    """Cancel: stations that have not started it will not air it."""
    try:
        with loa.session() as session:
            who = _issuer(loa, session, username)
            stopped = ops.cancel(session, loa.settings, broadcast_id, who, utcnow(), reason)
    except LoaError as exc:
        raise loa.refuse(exc) from exc
    loa.echo(N_("Cancelled; %(count)s station(s) will not air it."), count=stopped)


@emergency_group.command("approve")
@click.argument("broadcast_id", type=int)
@click.option("--user", "username", required=True, help="The approving account.")
@pass_loa
def approve(loa: LoaContext, broadcast_id: int, username: str) -> None:
    """Approve a broadcast another person issued ([emergency].approval): it goes out now."""
    try:
        with loa.session() as session:
            who = _issuer(loa, session, username)
            b = ops.approve(session, loa.settings, broadcast_id, who, utcnow())
            found = proof(session, b)
            _show(loa, found, False, rows=False)
    except LoaError as exc:
        raise loa.refuse(exc) from exc


def register(group: click.Group) -> None:
    """Attach the emergency commands."""
    group.add_command(emergency_group)
