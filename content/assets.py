"""Programme audio: keep the original, derive the broadcast rendition, recognise duplicates."""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from audio import AudioError, AudioInfo, AudioSettings, analyse, render
from audio.files import atomic_copy
from audio.render import UNMEASURED_LUFS
from content.audit import record
from content.errors import N_, DuplicateContent, InvalidContent
from content.media_models import AudioAsset
from content.models import Programme

# Stored names come from the content hash and the detected container, never from the upload's
# own name, so no path tricks or odd characters reach the file system.
EXTENSIONS = {"mp3": "mp3", "wav": "wav", "ogg": "ogg", "flac": "flac", "mov": "m4a",
              "matroska": "webm", "aac": "aac", "amr": "amr", "mpeg": "mpg"}  # fmt: skip


@dataclass(frozen=True)
class ImportedAudio:
    """The asset stored (or found again) for a file."""

    asset: AudioAsset
    duplicate: bool


def file_sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def profile_name(fmt: AudioSettings) -> str:
    """Short name of a rendition format, part of the rendition's file name."""
    ch = "mono" if fmt.channels == 1 else "stereo"
    return f"{fmt.bitrate_kbps}k-{fmt.sample_rate}-{ch}-{abs(fmt.target_lufs):g}lufs"


def _rendition_rel(sha256: str, fmt: AudioSettings) -> str:
    """Where a file's rendition in a profile is stored, under the media folder."""
    return f"renditions/{sha256[:2]}/{sha256}-{profile_name(fmt)}.mp3"


def _measured_lufs(info: AudioInfo) -> float | None:
    """Input loudness, or None: ebur128 gives -70 LUFS when nothing passed its gate (< 0.4 s)."""
    lufs = info.loudness_lufs
    return lufs if lufs is not None and lufs > UNMEASURED_LUFS else None


def _extension(container: str) -> str:
    first = container.replace("(", " ").split(",")[0].split()[0].lower()
    return EXTENSIONS.get(first, "bin")


def find_by_hash(session: Session, sha256: str) -> AudioAsset | None:
    """The asset with this content hash, if the file was stored before."""
    return session.scalar(select(AudioAsset).where(AudioAsset.sha256 == sha256))


def import_audio(
    session: Session,
    media_root: str | Path,
    path: str | Path,
    actor: str,
    fmt: AudioSettings,
    programme: Programme | None = None,
    original_name: str | None = None,
) -> ImportedAudio:
    """Validate path, store its original and rendition under media_root and add an AudioAsset.

    A refused file raises InvalidContent and leaves nothing behind (no row, no file). A file
    whose hash is already stored is recognised and returned with duplicate=True.
    """
    path = Path(path)
    root = Path(media_root)
    sha = file_sha256(path)
    existing = find_by_hash(session, sha)
    if existing is not None:
        return ImportedAudio(existing, duplicate=True)
    try:
        info = analyse(path, fmt.analysis_options())
    except AudioError as exc:
        raise InvalidContent.carry(exc) from exc
    measured = _measured_lufs(info)
    original_rel = f"originals/{sha[:2]}/{sha}.{_extension(info.container)}"
    rendition_rel = _rendition_rel(sha, fmt)
    created: list[Path] = []
    try:
        if not (root / original_rel).exists():
            atomic_copy(path, root / original_rel)
            created.append(root / original_rel)
        result = render(path, root / rendition_rel, fmt, info)
        created.append(root / rendition_rel)
        asset = AudioAsset(
            programme=programme,
            sha256=sha,
            original_name=(original_name or path.name)[:255],
            original_path=original_rel,
            original_bytes=path.stat().st_size,
            container=info.container[:60],
            codec=info.codec[:40],
            channels=info.channels,
            sample_rate=info.sample_rate,
            duration_ms=max(1, round(info.duration_seconds * 1000)),
            input_lufs=measured,
            rendition_path=rendition_rel,
            rendition_sha256=file_sha256(root / rendition_rel),
            rendition_profile=profile_name(fmt),
            rendition_duration_ms=max(1, round(result.duration_seconds * 1000)),
            rendition_lufs=result.output.integrated_lufs if measured is not None else None,
            rendition_true_peak_dbtp=result.output.true_peak_dbtp,
            created_by=actor,
        )
        try:
            with session.begin_nested():
                session.add(asset)
                session.flush()
        except IntegrityError:
            # Another import of the same bytes won the race: its row names the very same
            # hash-named files, so they stay and the file is reported as a duplicate.
            winner = find_by_hash(session, sha)
            if winner is None:
                raise
            return ImportedAudio(winner, duplicate=True)
    except BaseException as exc:
        for file in created:
            with contextlib.suppress(FileNotFoundError):
                file.unlink()
        if isinstance(exc, AudioError):
            raise InvalidContent.carry(exc) from exc
        raise
    record(session, actor, "audio.import", "audio_asset", asset.id, after={
        "sha256": sha, "programme_id": programme.id if programme else None,
        "duration_ms": asset.duration_ms, "original_name": asset.original_name})  # fmt: skip
    return ImportedAudio(asset, duplicate=False)


def attach_to_programme(
    session: Session, asset: AudioAsset, programme: Programme, actor: str
) -> None:
    """Link an asset to a programme (replacing its audio) and take the duration from the audio.

    A replaced asset is detached, not deleted: its files stay for what was already downloaded,
    sent to a station or aired.
    """
    if asset.programme_id is not None and asset.programme_id != programme.id:
        raise DuplicateContent(
            N_("This audio already belongs to programme #%(programme)s"),
            code="audio.attached",
            programme=asset.programme_id,
        )
    old = session.scalar(select(AudioAsset).where(AudioAsset.programme_id == programme.id))
    if old is not None and old.id != asset.id:
        old.programme_id = None
        session.flush()  # the programme's one asset (unique) is free before the new one takes it
    before = {"audio_asset_id": old.id} if old is not None else None
    asset.programme = programme
    programme.duration_seconds = max(1, round(asset.rendition_duration_ms / 1000))
    session.flush()
    after = {"audio_asset_id": asset.id, "duration_seconds": programme.duration_seconds}
    record(session, actor, "audio.attach", "programme", programme.id, before=before, after=after)


@dataclass(frozen=True)
class Rerendered:
    """What rerender did to one asset; old_path is a replaced file the caller may now remove."""

    asset: AudioAsset
    rendered: bool
    old_path: str | None = None


def needs_rendition(asset: AudioAsset, media_root: str | Path, fmt: AudioSettings) -> bool:
    """True when the asset's rendition is of another profile or its file is gone."""
    current = asset.rendition_profile == profile_name(fmt)
    return not current or not (Path(media_root) / asset.rendition_path).is_file()


def rerender(
    session: Session,
    asset: AudioAsset,
    media_root: str | Path,
    fmt: AudioSettings,
    actor: str,
    force: bool = False,
) -> Rerendered:
    """Derive the asset's rendition again from its kept original, in the profile fmt describes.

    For a changed [audio] profile, or a rendition file lost from the media folder. The row is
    updated (and audited) in the caller's transaction; the replaced file is left for the caller
    to remove once that has committed. A failure leaves the row and every file as they were.
    """
    if not force and not needs_rendition(asset, media_root, fmt):
        return Rerendered(asset, rendered=False)
    root = Path(media_root)
    original = root / asset.original_path
    if not original.is_file():
        raise InvalidContent(
            N_("The original file %(path)s is missing"),
            code="original_missing",
            path=asset.original_path,
        )
    new_rel = _rendition_rel(asset.sha256, fmt)
    existed = (root / new_rel).exists()
    before = {"rendition_path": asset.rendition_path, "profile": asset.rendition_profile}
    try:
        info = analyse(original, fmt.analysis_options())
        measured = _measured_lufs(info) is not None
        result = render(original, root / new_rel, fmt, info)
        with session.begin_nested():
            asset.rendition_path = new_rel
            asset.rendition_sha256 = file_sha256(root / new_rel)
            asset.rendition_profile = profile_name(fmt)
            asset.rendition_duration_ms = max(1, round(result.duration_seconds * 1000))
            asset.rendition_lufs = result.output.integrated_lufs if measured else None
            asset.rendition_true_peak_dbtp = result.output.true_peak_dbtp
            session.flush()
    except BaseException as exc:
        if not existed:
            with contextlib.suppress(FileNotFoundError):
                (root / new_rel).unlink()
        if isinstance(exc, AudioError):
            raise InvalidContent.carry(exc) from exc
        raise
    record(session, actor, "audio.rerender", "audio_asset", asset.id, before=before,
           after={"rendition_path": new_rel, "profile": asset.rendition_profile})  # fmt: skip
    old = before["rendition_path"]
    return Rerendered(asset, rendered=True, old_path=old if old != new_rel else None)
