"""Every page's error paths answer in one language: the page's.

Forms with bad input, ids that do not exist, things a role may not do: each is tried in
Vietnamese and in English; the refusal (a flashed message or the error page) must be wholly in
that language: no English sentence on a Vietnamese page and no Vietnamese on an English one.
"""

from __future__ import annotations

import html
import re

import pytest

from tests.test_messages import assert_english, assert_vietnamese
from tests.web.conftest import Browser, World

FLASH = re.compile(r'<p class="flash error"[^>]*>(.*?)</p>', re.S)
MAIN = re.compile(r"<main>(.*?)</main>", re.S)
TAGS = re.compile(r"<[^>]+>")


def _cases(w: World) -> list[tuple[str, str, str, dict[str, str]]]:
    """(role, method, url, form) of requests a page must refuse, saying why."""
    ch, prog = w.channel_a, w.programme
    admin = [
        ("POST", "/admin/users", {"username": "", "password": "x" * 12, "role": "admin"}),
        ("POST", "/admin/users", {"username": "moi", "password": "ngan", "role": "admin"}),
        ("POST", "/admin/users", {"username": "admin", "password": "x" * 12, "role": "admin"}),
        ("POST", "/admin/users", {"username": "moi", "password": "x" * 12, "role": "king"}),
        ("POST", "/admin/users", {"username": "moi", "password": "x" * 12, "role": "planner"}),
        ("POST", "/admin/users", {"username": "moi", "password": "x" * 12, "role": "broadcaster"}),
        ("POST", "/admin/users/999999/active", {}),
        ("POST", "/admin/units/import", {"province": ""}),
        ("POST", "/admin/units/import", {"province": "Atlantis"}),
        ("POST", "/admin/channels", {"kind": "tv", "name": "A", "unit": "91001"}),
        ("POST", "/admin/channels", {"kind": "commune_radio", "name": "", "unit": "91001"}),
        ("POST", "/admin/channels", {"kind": "commune_radio", "name": "A", "unit": "00000"}),
        (
            "POST",
            "/admin/channels",
            {"kind": "commune_radio", "name": "A", "unit": "91001", "active_from": "31/02/2026"},
        ),  # fmt: skip
        ("POST", "/admin/channels", {"kind": "commune_radio", "name": "A\x07", "unit": "91001"}),
        ("GET", "/admin/channels/999999", {}),
        ("POST", f"/admin/channels/{ch}/patterns", {"weekdays": "", "start": "06:00"}),
        ("POST", f"/admin/channels/{ch}/patterns", {"weekdays": "1", "start": "25:00"}),
        (
            "POST",
            f"/admin/channels/{ch}/patterns",
            {"weekdays": "1", "start": "06:00", "minutes": "2000"},
        ),  # fmt: skip
        ("POST", f"/admin/channels/{ch}/patterns/999999/end", {}),
        ("POST", f"/admin/channels/{ch}/clusters", {"name": ""}),
        ("POST", f"/admin/channels/{ch}/clusters", {"name": "Cụm 1", "speakers": "nhiều"}),
        ("POST", "/admin/dead-letters/999999/retry", {}),
        ("GET", "/no-such-page", {}),
    ]
    planner = [
        ("POST", "/library", {"title": "", "programme_type": "tin", "topics": "ntm"}),
        ("POST", "/library", {"title": "T", "programme_type": "radio", "topics": "ntm"}),
        ("POST", "/library", {"title": "T", "programme_type": "tin", "language": "xx"}),
        ("POST", "/library", {"title": "T", "programme_type": "tin", "language": "vi"}),
        (
            "POST",
            "/library",
            {"title": "T", "programme_type": "tin", "topics": "ntm", "minutes": "năm"},
        ),  # fmt: skip
        (
            "POST",
            "/library",
            {"title": "T", "programme_type": "tin", "topics": "ntm", "minutes": "900"},
        ),  # fmt: skip
        ("POST", "/library", {"title": "Bản tin\x00", "programme_type": "tin"}),
        ("POST", "/library/999999/approve", {}),
        ("POST", f"/library/{prog}/audio", {}),
        ("POST", "/library/inbox/999999/draft", {}),
        ("POST", "/library/inbox/999999/dismiss", {}),
        ("GET", "/library?q=%E2%80%AEx", {}),
        ("POST", f"/planner/{ch}/add", {"week": "2026-W99"}),
        ("POST", f"/planner/{ch}/add", {"week": str(w.week)}),
        ("POST", f"/planner/{ch}/remove", {"item_id": "999999"}),
        ("POST", f"/planner/{ch}/copy", {"week": str(w.week), "from_week": "2020-W01"}),
        ("POST", f"/planner/{w.channel_b}/create", {"week": str(w.week)}),
        ("GET", f"/planner/{ch}?week=2026-W60", {}),
        ("GET", "/admin/users", {}),
    ]
    supervisor = [
        ("GET", "/supervisor?period=2026-Q9", {}),
        ("GET", "/supervisor?period=2020-01-01..2026-01-01", {}),
        ("GET", "/supervisor?rule=nope", {}),
        ("GET", "/supervisor?unit=999999", {}),
        ("GET", "/supervisor/report.pdf", {}),
        ("GET", "/supervisor/channel/999999", {}),
        ("POST", "/password", {"old": "sai", "new": "x" * 12, "repeat": "x" * 12}),
        ("POST", "/password", {"old": "sai", "new": "ngan", "repeat": "ngan"}),
    ]
    broadcaster = [("GET", "/library", {}), ("GET", "/planner", {})]
    return [
        (role, method, url, form)
        for role, cases in (
            ("admin", admin),
            ("planner", planner),
            ("supervisor", supervisor),
            ("broadcaster", broadcaster),
        )  # fmt: skip
        for method, url, form in cases
    ]


def _refusal(browser: Browser, method: str, url: str, form: dict[str, str]) -> list[str]:
    """What the user reads about the refusal: flashed errors, or the error page's text."""
    r = browser.get(url) if method == "GET" else browser.post(url, form)
    if r.status_code in (302, 303):
        r = browser.get(r.headers["Location"])
    page = r.get_data(as_text=True)
    found = [html.unescape(TAGS.sub("", m)).strip() for m in FLASH.findall(page)]
    if not found and r.status_code >= 400:
        main = MAIN.search(page)
        assert main, page[:300]
        text = html.unescape(TAGS.sub("\n", main.group(1)))
        found = [line.strip() for line in text.splitlines() if line.strip()][1:2]
    return found


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_refusal_is_in_the_pages_language(
    browser: Browser, world: World, language: str
) -> None:
    check = assert_vietnamese if language == "vi" else assert_english
    role = ""
    seen = 0
    for who, method, url, form in _cases(world):
        if who != role:
            browser.client.cookie_jar.clear() if hasattr(browser.client, "cookie_jar") else None
            assert browser.login(who) == 302
            browser.get("/password")
            browser.post(f"/lang/{language}", {"next": "/"})
            browser.get("/password")
            role = who
        messages = _refusal(browser, method, url, form)
        assert messages, f"{who} {method} {url}: no message"
        for text in messages:
            try:
                check(text)
            except AssertionError as exc:
                raise AssertionError(f"{language} {who} {method} {url}: {exc}") from None
        seen += 1
    assert seen > 45
