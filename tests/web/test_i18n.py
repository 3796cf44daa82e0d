"""Catalogues: every message of the code is translated in vi and en, the compiled .mo files
match the .po files, and dates and weeks are written the Vietnamese way."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import force_locale

from scheduler.periods import Week
from tests.web.conftest import Browser, World
from web.i18n import fmt_date, fmt_day, fmt_week

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "web" / "translations"
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]


LAYERS = ("audio", "content", "scheduler", "web")
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}


def _code_messages() -> set[str]:
    """What `pybabel extract -k N_ audio content scheduler web` finds (README, babel.cfg)."""
    out = set()
    for layer in LAYERS:
        found = extract_from_dir(ROOT / layer, METHODS, keywords=KEYWORDS)
        for _file, _line, message, _comments, _ctx in found:
            out.add(message if isinstance(message, str) else message[0])
    return out


def test_catalogues_are_complete_in_step_and_compiled() -> None:
    wanted = _code_messages()
    assert len(wanted) > 500
    for lang in ("vi", "en"):
        po = read_po((TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb"))
        translated = {m.id: m.string for m in po if m.id}
        missing = sorted(m for m in wanted if not translated.get(m))
        assert not missing, f"{lang}: untranslated {missing[:10]}"
        stale = sorted(m for m in translated if m not in wanted)
        assert not stale, f"{lang}: entries no code uses any more {stale[:10]}"
        fuzzy = sorted(str(m.id) for m in po if m.id and m.fuzzy)
        assert not fuzzy, f"{lang}: fuzzy entries {fuzzy[:10]}"
        composed = [m for m, t in translated.items() if not unicodedata.is_normalized("NFC", t)]
        assert not composed, f"{lang}: translations not in NFC {composed[:5]}"
        mo = read_mo(io.BytesIO((TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo").read_bytes()))
        compiled = {m.id: m.string for m in mo if m.id}
        stale = sorted(k for k, v in translated.items() if compiled.get(k) != v)
        assert not stale, f"{lang}: messages.mo is older than messages.po ({stale[:5]})"


def test_vietnamese_by_default_english_on_request(browser: Browser, world: World) -> None:
    assert "Đăng nhập" in browser.get("/login").text
    browser.post("/lang/en", {"next": "/login"})
    assert "Sign in" in browser.get("/login").text


def test_dates_and_weeks(app: Flask) -> None:
    import datetime as dt

    with app.test_request_context():
        assert fmt_date(dt.date(2026, 11, 23)) == "23/11/2026"
        assert fmt_week(Week(2026, 48)) == "Tuần 48 (23/11–29/11/2026)"
        assert fmt_day(dt.date(2026, 11, 23)) == "Thứ Hai 23/11/2026"
        assert fmt_day(dt.date(2026, 11, 29)) == "Chủ nhật 29/11/2026"
        with force_locale("en"):
            assert fmt_day(dt.date(2026, 11, 25)) == "Wednesday 25/11/2026"


def test_catalogues_compile_and_placeholders_match() -> None:
    """What `pybabel compile` checks, plus: every translation keeps the id's placeholders."""
    from babel.messages.mofile import write_mo

    for lang in ("vi", "en"):
        with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            po = read_po(fh, locale=lang)
        problems = [(m.id, [str(e) for e in errors]) for m, errors in po.check() if errors]
        assert not problems, f"{lang}: {problems[:5]}"
        for m in po:
            if m.id and isinstance(m.id, str):
                wanted = sorted(re.findall(r"%\(\w+\)s", m.id))
                assert sorted(re.findall(r"%\(\w+\)s", m.string)) == wanted, (lang, m.id)
        write_mo(io.BytesIO(), po)
