"""Every feed of feedparser's own test suite: ingested without an exception, matching feedparser."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from content.feeds.parse import _HAS_ZONE, entry_data, parse_feed
from content.feeds.store import add_source, ingest_document
from content.feeds.text import html_to_text, tidy
from content.media_models import FeedItem
from tests.conftest import testdata_dir as _testdata_dir
from tests.feed_helpers import expectations

ROOT = _testdata_dir() / "feeds" / "feedparser"
FEEDS = sorted(ROOT.rglob("*.xml")) if ROOT.is_dir() else []
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
TAG = re.compile(r"<\s*/?\s*[a-zA-Z!?]")


def test_testdata_present(testdata: Path) -> None:
    assert len(FEEDS) >= 400


def test_every_feed_ingests_without_exception(session: Session, testdata: Path) -> None:
    stored = recovered = refused = 0
    for i, path in enumerate(FEEDS):
        _, headers = expectations(path)
        source = add_source(session, f"https://feeds.test/{i}/{path.name}", "t", name=path.name)
        outcome = ingest_document(session, source, path.read_bytes(), ZONE, headers)
        assert outcome.status in ("ok", "recovered", "error"), path
        if outcome.status == "error":
            refused += 1
            assert outcome.message and source.last_error  # reported, with the reason
        recovered += outcome.status == "recovered"
        stored += outcome.new_items
    session.commit()
    assert session.scalar(select(func.count()).select_from(FeedItem)) == stored >= 80
    assert recovered > 0  # the illformed feeds are kept when feedparser can recover them


def _good() -> list[Path]:
    return [p for p in FEEDS if expectations(p)[0].startswith("not bozo")]


@pytest.mark.parametrize("path", _good(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_good_feeds_match_feedparser(path: Path) -> None:
    _, headers = expectations(path)
    raw = path.read_bytes()
    ref = feedparser.parse(raw, response_headers=headers)
    assert not ref.bozo
    ours = feedparser.parse(
        raw, response_headers=headers, sanitize_html=False, resolve_relative_uris=False
    )
    for theirs, mine in zip(ref.entries, ours.entries, strict=True):
        item = entry_data(mine, ZONE)
        if item is None:
            assert not (theirs.get("id") or theirs.get("link") or theirs.get("title"))
            continue
        if theirs.get("link"):
            assert item.link == theirs.link.strip()
        if theirs.get("title"):
            kind = (theirs.get("title_detail") or {}).get("type") or "text/html"
            want = html_to_text(theirs.title) if "html" in kind else tidy(theirs.title)
            assert item.title == want[:500]
        parsed = theirs.get("published_parsed") or theirs.get("updated_parsed")
        raw_date = theirs.get("published") or theirs.get("updated") or ""
        if parsed and (theirs.get("published_parsed") or not theirs.get("published")):
            utc = dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC)
            if not _HAS_ZONE.search(raw_date.strip()):
                utc = dt.datetime(*parsed[:6], tzinfo=ZONE).astimezone(dt.UTC)
            assert item.published_at == utc
    parsed_feed = parse_feed(raw, ZONE, headers)
    assert not parsed_feed.bozo


@pytest.mark.parametrize("path", sorted((ROOT / "wellformed" / "sanitize").glob("*.xml")),
                         ids=lambda p: p.name)  # fmt: skip
def test_sanitize_cases_leave_no_markup_or_script(path: Path) -> None:
    parsed = parse_feed(path.read_bytes(), ZONE)
    expect, _ = expectations(path)
    if "<img" in expect:  # an image alone: nothing left to read on air, so no entry at all
        assert parsed.entries == []
    else:
        assert parsed.entries
    for e in parsed.entries:
        for text in (e.title, e.text):
            assert not TAG.search(text), text
            low = text.lower()
            assert not re.search(r"\bscript\b", low), text
            for bad in ("executeme", "onerror", "onload", "javascript:", "alert("):
                assert bad not in low, (bad, text)
    if "'safe description'" in expect:
        assert parsed.entries[0].text == "safe description"
