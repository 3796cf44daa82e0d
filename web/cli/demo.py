"""`loa demo`: a realistic demo province on the configured database (SQLite by default)."""

from __future__ import annotations

import click
from sqlalchemy.orm import Session

import migrations
from audio.messages import N_
from content.db import utcnow
from scheduler.demo import build_demo, demo_present
from scheduler.demo.audio import add_demo_audio, programmes_of_the_week
from scheduler.errors import LoaError
from scheduler.models import Channel
from scheduler.periods import Week, local_date_of
from scheduler.units.queries import find_province
from scheduler.units.records import UnitsError
from scheduler.units.service import import_province
from web.cli.context import LoaContext, pass_loa


@click.command("demo")
@click.option(
    "--province",
    default="19",
    show_default=True,
    help="Province code or name from the official 2025 list (19 = Thái Nguyên).",
)
@click.option("--weeks", default=8, show_default=True, type=click.IntRange(1, 52))
@click.option("--seed", default=2026, show_default=True, help="Random seed (same seed, same demo).")
@click.option(
    "--audio/--no-audio",
    default=True,
    show_default=True,
    help="Give this week's programmes of the demo broadcaster's station a short audio clip.",
)
@pass_loa
def demo_command(loa: LoaContext, province: str, weeks: int, seed: int, audio: bool) -> None:
    """Build a demo province: units, stations, a library and past weeks of airings.

    Safe to run again: when the demo is already there, nothing changes.
    """
    migrations.upgrade(loa.engine)
    with loa.session() as session:
        if demo_present(session):
            loa.echo(N_("The demo data is already present; nothing to do"))
            return
    try:
        with loa.session() as session:
            loa.echo(
                N_("Importing the units of province %(province)s (2025 structure)..."),
                province=province,
            )
            units = import_province(session, province, "demo")
            loa.echo(
                N_("Units: %(new)s new, %(changed)s changed, %(unchanged)s unchanged"),
                new=units.new, changed=units.changed, unchanged=units.unchanged,
            )  # fmt: skip
            code = _province_code(session, province)
            loa.echo(
                N_("Building stations, library and %(weeks)s past weeks of airings..."),
                weeks=weeks,
            )
            summary = build_demo(session, loa.settings, code, past_weeks=weeks, seed=seed)
            clips = _audio(loa, session, summary.showcase_channel) if audio else 0
    except (LoaError, UnitsError) as exc:
        raise loa.refuse(exc) from exc
    loa.echo(
        N_(
            "Demo ready: %(channels)s stations, %(programmes)s programmes, %(items)s scheduled "
            "items, %(airings)s airings, %(unconfirmed)s past items not confirmed yet, "
            "%(clips)s audio clips."
        ),
        channels=summary.channels, programmes=summary.programmes, items=summary.items,
        airings=summary.airings, unconfirmed=summary.unconfirmed, clips=clips,
    )  # fmt: skip
    loa.echo(
        N_("Week %(week)s is a draft to plan: %(command)s"),
        week=summary.next_week,
        command=f"loa plan --week {summary.next_week} --unit {code}",
    )


def _audio(loa: LoaContext, session: Session, channel_id: int) -> int:
    """Short clips for this week's programmes of the demo broadcaster's station."""
    channel = session.get(Channel, channel_id)
    assert channel is not None
    today = local_date_of(utcnow(), loa.settings.zone)
    programmes = programmes_of_the_week(session, channel_id, Week.of(today), today)
    loa.echo(
        N_("Recording %(n)s audio clips for the programmes of %(station)s..."),
        n=len(programmes),
        station=channel.name,
    )
    return add_demo_audio(session, loa.settings, programmes)


def _province_code(session: Session, province: str) -> str:
    """The GSO code of the province given by code or name."""
    return find_province(session, province, structure="2025").code


def register(group: click.Group) -> None:
    """Attach the demo command."""
    group.add_command(demo_command)
