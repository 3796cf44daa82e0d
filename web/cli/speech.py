"""`loa speech ...` and `loa programmes add --text-file`: Vietnamese text read aloud, offline."""

from __future__ import annotations

import dataclasses
import sys
import tempfile
from pathlib import Path

import click

from audio import AudioError, render
from audio.messages import N_, Message, TranslatableError
from audio.speech import ESPEAK_VOICES, MAX_SPEED, MIN_SPEED, check_voice, speak
from content.speech import (
    ProgrammeFields,
    SpeechSetup,
    clean_script,
    programme_from_text,
    read_for_check,
    set_text,
)
from content.text import clean_optional
from scheduler.speech import check_fields, speech_setup
from web.cli.context import LoaContext, pass_loa

VOICE_HELP = f"Voice (espeak-ng: {', '.join(ESPEAK_VOICES)}; default [speech].voice)."
SPEED_HELP = f"Pace, {MIN_SPEED}..{MAX_SPEED} (1.0 = normal; default [speech].speed)."


def _setup(loa: LoaContext, voice: str | None, speed: float | None) -> SpeechSetup:
    """The configured speech setup with this command's voice and speed, checked."""
    setup = speech_setup(loa.settings)
    chosen = dataclasses.replace(
        setup.voice,
        name=voice if voice is not None else setup.voice.name,
        speed=speed if speed is not None else setup.voice.speed,
    )
    try:
        check_voice(chosen)
    except TranslatableError as exc:
        raise loa.refuse(exc) from exc
    return dataclasses.replace(setup, voice=chosen)


def _text(loa: LoaContext, text: str | None, text_file: Path | None) -> str:
    """The text from the argument, a UTF-8 file, or standard input ("-")."""
    if (text is None) == (text_file is None):
        raise click.UsageError(loa.text(Message(N_("give the text or --file FILE (not both)"))))
    if text_file is not None:
        try:
            raw = text_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise click.ClickException(
                loa.text(Message(N_("%(file)s cannot be read as UTF-8 text"),
                                 {"file": str(text_file)}))
            ) from exc  # fmt: skip
        return raw
    return sys.stdin.read() if text == "-" else str(text)


@click.group("speech")
def speech_group() -> None:
    """Text read aloud, offline (espeak-ng or piper)."""


@speech_group.command("say")
@click.argument("text", required=False)
@click.option("--file", "text_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Read the text from this UTF-8 file.")  # fmt: skip
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The broadcast rendition to write (.mp3 or .wav).")  # fmt: skip
@click.option("--voice", help=VOICE_HELP)
@click.option("--speed", type=float, help=SPEED_HELP)
@click.option("--show-reading", is_flag=True, help="Print the text as it is read aloud.")
@pass_loa
def say(loa: LoaContext, text: str | None, text_file: Path | None, output: Path,
        voice: str | None, speed: float | None, show_reading: bool) -> None:  # fmt: skip
    """Read TEXT aloud into a broadcast-ready MP3 (or WAV); "-" reads standard input."""
    setup = _setup(loa, voice, speed)
    if output.suffix.lower() not in (".mp3", ".wav"):
        raise click.BadParameter(loa.text(Message(N_("the output must end in .mp3 or .wav"))))
    raw = _text(loa, text, text_file)
    try:
        cleaned = clean_script(raw, setup.max_characters)
        with tempfile.TemporaryDirectory() as tmp:
            spoken = speak(cleaned, Path(tmp) / "speech.wav", setup.voice, reader=setup.reader)
            result = render(spoken.path, output, setup.rendition)
    except TranslatableError as exc:
        raise loa.refuse(exc) from exc
    except AudioError as exc:
        raise click.ClickException(str(exc)) from exc
    if show_reading:
        click.echo(spoken.reading)
    click.echo(loa.text(Message(
        N_("%(file)s: %(seconds)s s, %(lufs)s LUFS, %(syllables)s syllables "
           "(%(pace)s a second)"),
        {"file": str(output), "seconds": f"{result.duration_seconds:.1f}",
         "lufs": result.output.integrated_lufs, "syllables": spoken.syllables,
         "pace": f"{spoken.syllables / result.duration_seconds:.1f}"},
    )))  # fmt: skip


@speech_group.command("read")
@click.argument("text", required=False)
@click.option("--file", "text_file", type=click.Path(dir_okay=False, path_type=Path))
@pass_loa
def read(loa: LoaContext, text: str | None, text_file: Path | None) -> None:
    """Print TEXT as it will be read aloud, with its estimated length."""
    setup = speech_setup(loa.settings)
    try:
        reading, seconds = read_for_check(setup, _text(loa, text, text_file))
    except TranslatableError as exc:
        raise loa.refuse(exc) from exc
    click.echo(reading)
    click.echo(loa.text(Message(N_("about %(seconds)s s when read aloud"),
                                {"seconds": round(seconds)})))  # fmt: skip


@speech_group.command("abbreviations")
@pass_loa
def abbreviations(loa: LoaContext) -> None:
    """The abbreviations in force (built-in and [speech.abbreviations])."""
    for key, reading in sorted(loa.settings.speech.table().items()):
        click.echo(f"{key}\t{reading}")


def add_from_text(
    loa: LoaContext, fields: ProgrammeFields, text_file: Path, actor: str, voice: str | None
) -> None:
    """`loa programmes add --text-file`: the programme with its audio read from the text."""
    setup = _setup(loa, voice, None)
    text = _text(loa, None, text_file)
    try:
        fields = dataclasses.replace(
            fields, producer=clean_optional(fields.producer, field=N_("the producer"))
        )
        check_fields(loa.settings, fields)
        with loa.session() as session:
            p = programme_from_text(session, setup, fields, text, actor)
            seconds = p.duration_seconds
    except TranslatableError as exc:
        raise loa.refuse(exc) from exc
    click.echo(loa.text(Message(
        N_("programme #%(programme)s added from text: %(title)s (%(seconds)s s, synthesized, "
           "waiting for approval)"),
        {"programme": p.id, "title": fields.title, "seconds": seconds},
    )))  # fmt: skip


@click.command("text")
@click.argument("programme_id", type=int)
@click.option("--text-file", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The new text (UTF-8).")  # fmt: skip
@click.option("--voice", help=VOICE_HELP)
@click.option("--user", "actor", default="cli", show_default=True, help="Who edits it.")
@pass_loa
def edit_text(loa: LoaContext, programme_id: int, text_file: Path, voice: str | None,
              actor: str) -> None:  # fmt: skip
    """Replace a programme's text and read it aloud again."""
    setup = _setup(loa, voice, None)
    text = _text(loa, None, text_file)
    try:
        with loa.session() as session:
            p = set_text(session, setup, programme_id, text, actor)
            seconds = p.duration_seconds
    except TranslatableError as exc:
        raise loa.refuse(exc) from exc
    click.echo(loa.text(Message(
        N_("programme #%(programme)s read aloud again (%(seconds)s s); it needs approval again"),
        {"programme": programme_id, "seconds": seconds},
    )))  # fmt: skip


def register(group: click.Group) -> None:
    """Attach `loa speech` and `loa programmes text` (the programmes group is registered first)."""
    group.add_command(speech_group)
    programmes = group.commands.get("programmes")
    if isinstance(programmes, click.Group):
        programmes.add_command(edit_text)
