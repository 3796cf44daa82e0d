"""Pure audio functions over files (ffmpeg, driven directly and through pydub): no database."""

from audio.analysis import AnalysisOptions, AudioInfo, analyse, probe, validate
from audio.errors import AudioError
from audio.render import Loudness, RenderResult, RenditionFormat, measure_loudness, render

__all__ = [
    "AnalysisOptions",
    "AudioError",
    "AudioInfo",
    "Loudness",
    "RenderResult",
    "RenditionFormat",
    "analyse",
    "measure_loudness",
    "probe",
    "render",
    "validate",
]
