"""Typed audio errors: each says, in Vietnamese then English, why a file was refused."""

from __future__ import annotations


class AudioError(ValueError):
    """Base of every audio refusal; `code` is a short machine-readable reason."""

    code = "audio_error"

    def __init__(self, message: str, detail: str = "") -> None:
        text = f"{message}: {detail}" if detail else message
        super().__init__(text)
        self.detail = detail


class Unreadable(AudioError):
    """No decoder can read the file (not audio, damaged header, unknown format)."""

    code = "unreadable"

    def __init__(self, detail: str = "") -> None:
        super().__init__("Không đọc được tệp âm thanh / The audio file cannot be read", detail)


class Truncated(AudioError):
    """The file ends before the audio its header announces."""

    code = "truncated"

    def __init__(self, detail: str = "") -> None:
        super().__init__("Tệp âm thanh bị cắt cụt / The audio file is truncated", detail)


class InvalidHeader(AudioError):
    """The header contradicts itself (sizes, channels and sample widths do not agree)."""

    code = "invalid_header"

    def __init__(self, detail: str = "") -> None:
        super().__init__("Phần đầu tệp âm thanh không hợp lệ / The audio header is invalid", detail)


class EmptyAudio(AudioError):
    """The file holds no audio samples at all."""

    code = "empty"

    def __init__(self, detail: str = "") -> None:
        super().__init__("Tệp không có âm thanh / The file holds no audio", detail)


class SilentAudio(AudioError):
    """The audio is silent or almost all silence."""

    code = "silent"

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "Tệp âm thanh gần như toàn khoảng lặng / The audio is (almost) all silence", detail
        )


class ToolMissing(AudioError):
    """No ffmpeg binary is available (neither the bundled one nor a system one)."""

    code = "ffmpeg_missing"

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "Không tìm thấy ffmpeg / ffmpeg not found (pip install imageio-ffmpeg or "
            "apt-get install ffmpeg)",
            detail,
        )


class ProcessingFailed(AudioError):
    """ffmpeg failed while converting or measuring a file that had passed validation."""

    code = "processing_failed"

    def __init__(self, detail: str = "") -> None:
        super().__init__("Xử lý âm thanh thất bại / Audio processing failed", detail)
