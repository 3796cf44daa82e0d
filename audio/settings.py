"""The broadcast rendition's settings ([audio] in config.toml), passed to audio functions."""

from __future__ import annotations

from dataclasses import dataclass

from audio.analysis import AnalysisOptions


@dataclass(frozen=True)
class AudioSettings:
    """Loudness target, true-peak ceiling, MP3 bitrate, rate, channels, trimming and reel gaps."""

    target_lufs: float = -16.0
    max_true_peak_dbtp: float = -1.0
    bitrate_kbps: int = 128
    sample_rate: int = 44100
    channels: int = 1
    trim_silence: bool = True
    silence_threshold_db: float = -50.0
    gap_seconds: float = 1.0
    intro_jingle: str = ""
    outro_jingle: str = ""

    def analysis_options(self, true_peak: bool = False) -> AnalysisOptions:
        """Analysis in this rendition's format, so measured loudness is what will be heard."""
        return AnalysisOptions(
            channels=self.channels,
            silence_threshold_db=self.silence_threshold_db,
            true_peak=true_peak,
        )
