"""Pure audio functions over files (ffmpeg, driven directly and through pydub): no database."""

from audio.analysis import AnalysisOptions, AudioInfo, analyse, probe, validate
from audio.errors import AudioError
from audio.render import Loudness, RenderResult, measure_loudness, render
from audio.settings import AudioSettings

__all__ = [
    "AnalysisOptions",
    "AudioError",
    "AudioSettings",
    "AudioInfo",
    "Loudness",
    "RenderResult",
    "analyse",
    "measure_loudness",
    "probe",
    "render",
    "validate",
]
