"""Read the Expect and Header lines that open each of feedparser's own test feeds."""

from __future__ import annotations

import re
from pathlib import Path

ENCODINGS = ("utf-8", "utf-32", "utf-16", "utf-16-be", "utf-16-le", "utf-32-be", "utf-32-le")


def header_text(raw: bytes) -> str:
    """The file's opening comment, decoded whatever encoding the file is in."""
    for enc in ENCODINGS:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if "Expect:" in text or "Description:" in text:
            return text
    return raw.decode("latin-1")


def expectations(path: Path) -> tuple[str, dict[str, str]]:
    """The Expect expression and the HTTP headers the file is served with upstream."""
    text = header_text(path.read_bytes())
    expect = m.group(1).strip() if (m := re.search(r"Expect:\s*(.*)", text)) else ""
    headers: dict[str, str] = {}
    for line in re.findall(r"Header:\s*(.*)", text):
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return expect, headers
