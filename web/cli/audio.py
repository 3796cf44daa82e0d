"""`loa audio ...`: probe and normalise files, and assemble a channel's slots into one file each."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import click
from sqlalchemy import select

from audio import AudioError, analyse, render
from audio.messages import N_, message
from audio.slot import assemble
from content.assets import needs_rendition, rerender
from content.errors import InvalidContent
from content.media_models import AudioAsset
from scheduler.media import jingle, media_root
from scheduler.models.channels import Channel
from scheduler.models.schedules import Slot
from web.cli.context import LoaContext, pass_loa


@click.group("audio")
def audio_group() -> None:
    """Audio: probe, loudness-normalise, one file per slot."""


@audio_group.command("probe")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_loa
def probe(loa: LoaContext, file: Path, as_json: bool) -> None:
    """Decode FILE: format, real duration, loudness, or why it is refused."""
    fmt = loa.settings.audio
    try:
        info = analyse(file, fmt.analysis_options(true_peak=True))
    except AudioError as exc:
        raise loa.error(N_("%(file)s: %(problem)s"), file=str(file), problem=exc) from exc
    data = info.as_dict()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    for key, value in data.items():
        click.echo(f"{key:>18}: {value}")


@audio_group.command("normalise")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Output file (.mp3 = broadcast rendition, .wav = PCM).")  # fmt: skip
@click.option("--target", type=float, help="Loudness target in LUFS (default from [audio]).")
@click.option("--true-peak", type=float, help="True-peak ceiling in dBTP (default from [audio]).")
@click.option("--trim/--no-trim", default=None, help="Cut leading/trailing silence.")
@pass_loa
def normalise(
    loa: LoaContext,
    file: Path,
    output: Path,
    target: float | None,
    true_peak: float | None,
    trim: bool | None,
) -> None:
    """Loudness-normalise FILE (EBU R128) into the broadcast format."""
    fmt = loa.settings.audio
    if target is not None:
        fmt = dataclasses.replace(fmt, target_lufs=target)
    if true_peak is not None:
        fmt = dataclasses.replace(fmt, max_true_peak_dbtp=true_peak)
    if output.suffix.lower() not in (".mp3", ".wav"):
        raise loa.error(N_("%(file)s: the output must end in .mp3 or .wav"), file=output.name)
    try:
        result = render(file, output, fmt, trim=trim)
    except AudioError as exc:
        raise loa.error(N_("%(file)s: %(problem)s"), file=str(file), problem=exc) from exc
    lufs = result.output.integrated_lufs
    loa.echo(
        N_(
            "Wrote %(file)s: %(seconds)s s, gain %(gain)s dB, %(loudness)s, true peak %(peak)s dBTP"
        ),
        file=str(output),
        seconds=f"{result.duration_seconds:.2f}",
        gain=f"{result.gain_db:+.1f}",
        loudness=message(N_("unmeasurable")) if lufs is None else f"{lufs:.1f} LUFS",
        peak=f"{result.output.true_peak_dbtp:.1f}",
    )


@audio_group.command("slot")
@click.option("--channel", "channel_id", type=int, required=True, help="Channel id.")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help="Local date, YYYY-MM-DD.")  # fmt: skip
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the slot files (created if missing).")  # fmt: skip
@click.option("--gap", type=float, help="Seconds of silence between programmes.")
@pass_loa
def slot(
    loa: LoaContext, channel_id: int, day: dt.datetime, output: Path, gap: float | None
) -> None:
    """One MP3 per slot of a channel on a date (PC or USB play)."""
    settings = loa.settings
    fmt = settings.audio
    root = media_root(settings)
    with loa.session() as session:
        channel = session.get(Channel, channel_id)
        if channel is None:
            raise loa.error(N_("There is no channel #%(channel)s"), channel=channel_id)
        slots = session.scalars(
            select(Slot)
            .where(Slot.channel_id == channel_id, Slot.local_date == day.date())
            .order_by(Slot.starts_at)
        ).all()
        plan = []
        for s in slots:
            files = []
            for item in s.items:
                asset = session.scalar(
                    select(AudioAsset).where(AudioAsset.programme_id == item.programme_id)
                )
                if asset is None:
                    loa.echo(
                        N_("Warning: programme #%(programme)s has no audio; skipped"),
                        programme=item.programme_id,
                        err=True,
                    )
                    continue
                files.append(root / asset.rendition_path)
            local = s.starts_at.astimezone(settings.zone)
            plan.append((local, files))
    if not plan:
        raise loa.error(
            N_("Channel #%(channel)s has no slot on %(day)s"),
            channel=channel_id,
            day=f"{day:%d/%m/%Y}",
        )
    written = 0
    for local, files in plan:
        if not files:
            loa.echo(N_("%(time)s: no audio, no file"), time=f"{local:%H:%M}")
            continue
        name = f"channel{channel_id}-{local:%Y%m%d-%H%M}.mp3"
        try:
            reel = assemble(
                files, output / name, fmt,
                gap_seconds=settings.audio.gap_seconds if gap is None else gap,
                intro=jingle(settings, "intro"), outro=jingle(settings, "outro"),
            )  # fmt: skip
        except AudioError as exc:
            raise loa.error(N_("%(file)s: %(problem)s"), file=name, problem=exc) from exc
        written += 1
        loa.echo(
            N_("%(time)s: wrote %(file)s (%(parts)s programmes, %(seconds)s s)"),
            time=f"{local:%H:%M}",
            file=str(output / name),
            parts=reel.parts,
            seconds=f"{reel.duration_seconds:.0f}",
        )
    loa.echo(N_("%(n)s slot files in %(folder)s"), n=written, folder=str(output))


@audio_group.command("rerender")
@click.option("--all", "everything", is_flag=True,
              help="Every asset, even those already in the current profile.")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Only list what would be rendered again.")
@pass_loa
def rerender_cmd(loa: LoaContext, everything: bool, dry_run: bool) -> None:
    """Render the broadcast renditions again after [audio] changed or files were lost.

    Each asset is done in its own transaction from its kept original; the replaced file is
    removed once the new one is recorded. Run again after a failure: finished ones are skipped.
    """
    settings = loa.settings
    fmt = settings.audio
    root = media_root(settings)
    with loa.read_session() as session:
        ids = [
            a.id
            for a in session.scalars(select(AudioAsset).order_by(AudioAsset.id))
            if everything or needs_rendition(a, root, fmt)
        ]
    if dry_run:
        for asset_id in ids:
            loa.echo(N_("#%(asset)s: would render again"), asset=asset_id)
        loa.echo(N_("%(n)s assets to render again"), n=len(ids))
        return
    done = failed = 0
    for asset_id in ids:
        try:
            with loa.session() as session:  # commits here, before the old file goes
                asset = session.get(AudioAsset, asset_id)
                if asset is None:  # deleted meanwhile
                    continue
                out = rerender(session, asset, root, fmt, "cli", force=everything)
                path = out.asset.rendition_path
        except InvalidContent as exc:
            failed += 1
            click.echo(f"#{asset_id}: {loa.text(exc)}", err=True)
            continue
        if out.old_path:
            (root / out.old_path).unlink(missing_ok=True)
        done += out.rendered
        click.echo(f"#{asset_id}: {path}")
    loa.echo(
        N_("%(done)s rendered again, %(failed)s failed, of %(total)s"),
        done=done,
        failed=failed,
        total=len(ids),
    )
    if failed:
        raise loa.error(N_("%(n)s assets could not be rendered again"), n=failed)


def register(group: click.Group) -> None:
    """Attach the audio commands."""
    group.add_command(audio_group)
