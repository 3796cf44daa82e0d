"""Check RIFF/RIFX/RF64 WAV headers ourselves: ffmpeg quietly plays damaged WAVs, we refuse them."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from audio.errors import EmptyAudio, InvalidHeader, Truncated, Unreadable
from audio.messages import N_, message

# Formats whose frame size is fixed by channels x sample width (block_align can be checked).
PCM_LIKE = {1: "pcm", 3: "float", 6: "alaw", 7: "mulaw"}
EXTENSIBLE = 0xFFFE
STREAMED_SIZES = (0, 0xFFFFFFFF)  # writers that could not seek back leave one of these


@dataclass(frozen=True)
class WavHeader:
    """What a WAV header says about its audio."""

    container: str  # RIFF, RIFX or RF64
    format_tag: int
    channels: int
    sample_rate: int
    bits: int
    block_align: int
    data_offset: int
    data_size: int

    @property
    def frames(self) -> int:
        """Number of sample frames in the data chunk."""
        return self.data_size // self.block_align if self.block_align else 0

    def raw_input_args(self) -> list[str]:
        """ffmpeg input options that read this file's samples as raw PCM (for RIFX)."""
        kind = "f" if self.format_tag == 3 else ("u" if self.bits <= 8 else "s")
        width = 8 * (self.block_align // self.channels)
        fmt = "u8" if kind == "u" else f"{kind}{width}{'be' if self.container == 'RIFX' else 'le'}"
        seconds = self.frames / self.sample_rate
        return [
            "-f", fmt, "-ar", str(self.sample_rate), "-ac", str(self.channels),
            "-skip_initial_bytes", str(self.data_offset), "-t", f"{seconds:.6f}",
        ]  # fmt: skip


def read_header(path: str | Path) -> WavHeader | None:
    """Parse and check a WAV header; None when the file is not a WAV at all."""
    with open(path, "rb") as fh:
        head = fh.read(12)
        if head[:4] not in (b"RIFF", b"RIFX", b"RF64", b"BW64"):
            return None
        container = "RF64" if head[:4] == b"BW64" else head[:4].decode()
        if len(head) < 12:
            raise Truncated(
                message(
                    N_("the file ends inside the %(container)s header (%(size)s bytes)"),
                    container=container,
                    size=len(head),
                )
            )
        if head[8:12] != b"WAVE":
            raise InvalidHeader(
                message(
                    N_("the %(container)s file is not of type WAVE (%(kind)s)"),
                    container=container,
                    kind=repr(head[8:12]),
                )
            )
        end = "<" if container != "RIFX" else ">"
        size = fh.seek(0, 2)
        return _walk_chunks(fh, container, end, size)


# Complexity allowed: a RIFF walk where each branch is one kind of malformed file, in one place.
def _walk_chunks(fh: BinaryIO, container: str, end: str, size: int) -> WavHeader:  # noqa: C901
    """Walk the chunks to fmt and data, checking every size against the file."""
    pos = 12
    fmt: tuple[int, int, int, int, int, int] | None = None
    ds64_data: int | None = None
    while True:
        fh.seek(pos)
        hdr = fh.read(8)
        if len(hdr) == 0:
            raise Truncated(message(N_("the file ends before its data chunk (no audio data)")))
        if len(hdr) < 8:
            raise Truncated(message(N_("a chunk header is cut off at byte %(pos)s"), pos=pos))
        cid, csize = hdr[:4], struct.unpack(f"{end}I", hdr[4:])[0]
        body = pos + 8
        if cid == b"ds64":
            ds = fh.read(min(csize, 28))
            if len(ds) < 16:
                raise Truncated(message(N_("the RF64 ds64 chunk is cut off")))
            ds64_data = struct.unpack("<Q", ds[8:16])[0]
        elif cid == b"fmt ":
            if csize < 16:
                raise InvalidHeader(
                    message(
                        N_("the fmt chunk has %(size)s bytes (at least 16 expected)"), size=csize
                    )
                )
            raw = fh.read(min(csize, 40))
            if len(raw) < 16:
                raise Truncated(message(N_("the fmt chunk is cut off")))
            tag, ch, rate, brate, align, bits = struct.unpack(f"{end}HHIIHH", raw[:16])
            if tag == EXTENSIBLE and len(raw) >= 26:
                tag = struct.unpack(f"{end}H", raw[24:26])[0]
            fmt = (tag, ch, rate, brate, align, bits)
        elif cid == b"data":
            if fmt is None:
                raise InvalidHeader(message(N_("the data chunk comes before any fmt chunk")))
            available = size - body
            declared = csize
            if container == "RF64" and csize == 0xFFFFFFFF and ds64_data is not None:
                declared = ds64_data
            elif csize in STREAMED_SIZES and available > 0:
                declared = available
            if declared > available:
                raise Truncated(
                    message(
                        N_(
                            "the data chunk announces %(declared)s bytes"
                            " but only %(available)s are present"
                        ),
                        declared=declared,
                        available=available,
                    )
                )
            return _checked(container, fmt, body, declared)
        pos = body + csize + (csize & 1)
        if pos > size:
            raise Truncated(
                message(
                    N_("the chunk %(chunk)s announces %(size)s bytes past the end of the file"),
                    chunk=repr(cid),
                    size=csize,
                )
            )


def _checked(
    container: str, fmt: tuple[int, int, int, int, int, int], offset: int, data_size: int
) -> WavHeader:
    """Check that channels, sample width, block size and byte rate agree."""
    tag, ch, rate, brate, align, bits = fmt
    if ch < 1 or rate < 1:
        raise InvalidHeader(
            message(N_("%(channels)s channels at %(rate)s Hz"), channels=ch, rate=rate)
        )
    if tag in PCM_LIKE:
        if bits < 1 or bits > 64:
            raise InvalidHeader(message(N_("%(bits)s bits per sample"), bits=bits))
        expected = ch * ((bits + 7) // 8)
        if align != expected:
            raise InvalidHeader(
                message(
                    N_(
                        "block size %(align)s does not match"
                        " %(channels)s channels x %(bits)s bits (%(expected)s)"
                    ),
                    align=align,
                    channels=ch,
                    bits=bits,
                    expected=expected,
                )
            )
        if brate != rate * align:
            raise InvalidHeader(
                message(
                    N_("byte rate %(brate)s does not match %(rate)s Hz x %(align)s bytes"),
                    brate=brate,
                    rate=rate,
                    align=align,
                )
            )
    header = WavHeader(container, tag, ch, rate, bits, align, offset, data_size)
    if data_size == 0 or (tag in PCM_LIKE and header.frames == 0):
        raise EmptyAudio(message(N_("the data chunk holds no samples")))
    if container == "RIFX" and (tag not in (1, 3) or bits > 64):
        raise Unreadable(
            message(N_("big-endian RIFX with format %(tag)s is not supported"), tag=tag)
        )
    return header
