"""Write files so that a crash or a full disk never leaves a half-written one behind."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def atomic_write(dest: Path, chunks: Iterable[bytes]) -> Path:
    """Write chunks to a temp file beside dest, fsync, then rename over dest; clean up on error."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.part")
    try:
        with open(tmp, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest
