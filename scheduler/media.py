"""Settings -> audio/content arguments: the rendition format and the media folder."""

from __future__ import annotations

from pathlib import Path

from audio import RenditionFormat
from scheduler.config import Settings


def rendition_format(settings: Settings) -> RenditionFormat:
    """The broadcast rendition described by [audio] in config.toml."""
    a = settings.audio
    return RenditionFormat(
        target_lufs=a.target_lufs,
        max_true_peak_dbtp=a.max_true_peak_dbtp,
        bitrate_kbps=a.bitrate_kbps,
        sample_rate=a.sample_rate,
        channels=a.channels,
        trim_silence=a.trim_silence,
        silence_threshold_db=a.silence_threshold_db,
    )


def media_root(settings: Settings) -> Path:
    """The media folder ([media].folder, relative to the config file)."""
    return settings.resolve_path(settings.media.folder)


def jingle(settings: Settings, which: str) -> Path | None:
    """The configured intro or outro jingle, or None."""
    value = settings.audio.intro_jingle if which == "intro" else settings.audio.outro_jingle
    return settings.resolve_path(value) if value else None
