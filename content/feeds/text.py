"""Feed HTML to plain text for reading on air: no tags, scripts, styles or comments."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

# Content that is never shown as text in a browser, so never read out either.
SKIPPED = frozenset({"script", "style", "template", "svg", "math", "noembed"})
BLOCKS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "tr", "table", "blockquote", "pre", "section", "article", "header", "footer", "hr",
    "figure", "figcaption", "address", "body", "html", "title",
})  # fmt: skip
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANKS = re.compile(r"\n\s*\n\s*\n+")
_TAGLIKE = re.compile(r"<\s*/?\s*[a-zA-Z!?][^<>]*>")


class _TextExtractor(HTMLParser):
    """Collects text nodes outside skipped elements; block elements become line breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self.skip += 1
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self.skip = max(0, self.skip - 1)
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: entities decoded, markup and script dropped, tidy spacing."""
    if "<" not in html and "&" not in html:
        return tidy(html)
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    # A tag split in odd ways may come back as text: never let anything tag-like through.
    text = _TAGLIKE.sub(" ", text)
    return tidy(text)


def tidy(text: str) -> str:
    """Collapse runs of spaces, keep at most one blank line, strip the ends."""
    lines = [_SPACES.sub(" ", line).strip() for line in unescape(text).split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()
