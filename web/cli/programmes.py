"""`loa programmes ...`: add programmes to the library, with their audio."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import click
from sqlalchemy import select

from audio.messages import N_, message
from content.assets import attach_to_programme, import_audio
from content.audit import record
from content.errors import ContentError
from content.models import PRIORITIES, Programme, ProgrammeTopic
from content.speech import ProgrammeFields
from content.text import clean_optional, clean_text
from scheduler.media import media_root
from web.cli.context import LoaContext, pass_loa
from web.cli.speech import add_from_text


@click.group("programmes")
def programmes_group() -> None:
    """The programme library (thư viện chương trình)."""


@programmes_group.command("add")
@click.option("--title", required=True, help="Title (tên chương trình).")
@click.option("--topic", "topics", multiple=True, required=True, help="Topic code; repeatable.")
@click.option("--type", "programme_type", default="tin", show_default=True,
              help="Programme type code (tin, phong_su, chuyen_muc...).")  # fmt: skip
@click.option("--language", default="vi", show_default=True, help="Language code.")
@click.option("--audio", "audio_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Audio file: original kept, broadcast rendition derived.")  # fmt: skip
@click.option("--text-file", type=click.Path(dir_okay=False, path_type=Path),
              help="UTF-8 text read aloud ([speech]); the text is kept.")  # fmt: skip
@click.option("--voice", help="With --text-file: the voice (default [speech].voice).")
@click.option("--duration", type=int, help="Seconds (only without --audio).")
@click.option("--producer", help="Producing unit.")
@click.option("--priority", type=click.Choice(PRIORITIES), default="normal", show_default=True)
@click.option("--code", help="Optional unique code.")
@click.option("--user", "actor", default="cli", show_default=True, help="Who adds it.")
@pass_loa
def add(
    loa: LoaContext,
    title: str,
    topics: tuple[str, ...],
    programme_type: str,
    language: str,
    audio_file: Path | None,
    text_file: Path | None,
    voice: str | None,
    duration: int | None,
    producer: str | None,
    priority: str,
    code: str | None,
    actor: str,
) -> None:
    """Add a programme; with --audio its duration comes from the audio."""
    settings = loa.settings
    _check_vocab(loa, settings.topics, topics, N_("topic"))
    _check_vocab(loa, settings.programme_types, (programme_type,), N_("programme type"))
    _check_vocab(loa, settings.languages, (language,), N_("language"))
    if text_file is not None and audio_file is None and not duration:
        fields = ProgrammeFields(title=title, topics=topics, programme_type=programme_type,
                                 language=language, priority=priority, producer=producer,
                                 code=code)  # fmt: skip
        return add_from_text(loa, fields, text_file, actor, voice)
    if audio_file is None and not duration:
        raise loa.error(N_("Give --audio FILE or --duration SECONDS"))
    if audio_file is not None and not audio_file.is_file():
        raise loa.error(N_("%(file)s: no such file"), file=str(audio_file))
    try:
        title = clean_text(title, field=N_("title"))
        producer = clean_optional(producer, field=N_("producer"))
        code = clean_optional(code, field=N_("code"))
        with loa.session() as session:
            if code and session.scalar(select(Programme).where(Programme.code == code)):
                raise loa.error(N_("The code %(code)s already exists"), code=code)
            programme = Programme(
                code=code, title=title, programme_type=programme_type, language=language,
                duration_seconds=duration or 0, producer=producer, priority=priority,
                created_by=actor, topic_links=[ProgrammeTopic(topic=t) for t in set(topics)],
            )  # fmt: skip
            session.add(programme)
            session.flush()
            record(session, actor, "programme.create", "programme", programme.id,
                   after={"title": title, "topics": sorted(set(topics))})  # fmt: skip
            note = ""
            if audio_file is not None:
                imported = import_audio(
                    session, media_root(settings), audio_file, actor, settings.audio
                )
                if imported.duplicate and imported.asset.programme_id is not None:
                    owner = imported.asset.programme_id
                    raise loa.error(
                        N_("%(file)s: this file is already in the library (programme #%(owner)s)"),
                        file=audio_file.name,
                        owner=owner,
                    )
                attach_to_programme(session, imported.asset, programme, actor)
                a = imported.asset
                note = f"{a.duration_ms / 1000:.1f} s, {a.rendition_lufs} LUFS, "
                note += f"{a.rendition_true_peak_dbtp:.1f} dBTP"
    except ContentError as exc:
        raise loa.refuse(exc) from exc
    loa.echo(
        N_("Programme #%(id)s added: %(title)s (%(seconds)s s)")
        if not note
        else N_("Programme #%(id)s added: %(title)s (%(seconds)s s; audio %(audio)s)"),
        id=programme.id,
        title=title,
        seconds=programme.duration_seconds,
        audio=note,
    )


def _check_vocab(
    loa: LoaContext, known: Mapping[str, object], codes: tuple[str, ...], what: str
) -> None:
    for c in codes:
        if c not in known:
            raise loa.error(
                N_("unknown %(what)s '%(value)s' (known: %(known)s)"),
                what=message(what),
                value=c,
                known=", ".join(sorted(known)),
            )


def register(group: click.Group) -> None:
    """Attach the programmes commands."""
    group.add_command(programmes_group)
