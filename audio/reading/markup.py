"""Text as a reader sees it: markup, links, addresses, bullets and invisible characters gone."""

from __future__ import annotations

import html
import re
import unicodedata

_BREAK_TAG = re.compile(r"<\s*(br|/p|/div|/li|/h\d|p|li|tr)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^<>]{0,2000}>")
# Bounded, so that a hostile text of brackets stays linear (a link text is short).
_MD_IMAGE = re.compile(r"!\[[^\]\n]{0,300}\]\([^)\s]{0,1000}\)")
_MD_LINK = re.compile(r"\[([^\]\n]{0,300})\]\([^)\s]{0,1000}\)")
_URL = re.compile(
    r"(?:https?://|ftp://|www\.)\S+"
    r"|(?<![\w.-])[\w-]+(?:\.[\w-]+)*\.(?:vn|com|net|org|info|gov|edu)(?:\.vn)?(?:/\S*)?(?![\w.])",
    re.I,
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_BULLET = re.compile(r"^\s*(?:[•·▪►✓]\s*|[-*+–—]\s+|#{1,6}\s*)")
_INVISIBLE = frozenset({"So", "Sk", "Co", "Cs", "Cf"})


def drop_markup(text: str) -> str:
    """Without HTML tags, scripts, entities, Markdown links/images, URLs and e-mail addresses."""
    text = _without_scripts(text)
    text = _BREAK_TAG.sub("\n", text)
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    text = _MD_IMAGE.sub(" ", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _EMAIL.sub(" ", text)
    return _URL.sub(" ", text)


def _without_scripts(text: str) -> str:
    """Without <script> and <style> elements and their content (an unclosed one runs to the end);
    found with plain searches, linear in the text."""
    lower = text.lower()
    kept, pos = [], 0
    while True:
        starts = [i for i in (lower.find("<script", pos), lower.find("<style", pos)) if i >= 0]
        if not starts:
            kept.append(text[pos:])
            return "".join(kept)
        start = min(starts)
        tag = "script" if lower.startswith("<script", start) else "style"
        kept.append(text[pos:start])
        close = lower.find(f"</{tag}", start)
        if close < 0:
            return " ".join(kept)
        end = lower.find(">", close)
        pos = len(text) if end < 0 else end + 1
        kept.append(" ")


def lines(text: str) -> str:
    """One sentence end per line (titles and list items get their pause), bullets dropped."""
    out = []
    for raw in text.replace("\r", "\n").split("\n"):
        line = _BULLET.sub("", raw).strip()
        if not line:
            continue
        if line[-1].isalnum() or line[-1] in ")%":
            line += "."
        out.append(line)
    return "\n".join(out)


def visible(text: str) -> str:
    """Without emoji, pictographs, private-use and invisible formatting characters."""
    return "".join(
        ch
        for ch in text
        if ch in "°º" or not (unicodedata.category(ch) in _INVISIBLE or "\ufe00" <= ch <= "\ufe0f")
    )
